import { describe, expect, it } from 'vitest';
import { versionJump } from '../../src/rules/version-jump.js';
import { context, person, stripped, upgrade } from '../helpers/rules.js';

const at = (version: string, time: string) => ({ version, time, publisher: person('alice'), maintainers: [person('alice')] });

describe('version-jump', () => {
  it('flags a release after a long dormancy', () => {
    const spec = { name: 'pkg', versions: [at('3.3.4', '2016-07-17T00:00:00Z'), at('3.3.5', '2018-09-04T00:00:00Z'), at('3.3.6', '2018-09-09T00:00:00Z')] };
    const out = versionJump.check(context(upgrade('pkg', '3.3.4', '3.3.6'), spec));
    expect(out.findings[0]).toMatchObject({ severity: 'low', traits: ['release:dormant'], evidence: { dormantFrom: '2016-07-17', dormantUntil: '2018-09-04' } });
  });

  it('flags a skip far ahead and an odd pre-release tag', () => {
    const spec = { name: 'pkg', versions: [at('1.2.0', '2020-01-01T00:00:00Z'), at('99.0.0-pwned', '2020-02-01T00:00:00Z')] };
    const out = versionJump.check(context(upgrade('pkg', '1.2.0', '99.0.0-pwned'), spec));
    expect(out.findings[0]!.traits).toEqual(['release:odd-prerelease', 'release:skip-ahead']);
    expect(out.findings[0]!.severity).toBe('medium');
  });

  it('flags a downgrade, even without registry metadata', () => {
    const out = versionJump.check(context(upgrade('pkg', '2.0.0', '1.9.0', { kind: 'downgraded' }), null));
    expect(out.findings[0]).toMatchObject({ severity: 'low', traits: ['release:downgrade'] });
  });

  it('flags a release published after a higher one of the same major line', () => {
    const spec = { name: 'pkg', versions: [at('1.0.0', '2020-01-01T00:00:00Z'), at('1.5.0', '2020-02-01T00:00:00Z'), at('1.0.1', '2020-03-01T00:00:00Z')] };
    expect(versionJump.check(context(upgrade('pkg', '1.0.0', '1.0.1'), spec)).findings[0]!.traits).toEqual(['release:out-of-order']);
  });

  it('says nothing about an ordinary release, and says what it could not check without times', () => {
    const spec = { name: 'pkg', versions: [at('1.0.0', '2020-01-01T00:00:00Z'), at('1.1.0', '2020-03-01T00:00:00Z')] };
    expect(versionJump.check(context(upgrade('pkg', '1.0.0', '1.1.0'), spec))).toEqual({ findings: [] });
    const out = versionJump.check(context(upgrade('pkg', '1.0.0', '1.1.0'), stripped(spec)));
    expect(out.findings).toEqual([]);
    expect(out.unchecked).toMatch(/publish times/);
  });
});
