import { describe, expect, it } from 'vitest';
import { maintainersChanged } from '../../src/rules/maintainers-changed.js';
import { context, person, stripped, upgrade } from '../helpers/rules.js';

const v = (version: string, maintainers: string[]) => ({ version, time: '2020-01-01T00:00:00Z', publisher: person(maintainers[0]!), maintainers: maintainers.map(person) });

describe('maintainers-changed', () => {
  it('is low when an account is added', () => {
    const out = maintainersChanged.check(context(upgrade('pkg', '1.0.0', '1.0.1'), { name: 'pkg', versions: [v('1.0.0', ['alice']), v('1.0.1', ['alice', 'mallory'])] }));
    expect(out.findings[0]).toMatchObject({ severity: 'low', traits: ['maintainers:added'], evidence: { added: ['mallory'], removed: [] } });
  });

  it('is medium when every previous maintainer is gone', () => {
    const out = maintainersChanged.check(context(upgrade('pkg', '1.0.0', '1.0.1'), { name: 'pkg', versions: [v('1.0.0', ['alice']), v('1.0.1', ['mallory'])] }));
    expect(out.findings[0]).toMatchObject({ severity: 'medium', traits: ['maintainers:added', 'maintainers:replaced'] });
  });

  it('says nothing when the maintainers are the same (in any order or case)', () => {
    const out = maintainersChanged.check(context(upgrade('pkg', '1.0.0', '1.0.1'), { name: 'pkg', versions: [v('1.0.0', ['alice', 'Bob']), v('1.0.1', ['bob', 'alice'])] }));
    expect(out.findings).toEqual([]);
  });

  it('is not evaluated without per-version maintainers', () => {
    const out = maintainersChanged.check(context(upgrade('pkg', '1.0.0', '1.0.1'), stripped({ name: 'pkg', versions: [v('1.0.0', ['alice']), v('1.0.1', ['mallory'])] })));
    expect(out).toMatchObject({ findings: [], unchecked: expect.stringMatching(/maintainers/) });
  });
});
