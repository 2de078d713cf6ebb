import type { ProjectFiles } from '../../src/config/project-files.js';
import { readScriptPolicies } from '../../src/config/script-allowlist.js';
import type { LockfileFormat } from '../../src/lockfile/detect.js';
import type { Change } from '../../src/model.js';
import { installScriptAdded } from '../../src/rules/install-script-added.js';
import type { ScriptPolicySides } from '../../src/rules/script-gate.js';
import { youngVersion } from '../../src/rules/young-version.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, person, upgrade } from '../helpers/rules.js';

const v = (version: string, extra: Record<string, unknown> = {}) => ({
  version,
  time: '2020-01-01T00:00:00Z',
  publisher: person('a'),
  maintainers: [person('a')],
  ...extra,
});
const withLockfileScript = (change: ReturnType<typeof upgrade>) => ({ ...change, after: { ...change.after!, hasInstallScript: true } });

/** The project files of the base (and of the change, the same unless given), as the run reads them. */
type Files = Partial<Omit<ProjectFiles, 'package.json'>> & { pkg?: unknown };
function scriptPolicies(base: Files, head: Files = base, yarnLockfileVersion: number | null = null): { scriptPolicies: ScriptPolicySides } {
  const read = ({ pkg, ...files }: Files) =>
    readScriptPolicies(
      {
        '.npmrc': null,
        'pnpm-workspace.yaml': null,
        '.yarnrc.yml': null,
        ...files,
        'package.json': pkg === undefined ? null : JSON.stringify(pkg),
      },
      { yarnLockfileVersion },
    );
  return { scriptPolicies: { base: read(base), head: read(head) } };
}
/** The same change, in a lockfile of another format. */
const lockedBy = (format: LockfileFormat, change: Change): Change => ({
  ...change,
  before: change.before && { ...change.before, format },
  after: change.after && { ...change.after, format },
});
const postinstallIn = (from: string, to: string) => ({
  name: 'p',
  versions: [v(from), v(to, { scripts: { postinstall: 'node x' } })],
});

ruleTester.run(installScriptAdded, {
  valid: [
    {
      name: 'binding.gyp on both versions: the same implicit node-gyp rebuild',
      change: upgrade('p', '1.0.0', '1.1.0'),
      registry: { name: 'p', versions: [v('1.0.0', { gypfile: true }), v('1.1.0', { gypfile: true })] },
    },
    {
      name: 'the same postinstall on both versions',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: {
        name: 'p',
        versions: [v('1.0.0', { scripts: { postinstall: 'node a' } }), v('1.0.1', { scripts: { postinstall: 'node a' } })],
      },
    },
    {
      name: 'no install script, only other scripts',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: { name: 'p', versions: [v('1.0.0'), v('1.0.1', { scripts: { test: 'vitest' } })] },
    },
    { name: 'without metadata, a lockfile entry without hasInstallScript', change: upgrade('p', '0.7.28', '0.7.29'), registry: null },
    {
      name: 'without metadata, a new package whose entry has hasInstallScript (native addons are common)',
      change: { ...added('p', '1.0.0'), after: { ...added('p', '1.0.0').after!, hasInstallScript: true } },
      registry: null,
    },
  ],
  invalid: [
    {
      name: 'high when an in-range update adds a postinstall (eslint-scope 3.7.2)',
      change: upgrade('p', '3.7.1', '3.7.2'),
      registry: { name: 'p', versions: [v('3.7.1'), v('3.7.2', { scripts: { postinstall: 'node ./lib/build.js', test: 'x' } })] },
      findings: [{ severity: 'high', traits: ['payload:install-script'], evidence: { added: ['postinstall'], source: 'registry' } }],
    },
    {
      name: 'low, and no payload, when the new script only prints (circular-json 0.5.7)',
      change: upgrade('p', '0.5.5', '0.5.7'),
      registry: { name: 'p', versions: [v('0.5.5'), v('0.5.7', { scripts: { postinstall: 'echo ""; echo "p is in maintenance only"' } })] },
      findings: [
        {
          severity: 'low',
          traits: [],
          evidence: { printsOnly: true },
          message: 'adds postinstall: "echo \\"\\"; echo \\"p is in maintenance only\\"" (it only prints: no program is run)',
        },
      ],
    },
    {
      name: 'a script that prints and then runs something is no notice',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: { name: 'p', versions: [v('1.0.0'), v('1.0.1', { scripts: { postinstall: 'echo hi && node x.js' } })] },
      findings: [{ severity: 'high', traits: ['payload:install-script'], evidence: { printsOnly: false } }],
    },
    {
      name: 'medium in a major release',
      change: upgrade('p', '1.0.0', '2.0.0'),
      registry: { name: 'p', versions: [v('1.0.0'), v('2.0.0', { scripts: { preinstall: 'node x' } })] },
      findings: [{ severity: 'medium', traits: ['payload:install-script'] }],
    },
    {
      name: 'high when an in-range update changes the command',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: {
        name: 'p',
        versions: [v('1.0.0', { scripts: { install: 'node-gyp rebuild' } }), v('1.0.1', { scripts: { install: 'node setup_bun.js' } })],
      },
      findings: [{ severity: 'high', evidence: { changed: ['install'] } }],
    },
    {
      name: 'binding.gyp added: the implicit node-gyp rebuild',
      change: upgrade('p', '1.0.0', '1.1.0'),
      registry: { name: 'p', versions: [v('1.0.0'), v('1.1.0', { gypfile: true })] },
      findings: [{ severity: 'high', evidence: { scripts: { install: 'node-gyp rebuild' } } }],
    },
    {
      name: 'low when an earlier release already had the same scripts',
      change: upgrade('p', '1.0.1', '1.0.2'),
      registry: {
        name: 'p',
        versions: [
          v('1.0.0', { scripts: { postinstall: 'node a' }, time: '2019-01-01T00:00:00Z' }),
          v('1.0.1'),
          v('1.0.2', { scripts: { postinstall: 'node a' }, time: '2020-06-01T00:00:00Z' }),
        ],
      },
      findings: [
        {
          severity: 'low',
          traits: [],
          evidence: { earlierVersionHadSameScripts: '1.0.0' },
          message: 'adds postinstall: "node a" (1.0.0, published 2019-01-01, before the version you had, had the same scripts)',
        },
      ],
    },
    {
      name: 'a release after the version you had vouches for nothing, however old (core-js 2.6.5 -> 2.6.12): high in range',
      change: upgrade('p', '2.6.5', '2.6.12'),
      registry: {
        name: 'p',
        versions: [
          v('2.6.5', { time: '2019-02-01T00:00:00Z' }),
          v('2.6.6', { scripts: { postinstall: 'node a' }, time: '2019-05-01T00:00:00Z' }),
          v('2.6.12', { scripts: { postinstall: 'node a' }, time: '2020-12-01T00:00:00Z' }),
        ],
      },
      findings: [{ severity: 'high', traits: ['payload:install-script'], evidence: { earlierVersionHadSameScripts: null } }],
    },
    {
      name: 'an intermediate release hours old vouches for nothing (eslint-config-prettier 10.1.6 and 10.1.7)',
      change: upgrade('p', '10.1.5', '10.1.7'),
      now: Date.parse('2025-07-18T12:00:00Z'),
      registry: {
        name: 'p',
        versions: [
          v('10.1.5', { time: '2025-05-01T00:00:00Z' }),
          v('10.1.6', { scripts: { install: 'node install.js' }, time: '2025-07-18T02:00:00Z' }),
          v('10.1.7', { scripts: { install: 'node install.js' }, time: '2025-07-18T08:00:00Z' }),
        ],
      },
      alongside: [],
      findings: [{ severity: 'high', traits: ['payload:install-script'] }],
    },
    {
      name: 'low for a brand-new package',
      change: added('p', '1.0.0'),
      registry: { name: 'p', versions: [v('1.0.0', { scripts: { install: 'node-gyp rebuild' } })] },
      findings: [{ severity: 'low', traits: [], message: 'new package runs code at install: install: "node-gyp rebuild"' }],
    },
    {
      name: 'reads hasInstallScript from the lockfile when there is no registry metadata (in range: high)',
      change: withLockfileScript(upgrade('p', '0.7.28', '0.7.29')),
      registry: null,
      findings: [{ severity: 'high', traits: ['payload:install-script'], evidence: { source: 'lockfile' } }],
    },
    {
      name: 'from the lockfile, a major release: medium',
      change: withLockfileScript(upgrade('p', '1.0.0', '2.0.0')),
      registry: null,
      findings: [{ severity: 'medium', evidence: { source: 'lockfile' } }],
    },
    {
      name: 'from the lockfile when the metadata could not be fetched, saying so',
      change: withLockfileScript(upgrade('p', '0.7.28', '0.7.29')),
      failure: 'registry answered 500',
      findings: [{ severity: 'high', evidence: { source: 'lockfile' } }],
      skipped: [{ reason: 'registry metadata unavailable (registry answered 500): judged on the lockfile alone' }],
    },
    {
      name: 'allowed by name (package.json allowScripts, npm): high, naming the setting',
      change: upgrade('p', '3.7.1', '3.7.2'),
      registry: postinstallIn('3.7.1', '3.7.2'),
      settings: scriptPolicies({ pkg: { allowScripts: { p: true } } }),
      findings: [
        {
          severity: 'high',
          traits: ['payload:install-script'],
          evidence: {
            added: ['postinstall'],
            allowedBy: { manager: 'npm', setting: 'package.json allowScripts', entry: 'p', byName: true, addedByThisChange: false },
          },
          message: 'adds postinstall: "node x"; allowed to run by name by package.json allowScripts (npm): "p"',
        },
      ],
    },
    {
      name: 'allowed by name: a major release is high too (medium without the entry)',
      change: upgrade('p', '1.0.0', '2.0.0'),
      registry: postinstallIn('1.0.0', '2.0.0'),
      settings: scriptPolicies({ pkg: { allowScripts: { 'p@*': true } } }),
      findings: [{ severity: 'high', traits: ['payload:install-script'], evidence: { allowedBy: { entry: 'p@*', byName: true } } }],
    },
    {
      name: 'allowed by name: an earlier release having had the same scripts does not lower it (low without the entry)',
      change: lockedBy('pnpm', upgrade('p', '1.0.1', '1.0.2')),
      registry: {
        name: 'p',
        versions: [
          v('1.0.0', { scripts: { postinstall: 'node a' }, time: '2019-01-01T00:00:00Z' }),
          v('1.0.1'),
          v('1.0.2', { scripts: { postinstall: 'node a' }, time: '2020-06-01T00:00:00Z' }),
        ],
      },
      settings: scriptPolicies({ 'pnpm-workspace.yaml': 'allowBuilds:\n  p: true\n' }),
      findings: [
        {
          severity: 'high',
          traits: [],
          evidence: { earlierVersionHadSameScripts: '1.0.0', allowedBy: { manager: 'pnpm', setting: 'pnpm-workspace.yaml allowBuilds' } },
          message:
            'adds postinstall: "node a" (1.0.0, published 2019-01-01, before the version you had, had the same scripts); allowed to run by name by pnpm-workspace.yaml allowBuilds (pnpm): "p"',
        },
      ],
    },
    {
      name: 'allowed by name: a new package is high too (low without the entry)',
      change: lockedBy('yarn-berry', added('p', '1.0.0')),
      registry: { name: 'p', versions: [v('1.0.0', { scripts: { install: 'node-gyp rebuild' } })] },
      settings: scriptPolicies({ pkg: { dependenciesMeta: { p: { built: true } } } }),
      findings: [
        {
          severity: 'high',
          traits: [],
          message:
            'new package runs code at install: install: "node-gyp rebuild"; allowed to run by name by package.json dependenciesMeta.p.built (Yarn): "p"',
        },
      ],
    },
    {
      name: "an entry for this very version is someone's decision about it: the grading stands, and the entry is named",
      change: upgrade('p', '1.0.0', '2.0.0'),
      registry: postinstallIn('1.0.0', '2.0.0'),
      settings: scriptPolicies({ pkg: { allowScripts: { 'p@2.0.0': true } } }),
      findings: [
        {
          severity: 'medium',
          evidence: { allowedBy: { entry: 'p@2.0.0', byName: false, addedByThisChange: false } },
          message: 'adds postinstall: "node x"; allowed to run for this version by package.json allowScripts (npm): "p@2.0.0"',
        },
      ],
    },
    {
      name: 'the change adds the entry: not applied to lower anything, and high, since the change itself lets the new script run',
      change: lockedBy('bun', upgrade('p', '1.0.0', '2.0.0')),
      registry: postinstallIn('1.0.0', '2.0.0'),
      settings: scriptPolicies({ pkg: { trustedDependencies: [] } }, { pkg: { trustedDependencies: ['p'] } }),
      findings: [
        {
          severity: 'high',
          evidence: { allowedBy: { manager: 'bun', setting: 'package.json trustedDependencies', addedByThisChange: true } },
          message: 'adds postinstall: "node x"; this change lets it run: it adds "p" to package.json trustedDependencies (Bun), by name',
        },
      ],
    },
    {
      name: 'a manager that blocks what no entry allows (Bun): info, a blocked payload only (no combination makes it new code), saying why',
      change: lockedBy('bun', upgrade('p', '3.7.1', '3.7.2')),
      registry: postinstallIn('3.7.1', '3.7.2'),
      settings: scriptPolicies({ pkg: { trustedDependencies: ['other'] } }),
      findings: [
        {
          severity: 'info',
          traits: ['payload:blocked-script'],
          evidence: {
            added: ['postinstall'],
            blockedBy: { manager: 'bun', reason: 'Bun runs only the scripts of package.json trustedDependencies, and nothing allows p' },
          },
          message:
            'adds postinstall: "node x"; Bun does not run it: Bun runs only the scripts of package.json trustedDependencies, and nothing allows p',
        },
      ],
    },
    {
      name: 'an entry pinned to the old version does not cover the new one: npm with strict-allow-scripts blocks it',
      change: upgrade('p', '3.7.1', '3.7.2'),
      registry: postinstallIn('3.7.1', '3.7.2'),
      settings: scriptPolicies({ '.npmrc': 'strict-allow-scripts=true\n', pkg: { allowScripts: { 'p@3.7.1': true } } }),
      findings: [
        {
          severity: 'info',
          message:
            'adds postinstall: "node x"; npm does not run it: .npmrc strict-allow-scripts=true, and package.json allowScripts allows only "p@3.7.1"',
        },
      ],
    },
    {
      name: 'Yarn blocks by default with a version 9+ yarn.lock and no enableScripts; a change that enables scripts lifts it (the usual grading)',
      change: lockedBy('yarn-berry', upgrade('p', '3.7.1', '3.7.2')),
      registry: postinstallIn('3.7.1', '3.7.2'),
      settings: scriptPolicies({}, {}, 10),
      findings: [{ severity: 'info', evidence: { blockedBy: { manager: 'yarn' } } }],
    },
    {
      name: 'a block the change lifts is no block: the usual grading',
      change: lockedBy('yarn-berry', upgrade('p', '3.7.1', '3.7.2')),
      registry: postinstallIn('3.7.1', '3.7.2'),
      settings: scriptPolicies({}, { '.yarnrc.yml': 'enableScripts: true\n' }, 10),
      findings: [{ severity: 'high', traits: ['payload:install-script'] }],
    },
    {
      name: 'from the lockfile (no registry metadata): allowed by name is high, blocked is info',
      change: withLockfileScript(upgrade('p', '1.0.0', '2.0.0')),
      registry: null,
      settings: scriptPolicies({ pkg: { allowScripts: { p: true } } }),
      findings: [{ severity: 'high', evidence: { source: 'lockfile', allowedBy: { byName: true } } }],
    },
    {
      name: 'from the lockfile, blocked: info',
      change: withLockfileScript(upgrade('p', '0.7.28', '0.7.29')),
      registry: null,
      settings: scriptPolicies({ pkg: { devEngines: { packageManager: { name: 'npm', version: '^12.0.0' } } } }),
      findings: [
        {
          severity: 'info',
          traits: ['payload:blocked-script'],
          evidence: { source: 'lockfile', blockedBy: { manager: 'npm' } },
          message:
            '0.7.29 runs an install script (lockfile hasInstallScript) and 0.7.28 did not; npm does not run it: package.json devEngines.packageManager requires npm ^12.0.0, and nothing allows p',
        },
      ],
    },
    {
      name: 'a blocked script is no payload: a release younger than the cooldown is not raised with it (no fresh-install-script)',
      change: lockedBy('bun', upgrade('p', '3.7.1', '3.7.2')),
      registry: { name: 'p', versions: [v('3.7.1'), v('3.7.2', { scripts: { postinstall: 'node x' }, time: '2026-11-20T00:00:00Z' })] },
      settings: scriptPolicies({}),
      alongside: [youngVersion],
      findings: [
        { severity: 'info', evidence: { blockedBy: { manager: 'bun' } } },
        { ruleId: 'young-version', severity: 'medium' },
      ],
    },
    {
      name: "Bun's default trusted list is trust by name too (no trustedDependencies)",
      change: lockedBy('bun', upgrade('esbuild', '0.25.0', '0.25.1')),
      registry: { name: 'esbuild', versions: [v('0.25.0'), v('0.25.1', { scripts: { postinstall: 'node install.js' } })] },
      settings: scriptPolicies({}),
      findings: [
        {
          severity: 'high',
          message:
            'adds postinstall: "node install.js"; allowed to run by name by Bun\'s default trusted list (Bun 1.4.5) (Bun): "esbuild"',
        },
      ],
    },
    {
      name: 'raised to critical with a release younger than the cooldown (fresh-install-script)',
      change: upgrade('p', '3.7.1', '3.7.2'),
      registry: { name: 'p', versions: [v('3.7.1'), v('3.7.2', { scripts: { postinstall: 'node x' }, time: '2026-11-20T00:00:00Z' })] },
      alongside: [youngVersion],
      findings: [
        { severity: 'critical', escalation: { combination: 'fresh-install-script', from: 'high' } },
        { ruleId: 'young-version', severity: 'critical', escalation: { combination: 'fresh-install-script', from: 'medium' } },
      ],
    },
  ],
});
