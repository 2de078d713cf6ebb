import { describe, expect, it } from 'vitest';
import { installScriptAdded } from '../../src/rules/install-script-added.js';
import { added, context, person, upgrade } from '../helpers/rules.js';

const v = (version: string, extra: Record<string, unknown> = {}) => ({ version, time: '2020-01-01T00:00:00Z', publisher: person('a'), maintainers: [person('a')], ...extra });

describe('install-script-added', () => {
  it('is high when an in-range update adds a postinstall (eslint-scope 3.7.2)', () => {
    const out = installScriptAdded.check(context(upgrade('p', '3.7.1', '3.7.2'), { name: 'p', versions: [v('3.7.1'), v('3.7.2', { scripts: { postinstall: 'node ./lib/build.js', test: 'x' } })] }));
    expect(out.findings[0]).toMatchObject({ severity: 'high', traits: ['payload:install-script'], evidence: { added: ['postinstall'] } });
  });

  it('is medium in a major release, and notices a changed command', () => {
    expect(installScriptAdded.check(context(upgrade('p', '1.0.0', '2.0.0'), { name: 'p', versions: [v('1.0.0'), v('2.0.0', { scripts: { preinstall: 'node x' } })] })).findings[0]!.severity).toBe('medium');
    const changed = installScriptAdded.check(context(upgrade('p', '1.0.0', '1.0.1'), { name: 'p', versions: [v('1.0.0', { scripts: { install: 'node-gyp rebuild' } }), v('1.0.1', { scripts: { install: 'node setup_bun.js' } })] }));
    expect(changed.findings[0]).toMatchObject({ severity: 'high', evidence: { changed: ['install'] } });
  });

  it('treats binding.gyp as an implicit node-gyp rebuild, and an unchanged script as nothing', () => {
    const out = installScriptAdded.check(context(upgrade('p', '1.0.0', '1.1.0'), { name: 'p', versions: [v('1.0.0', { gypfile: true }), v('1.1.0', { gypfile: true })] }));
    expect(out.findings).toEqual([]);
    const gyp = installScriptAdded.check(context(upgrade('p', '1.0.0', '1.1.0'), { name: 'p', versions: [v('1.0.0'), v('1.1.0', { gypfile: true })] }));
    expect(gyp.findings[0]!.evidence).toMatchObject({ scripts: { install: 'node-gyp rebuild' } });
  });

  it('is low when an earlier release already had the same scripts, and for a brand-new package', () => {
    const back = installScriptAdded.check(context(upgrade('p', '1.0.1', '1.0.2'), { name: 'p', versions: [v('1.0.0', { scripts: { postinstall: 'node a' }, time: '2019-01-01T00:00:00Z' }), v('1.0.1'), v('1.0.2', { scripts: { postinstall: 'node a' }, time: '2020-06-01T00:00:00Z' })] }));
    expect(back.findings[0]).toMatchObject({ severity: 'low', traits: [] });
    expect(installScriptAdded.check(context(added('p', '1.0.0'), { name: 'p', versions: [v('1.0.0', { scripts: { install: 'node-gyp rebuild' } })] })).findings[0]).toMatchObject({ severity: 'low', traits: [] });
  });

  it('reads hasInstallScript from the lockfile when there is no registry metadata', () => {
    const change = upgrade('p', '0.7.28', '0.7.29');
    const c = { ...change, after: { ...change.after!, hasInstallScript: true } };
    expect(installScriptAdded.check(context(c, null)).findings[0]).toMatchObject({ severity: 'high', evidence: { source: 'lockfile' } });
    expect(installScriptAdded.check(context(upgrade('p', '0.7.28', '0.7.29'), null)).findings).toEqual([]);
  });
});
