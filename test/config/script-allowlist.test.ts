import { describe, expect, it } from 'vitest';
import type { ProjectFiles } from '../../src/config/project-files.js';
import { readScriptPolicies } from '../../src/config/script-allowlist.js';
import { scriptGate, type ScriptPolicies } from '../../src/rules/script-gate.js';

/**
 * Each package manager's install-script settings as the project's files write them, read the
 * way the manager reads them (the formats were checked against npm 11.19.1 and 12.2.2, pnpm
 * 10.34.9 and 11.28.11, Yarn 4.18.1 and Bun 1.4.5: see docs/rules/install-script-added.md).
 */

const NO_FILES: ProjectFiles = { '.npmrc': null, 'pnpm-workspace.yaml': null, '.yarnrc.yml': null, 'package.json': null };

function policies(files: Partial<ProjectFiles> & { pkg?: unknown }, yarnLockfileVersion: number | null = null): ScriptPolicies {
  const { pkg, ...rest } = files;
  return readScriptPolicies(
    { ...NO_FILES, ...rest, ...(pkg !== undefined ? { 'package.json': JSON.stringify(pkg) } : {}) },
    { yarnLockfileVersion },
  );
}

/** name -> versions (null: any) of the allow or deny entries, as the tests compare them. */
const specs = (entries: ReadonlyArray<{ name: string; versions: readonly string[] | null; setting: string }>) =>
  entries.map((e) => [e.name, e.versions, e.setting]);

describe('npm', () => {
  it('package.json allowScripts: names, name@*, exact versions joined by ||; false denies; ranges, tags and non-registry specs name nothing', () => {
    const npm = policies({
      pkg: {
        allowScripts: {
          esbuild: true,
          'sharp@*': true,
          '@scope/native@1.2.3': true,
          'canvas@2.0.0 || 2.0.1': true,
          'core-js': false,
          'ranged@^1.0.0': true,
          'tagged@latest': true,
          'github:a/b': true,
          'file:../x': true,
          'yes-string': 'yes',
        },
      },
    }).npm;
    const setting = 'package.json allowScripts';
    expect(specs(npm.allow)).toEqual([
      ['esbuild', null, setting],
      ['sharp', null, setting],
      ['@scope/native', ['1.2.3'], setting],
      ['canvas', ['2.0.0', '2.0.1'], setting],
    ]);
    expect(specs(npm.deny)).toEqual([['core-js', null, setting]]);
    expect(npm.blocksUnlisted).toBeNull(); // npm 11 runs unlisted scripts, with a notice
    expect(npm.conflict).toBe('deny');
  });

  it(".npmrc allow-scripts is npm's list only when package.json has no valid allowScripts entry", () => {
    const npmrc = 'allow-scripts=esbuild, sharp@0.33.0\n';
    expect(specs(policies({ '.npmrc': npmrc }).npm.allow)).toEqual([
      ['esbuild', null, '.npmrc allow-scripts'],
      ['sharp', ['0.33.0'], '.npmrc allow-scripts'],
    ]);
    expect(specs(policies({ '.npmrc': npmrc, pkg: { allowScripts: { canvas: true } } }).npm.allow)).toEqual([
      ['canvas', null, 'package.json allowScripts'],
    ]);
    expect(specs(policies({ '.npmrc': npmrc, pkg: { allowScripts: { 'canvas@^2': true } } }).npm.allow)).toHaveLength(2);
  });

  it('blocks unlisted scripts with strict-allow-scripts (npm 11.19+) or when devEngines makes npm 12+ required', () => {
    expect(policies({ '.npmrc': 'strict-allow-scripts=true\n' }).npm.blocksUnlisted).toBe('.npmrc strict-allow-scripts=true');
    const devEngines = (packageManager: unknown) => policies({ pkg: { devEngines: { packageManager } } }).npm.blocksUnlisted;
    expect(devEngines({ name: 'npm', version: '>=12' })).toBe('package.json devEngines.packageManager requires npm >=12');
    expect(devEngines([{ name: 'npm', version: '^12.2.0', onFail: 'error' }])).not.toBeNull();
    expect(devEngines({ name: 'npm', version: '>=11' })).toBeNull();
    expect(devEngines({ name: 'npm', version: '>=12', onFail: 'warn' })).toBeNull();
    expect(devEngines({ name: 'npm' })).toBeNull();
    expect(devEngines({ name: 'pnpm', version: '>=12' })).toBeNull();
  });

  it('dangerously-allow-all-scripts runs everything: no list applies', () => {
    const npm = policies({
      '.npmrc': 'dangerously-allow-all-scripts=true\nstrict-allow-scripts=true\n',
      pkg: { allowScripts: { a: true } },
    }).npm;
    expect(npm).toMatchObject({ allow: [], deny: [], blocksUnlisted: null });
  });
});

describe('pnpm', () => {
  it('onlyBuiltDependencies and allowBuilds, in package.json "pnpm" and pnpm-workspace.yaml; exact versions, peers suffixes; false denies', () => {
    const pnpm = policies({
      pkg: { pnpm: { onlyBuiltDependencies: ['esbuild', 'sharp@0.33.0 || 0.33.1', 'star@*'] } },
      'pnpm-workspace.yaml': [
        'packages: []',
        'onlyBuiltDependencies:',
        '  - "@parcel/watcher"',
        'allowBuilds:',
        '  core-js: false',
        '  "better-sqlite3@11.0.0(typescript@5.0.0)": true',
        '  undecided: set this to true or false',
        '',
      ].join('\n'),
    }).pnpm;
    expect(specs(pnpm.allow)).toEqual([
      ['esbuild', null, 'package.json pnpm.onlyBuiltDependencies'],
      ['sharp', ['0.33.0', '0.33.1'], 'package.json pnpm.onlyBuiltDependencies'],
      ['@parcel/watcher', null, 'pnpm-workspace.yaml onlyBuiltDependencies'],
      ['better-sqlite3', ['11.0.0'], 'pnpm-workspace.yaml allowBuilds'],
    ]);
    expect(specs(pnpm.deny)).toEqual([['core-js', null, 'pnpm-workspace.yaml allowBuilds']]);
    expect(pnpm.blocksUnlisted).toBe('package.json pnpm.onlyBuiltDependencies is set');
  });

  it('counts on the block only where every pnpm reading the files has it: a list set, or pnpm 10+ pinned in packageManager', () => {
    expect(policies({}).pnpm.blocksUnlisted).toBeNull(); // pnpm 9 and older run every build
    expect(policies({ 'pnpm-workspace.yaml': 'allowBuilds: {}\n' }).pnpm.blocksUnlisted).toBe('pnpm-workspace.yaml allowBuilds is set');
    expect(policies({ pkg: { packageManager: 'pnpm@10.34.9+sha512.abc' } }).pnpm.blocksUnlisted).toBe(
      'package.json packageManager is "pnpm@10.34.9+sha512.abc"',
    );
    expect(policies({ pkg: { packageManager: 'pnpm@9.15.0' } }).pnpm.blocksUnlisted).toBeNull();
    // what runs is not known here: a denylist (pnpm 10 builds the rest), a list in a file, pnpm 12's permissions
    const unknowable = ['neverBuiltDependencies:\n  - a\n', 'onlyBuiltDependenciesFile: x.json\n', 'permissions:\n  a:\n    build: true\n'];
    for (const yaml of unknowable)
      expect(policies({ 'pnpm-workspace.yaml': `allowBuilds:\n  b: true\n${yaml}` }).pnpm.blocksUnlisted).toBeNull();
  });

  it('dangerouslyAllowAllBuilds runs everything', () => {
    expect(policies({ 'pnpm-workspace.yaml': 'dangerouslyAllowAllBuilds: true\nallowBuilds:\n  a: true\n' }).pnpm).toMatchObject({
      allow: [],
      blocksUnlisted: null,
    });
  });

  it('a pnpm-workspace.yaml that is not YAML, or not a mapping, sets nothing', () => {
    expect(policies({ 'pnpm-workspace.yaml': 'allowBuilds: [\n' }).pnpm).toMatchObject({ allow: [], blocksUnlisted: null });
    expect(policies({ 'pnpm-workspace.yaml': '- a\n' }).pnpm).toMatchObject({ allow: [], blocksUnlisted: null });
  });
});

describe('Yarn Berry', () => {
  it('dependenciesMeta: a name or name@exact-version with a boolean built', () => {
    const yarn = policies({
      pkg: {
        dependenciesMeta: {
          esbuild: { built: true },
          'sharp@0.33.0': { built: true },
          fsevents: { built: false, optional: true },
          'ranged@^1': { built: true },
          'two@1.0.0 || 1.0.1': { built: true },
          unplugged: { unplugged: true },
          'stringly@1.0.0': { built: 'true' },
        },
      },
    }).yarn;
    expect(specs(yarn.allow)).toEqual([
      ['esbuild', null, 'package.json dependenciesMeta.esbuild.built'],
      ['sharp', ['0.33.0'], 'package.json dependenciesMeta.sharp@0.33.0.built'],
    ]);
    expect(specs(yarn.deny)).toEqual([['fsevents', null, 'package.json dependenciesMeta.fsevents.built']]);
    expect(yarn.conflict).toBe('version');
  });

  it("enableScripts: false blocks; unset, Yarn's own default follows the lockfile version (false from version 9)", () => {
    expect(policies({ '.yarnrc.yml': 'enableScripts: false\n' }).yarn.blocksUnlisted).toBe('.yarnrc.yml enableScripts: false');
    expect(policies({ '.yarnrc.yml': 'enableScripts: "false"\n' }).yarn.blocksUnlisted).toBe('.yarnrc.yml enableScripts: false');
    expect(policies({}, 10).yarn.blocksUnlisted).toBe("Yarn's default for a version 10 yarn.lock (.yarnrc.yml sets no enableScripts)");
    expect(policies({}, 8).yarn.blocksUnlisted).toBeNull();
    expect(policies({}, null).yarn.blocksUnlisted).toBeNull();
    expect(policies({ '.yarnrc.yml': 'enableScripts: true\n' }, 10).yarn.blocksUnlisted).toBeNull();
  });
});

describe('Bun', () => {
  it("without trustedDependencies, Bun's default list (names only); unlisted packages are blocked", () => {
    const bun = policies({}).bun;
    expect(bun.allow.find((e) => e.name === 'esbuild')).toMatchObject({
      versions: null,
      setting: "Bun's default trusted list (Bun 1.4.5)",
    });
    expect(bun.allow.find((e) => e.name === 'left-pad')).toBeUndefined();
    expect(bun.blocksUnlisted).toBe('Bun 1.4.5 trusts only its default list (package.json has no trustedDependencies)');
  });

  it('trustedDependencies replaces the default list, even empty; a name@version item matches nothing', () => {
    const bun = policies({ pkg: { trustedDependencies: ['my-native', 'pinned@1.0.0', 42] } }).bun;
    expect(specs(bun.allow)).toEqual([['my-native', null, 'package.json trustedDependencies']]);
    expect(bun.blocksUnlisted).toBe('Bun runs only the scripts of package.json trustedDependencies');
    expect(policies({ pkg: { trustedDependencies: [] } }).bun.allow).toEqual([]);
  });
});

describe('hostile files', () => {
  it('names that are not registry names are skipped; a setting past 10,000 entries leaves the default unknown', () => {
    const trusted = JSON.stringify(Array.from({ length: 10_001 }, (_, i) => `p${i}`));
    const allowScripts = `{"__proto__": true, "a\\u001b[2Jb": true, "${'x'.repeat(215)}": true, "ok-name": true}`;
    const all = policies({ 'package.json': `{"allowScripts": ${allowScripts}, "trustedDependencies": ${trusted}}` });
    expect(specs(all.npm.allow)).toEqual([['ok-name', null, 'package.json allowScripts']]);
    expect(all.bun.allow).toHaveLength(10_000);
    expect(all.bun.blocksUnlisted).toBeNull();
  });
});

describe('scriptGate: what one version of a package may do, from the base and the change', () => {
  const sides = (base: ScriptPolicies, head: ScriptPolicies = base) => ({ base, head });
  const strictNpm = (allowScripts: Record<string, unknown>) => policies({ '.npmrc': 'strict-allow-scripts=true\n', pkg: { allowScripts } });

  it('an entry for the name allows every version; one for the version only that version', () => {
    expect(scriptGate(sides(strictNpm({ esbuild: true })), 'npm', 'esbuild', '0.25.1')).toMatchObject({
      kind: 'allowed',
      manager: 'npm',
      byName: true,
      addedByThisChange: false,
      entry: { setting: 'package.json allowScripts', entry: 'esbuild' },
    });
    expect(scriptGate(sides(strictNpm({ 'esbuild@0.25.1': true })), 'npm', 'esbuild', '0.25.1')).toMatchObject({
      kind: 'allowed',
      byName: false,
    });
  });

  it('a pin to the old version does not cover the new one: blocked where the manager blocks what is unlisted, else it runs', () => {
    expect(scriptGate(sides(strictNpm({ 'esbuild@0.25.0': true })), 'npm', 'esbuild', '0.25.1')).toEqual({
      kind: 'blocked',
      manager: 'npm',
      reason: '.npmrc strict-allow-scripts=true, and package.json allowScripts allows only "esbuild@0.25.0"',
    });
    expect(scriptGate(sides(policies({ pkg: { allowScripts: { 'esbuild@0.25.0': true } } })), 'npm', 'esbuild', '0.25.1')).toEqual({
      kind: 'runs',
    });
  });

  it('an entry the change adds is not applied to lower anything: it lets the script run, which is said', () => {
    const gate = scriptGate(sides(strictNpm({}), strictNpm({ 'esbuild@0.25.1': true })), 'npm', 'esbuild', '0.25.1');
    expect(gate).toMatchObject({ kind: 'allowed', byName: false, addedByThisChange: true });
  });

  it('blocked only when the change keeps the block: lifting it lets the script run', () => {
    expect(scriptGate(sides(strictNpm({}), policies({})), 'npm', 'x', '1.0.0')).toEqual({ kind: 'runs' });
    expect(scriptGate(sides(strictNpm({})), 'npm', 'x', '1.0.0')).toEqual({
      kind: 'blocked',
      manager: 'npm',
      reason: '.npmrc strict-allow-scripts=true, and nothing allows x',
    });
  });

  it('a deny entry blocks whatever the default; when it meets an allow, npm denies, pnpm may run it, Yarn takes the exact version', () => {
    expect(scriptGate(sides(policies({ pkg: { allowScripts: { x: false } } })), 'npm', 'x', '1.0.0')).toMatchObject({
      kind: 'blocked',
      reason: 'package.json allowScripts denies it ("x")',
    });
    expect(scriptGate(sides(policies({ pkg: { allowScripts: { x: true, 'x@1.0.0': false } } })), 'npm', 'x', '1.0.0').kind).toBe('blocked');
    const pnpm = policies({ 'pnpm-workspace.yaml': 'onlyBuiltDependencies: [x]\nallowBuilds:\n  "x@1.0.0": false\n' });
    expect(scriptGate(sides(pnpm), 'pnpm', 'x', '1.0.0')).toMatchObject({ kind: 'allowed', byName: true });
    const yarn = policies({ pkg: { dependenciesMeta: { x: { built: true }, 'x@1.0.0': { built: false } } } });
    expect(scriptGate(sides(yarn), 'yarn-berry', 'x', '1.0.0').kind).toBe('blocked');
    expect(scriptGate(sides(yarn), 'yarn-berry', 'x', '1.0.1')).toMatchObject({ kind: 'allowed', byName: true });
  });

  it('the lockfile decides the manager; Yarn v1 has no allowlist, and no policies means no verdict', () => {
    const all = policies({ pkg: { trustedDependencies: [] } });
    expect(scriptGate(sides(all), 'bun', 'x', '1.0.0').kind).toBe('blocked');
    expect(scriptGate(sides(all), 'npm', 'x', '1.0.0').kind).toBe('runs');
    expect(scriptGate(sides(all), 'yarn-classic', 'x', '1.0.0').kind).toBe('runs');
    expect(scriptGate(null, 'bun', 'x', '1.0.0').kind).toBe('runs');
  });
});
