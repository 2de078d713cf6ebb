import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';

/**
 * Install-script allowlists through the real CLI, on projects locked by npm, pnpm, Yarn Berry
 * and Bun themselves (fixtures/script-allowlists, scripts/make-fixtures.mjs). Each project
 * allows native-thing by name in its manager's own setting; the change takes native-thing to a
 * major release that adds a postinstall (medium on its own) and other-native, allowed nowhere,
 * to a patch that adds a preinstall. The allowlist that judges is the base revision's.
 */

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  package: { name: string };
  evidence: Record<string, unknown>;
}

const MANAGERS = [
  { dir: null, lockfile: 'package-lock.json', manager: 'npm', label: 'npm', setting: 'package.json allowScripts', blocks: false },
  {
    dir: 'pnpm',
    lockfile: 'pnpm-lock.yaml',
    manager: 'pnpm',
    label: 'pnpm',
    setting: 'package.json pnpm.onlyBuiltDependencies',
    blocks: true,
  },
  {
    dir: 'yarn-berry',
    lockfile: 'yarn.lock',
    manager: 'yarn',
    label: 'Yarn',
    setting: 'package.json dependenciesMeta.native-thing.built',
    blocks: true,
  },
  { dir: 'bun', lockfile: 'bun.lock', manager: 'bun', label: 'Bun', setting: 'package.json trustedDependencies', blocks: true },
] as const;
type Manager = (typeof MANAGERS)[number];

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('script-allowlists', 'registry'));
});
afterAll(() => registry.close());

const side = (m: Manager, which: 'base' | 'head', file: string): string =>
  m.dir === null ? fixture('script-allowlists', which, file) : fixture('script-allowlists', m.dir, which, file);

type PackageJson = Record<string, unknown>;

/**
 * A repository whose last commit is the manager's base project (package.json edited by `base`,
 * plus `files`), and whose working tree holds the head lockfile and package.json (edited by `head`).
 */
function project(
  m: Manager,
  edits: { base?: (p: PackageJson) => PackageJson; head?: (p: PackageJson) => PackageJson; files?: Record<string, string> } = {},
): string {
  const dir = tempRepo();
  const pkg = (which: 'base' | 'head', edit = (p: PackageJson) => p): void =>
    writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify(edit(JSON.parse(readFileSync(side(m, which, 'package.json'), 'utf8'))), null, 2)}\n`,
    );
  pkg('base', edits.base);
  copyFileSync(side(m, 'base', m.lockfile), path.join(dir, m.lockfile));
  for (const [name, text] of Object.entries(edits.files ?? {})) writeFileSync(path.join(dir, name), text);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  pkg('head', edits.head);
  copyFileSync(side(m, 'head', m.lockfile), path.join(dir, m.lockfile));
  return dir;
}

async function scriptFindings(dir: string): Promise<Record<string, Finding>> {
  const r = await runCli(['diff', '--registry', registry.url, '--format', 'json'], { cwd: dir });
  expect(r.stderr).toBe('');
  const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.ruleId === 'install-script-added');
  return Object.fromEntries(findings.map((f) => [f.package.name, f]));
}

/** The package.json without any manager's allowlist. */
const withoutAllowlists = ({ allowScripts, pnpm, dependenciesMeta, trustedDependencies, ...rest }: PackageJson): PackageJson => rest;

describe('a base that allows native-thing by name, in each package manager\u2019s own setting', () => {
  for (const m of MANAGERS) {
    it(`${m.label} (${m.lockfile}): the new postinstall is high, naming ${m.setting}; other-native is ${m.blocks ? 'blocked (info)' : 'graded as usual'}`, async () => {
      const found = await scriptFindings(project(m));
      expect(found['native-thing']).toMatchObject({
        severity: 'high',
        evidence: { added: ['postinstall'], allowedBy: { manager: m.manager, setting: m.setting, byName: true, addedByThisChange: false } },
      });
      expect(found['native-thing']!.message).toBe(
        `adds postinstall: "node install.js"; allowed to run by name by ${m.setting} (${m.label}): "native-thing"`,
      );
      if (m.blocks) {
        expect(found['other-native']).toMatchObject({ severity: 'info', evidence: { blockedBy: { manager: m.manager } } });
        expect(found['other-native']!.message).toMatch(new RegExp(`; ${m.label} does not run it: .*, and nothing allows other-native$`));
      } else {
        // npm 11 runs a script no entry allows (with a notice): the usual grading for an in-range update
        expect(found['other-native']).toMatchObject({ severity: 'high', message: 'adds preinstall: "node fetch-binary.js"' });
        expect(found['other-native']!.evidence).not.toHaveProperty('allowedBy');
      }
    });
  }

  it('without any allowlist, the major release is medium again (the entry is what raised it)', async () => {
    const npm = MANAGERS[0];
    const found = await scriptFindings(project(npm, { base: withoutAllowlists, head: withoutAllowlists }));
    expect(found['native-thing']).toMatchObject({ severity: 'medium', message: 'adds postinstall: "node install.js"' });
  });
});

describe('the base revision judges; the change is judged', () => {
  it('npm: an allowScripts entry the change adds is not the base allowing it: high, said to be the change letting it run', async () => {
    const found = await scriptFindings(project(MANAGERS[0], { base: withoutAllowlists }));
    expect(found['native-thing']).toMatchObject({
      severity: 'high',
      evidence: { allowedBy: { setting: 'package.json allowScripts', byName: true, addedByThisChange: true } },
      message:
        'adds postinstall: "node install.js"; this change lets it run: it adds "native-thing" to package.json allowScripts (npm), by name',
    });
  });

  it('Bun: the base trusts nothing, the change trusts native-thing: not blocked, and not the base allowing it', async () => {
    const bun = MANAGERS[3];
    const found = await scriptFindings(
      project(bun, {
        base: (p) => ({ ...p, trustedDependencies: [] }),
        head: (p) => ({ ...p, trustedDependencies: ['native-thing', 'other-native'] }),
      }),
    );
    for (const name of ['native-thing', 'other-native']) {
      expect(found[name]).toMatchObject({ severity: 'high', evidence: { allowedBy: { manager: 'bun', addedByThisChange: true } } });
      expect(found[name]!.evidence).not.toHaveProperty('blockedBy');
    }
  });

  it('npm with strict-allow-scripts: re-pinning the entry to the new version in the change (npm approve-scripts) is high; a pin the base already had keeps the grading', async () => {
    const npm = MANAGERS[0];
    const strict = { '.npmrc': 'strict-allow-scripts=true\n' };
    const pin = (version: string) => (p: PackageJson) => ({ ...withoutAllowlists(p), allowScripts: { [`native-thing@${version}`]: true } });
    const repinned = await scriptFindings(project(npm, { base: pin('1.4.0'), head: pin('2.0.0'), files: strict }));
    expect(repinned['native-thing']).toMatchObject({
      severity: 'high',
      evidence: { allowedBy: { entry: 'native-thing@2.0.0', byName: false, addedByThisChange: true } },
    });
    expect(repinned['other-native']).toMatchObject({
      severity: 'info',
      message:
        'adds preinstall: "node fetch-binary.js"; npm does not run it: .npmrc strict-allow-scripts=true, and nothing allows other-native',
    });
    const pinnedInBase = await scriptFindings(project(npm, { base: pin('2.0.0'), head: pin('2.0.0'), files: strict }));
    expect(pinnedInBase['native-thing']).toMatchObject({
      severity: 'medium',
      evidence: { allowedBy: { entry: 'native-thing@2.0.0', byName: false, addedByThisChange: false } },
    });
  });

  it('pnpm 11: allowBuilds in the base pnpm-workspace.yaml allows by name; the change removing it changes nothing', async () => {
    const pnpm = MANAGERS[1];
    const dir = project(pnpm, {
      base: withoutAllowlists,
      head: withoutAllowlists,
      files: { 'pnpm-workspace.yaml': 'allowBuilds:\n  native-thing: true\n  other-native: false\n' },
    });
    writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), 'allowBuilds: {}\n');
    const found = await scriptFindings(dir);
    expect(found['native-thing']).toMatchObject({
      severity: 'high',
      evidence: { allowedBy: { setting: 'pnpm-workspace.yaml allowBuilds', entry: 'native-thing', addedByThisChange: false } },
    });
    expect(found['other-native']).toMatchObject({
      severity: 'info',
      evidence: { blockedBy: { manager: 'pnpm', reason: 'pnpm-workspace.yaml allowBuilds denies it ("other-native")' } },
    });
  });

  it('Yarn: a change that turns scripts on (.yarnrc.yml enableScripts: true) lifts the block, so other-native is graded as usual', async () => {
    const yarn = MANAGERS[2];
    const dir = project(yarn, { files: { '.yarnrc.yml': 'nodeLinker: node-modules\n' } });
    writeFileSync(path.join(dir, '.yarnrc.yml'), 'nodeLinker: node-modules\nenableScripts: true\n');
    const found = await scriptFindings(dir);
    expect(found['other-native']).toMatchObject({ severity: 'high', message: 'adds preinstall: "node fetch-binary.js"' });
    expect(found['native-thing']).toMatchObject({ severity: 'high', evidence: { allowedBy: { addedByThisChange: false } } });
  });
});
