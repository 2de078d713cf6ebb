import { installScriptAdded } from '../../src/rules/install-script-added.js';
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
