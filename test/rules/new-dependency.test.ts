import { describe, expect, it } from 'vitest';
import { newDependency } from '../../src/rules/new-dependency.js';
import { context, person, stripped, upgrade } from '../helpers/rules.js';

const v = (version: string, dependencies: Record<string, string>) => ({ version, time: '2020-01-01T00:00:00Z', publisher: person('alice'), maintainers: [person('alice')], dependencies });

describe('new-dependency', () => {
  it('is low when a patch release adds a dependency', () => {
    const out = newDependency.check(context(upgrade('pkg', '3.3.4', '3.3.6'), { name: 'pkg', versions: [v('3.3.4', { through: '~2.3.1' }), v('3.3.6', { through: '^2.3.8', 'flatmap-stream': '^0.1.0' })] }));
    expect(out.findings[0]).toMatchObject({ severity: 'low', traits: ['payload:new-dependency'], evidence: { added: [{ name: 'flatmap-stream', spec: '^0.1.0' }], source: 'registry' } });
  });

  it('is info in a major release', () => {
    const out = newDependency.check(context(upgrade('pkg', '1.2.0', '2.0.0'), { name: 'pkg', versions: [v('1.2.0', {}), v('2.0.0', { debug: '^4.0.0' })] }));
    expect(out.findings[0]).toMatchObject({ severity: 'info', evidence: { majorRelease: true } });
  });

  it('says nothing when only ranges changed or dependencies were dropped', () => {
    const out = newDependency.check(context(upgrade('pkg', '1.0.0', '1.0.1'), { name: 'pkg', versions: [v('1.0.0', { a: '^1.0.0', b: '1' }), v('1.0.1', { a: '^1.1.0' })] }));
    expect(out.findings).toEqual([]);
  });

  it('falls back to the lockfile entries when the registry has no metadata', () => {
    const change = upgrade('pkg', '1.0.0', '1.0.1');
    const withDeps = { ...change, before: { ...change.before!, dependencies: { a: '^1.0.0' } }, after: { ...change.after!, dependencies: { a: '^1.0.0', evil: '^1.0.0' } } };
    const out = newDependency.check(context(withDeps, null));
    expect(out.findings[0]).toMatchObject({ severity: 'low', evidence: { added: [{ name: 'evil', spec: '^1.0.0' }], source: 'lockfile' } });
    // the mirror's stripped documents still carry dependencies
    expect(newDependency.check(context(upgrade('pkg', '1.0.0', '1.0.1'), stripped({ name: 'pkg', versions: [v('1.0.0', {}), v('1.0.1', { x: '1' })] }))).findings).toHaveLength(1);
  });
});
