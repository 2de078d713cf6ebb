import { describe, expect, it } from 'vitest';
import { youngPackage } from '../../src/rules/young-package.js';
import { youngVersion } from '../../src/rules/young-version.js';
import { added, context, NOW, person, SETTINGS, stripped, upgrade } from '../helpers/rules.js';

const iso = (daysAgo: number) => new Date(NOW - daysAgo * 86_400_000).toISOString();
const v = (version: string, daysAgo: number) => ({ version, time: iso(daysAgo), publisher: person('a'), maintainers: [person('a')] });

describe('young-version / young-package', () => {
  it('young-version: medium inside the cooldown, nothing outside it', () => {
    const spec = { name: 'p', versions: [v('1.0.0', 400), v('1.0.1', 1)] };
    expect(youngVersion.check(context(upgrade('p', '1.0.0', '1.0.1'), spec)).findings[0]).toMatchObject({ severity: 'medium', traits: ['release:young'], evidence: { minReleaseAge: '3d' } });
    expect(youngVersion.check(context(upgrade('p', '1.0.0', '1.0.1'), { name: 'p', versions: [v('1.0.0', 400), v('1.0.1', 10)] })).findings).toEqual([]);
    expect(youngVersion.check(context(upgrade('p', '1.0.0', '1.0.1'), spec, NOW, { ...SETTINGS, minReleaseAgeMs: 0 })).findings).toEqual([]);
  });

  it('young-package: the package itself is newer than the cooldown', () => {
    expect(youngPackage.check(context(added('p', '0.1.0'), { name: 'p', versions: [v('0.1.0', 2)] })).findings[0]).toMatchObject({ severity: 'medium', traits: ['package:young'] });
    expect(youngPackage.check(context(added('p', '0.1.0'), { name: 'p', versions: [v('0.1.0', 20)] })).findings).toEqual([]);
  });

  it('neither fires on untrustworthy times: both say so', () => {
    const spec = stripped({ name: 'p', versions: [v('1.0.0', 400), v('1.0.1', 0)] });
    expect(youngVersion.check(context(upgrade('p', '1.0.0', '1.0.1'), spec))).toMatchObject({ findings: [], unchecked: expect.stringMatching(/publish time/) });
    expect(youngPackage.check(context(upgrade('p', '1.0.0', '1.0.1'), spec))).toMatchObject({ findings: [], unchecked: expect.stringMatching(/creation time/) });
  });
});
