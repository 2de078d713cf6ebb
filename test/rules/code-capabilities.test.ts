import { compareCode } from '../../src/code/compare.js';
import type { Capability, CapabilityKind } from '../../src/code/model.js';
import type { PackageAnalysis } from '../../src/code/package.js';
import { codeCapabilities } from '../../src/rules/code-capabilities.js';
import { publisherChanged } from '../../src/rules/publisher-changed.js';
import type { CodeView } from '../../src/rules/rule.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, person, upgrade } from '../helpers/rules.js';

/** A capability at line 1 of `file`. */
const cap = (file: string, kind: CapabilityKind, detail: string, line = 1): Capability => ({
  kind,
  detail,
  file,
  line,
  excerpt: `${kind} ${detail}`,
});

/** A version's analysis: its files (hash = path + tag) and capabilities. */
function version(capabilities: Capability[], extra: Partial<PackageAnalysis> = {}, tag = 'v'): PackageAnalysis {
  const paths = new Set(['index.js', 'package.json', ...capabilities.map((c) => c.file), ...(extra.installFiles ?? [])]);
  return {
    files: [...paths].map((p) => ({ path: p, hash: `${p}:${tag}`, size: 1000 })),
    capabilities,
    installScripts: {},
    installFiles: [],
    implicitGyp: false,
    problems: [],
    complete: true,
    ...extra,
  };
}

const view = (before: PackageAnalysis | undefined, after: PackageAnalysis): CodeView => ({ comparison: compareCode(before, after) });
const postinstall = { installScripts: { postinstall: 'node install.js' }, installFiles: ['install.js'] };

const v = (ver: string, by: string, time: string) => ({
  version: ver,
  time,
  publisher: person(by),
  maintainers: [person('owner'), person(by)],
});
const newcomerRegistry = {
  name: 'p',
  versions: [v('1.0.0', 'owner', '2020-01-01T00:00:00Z'), v('1.0.1', 'stranger', '2026-11-01T00:00:00Z')],
};

ruleTester.run(codeCapabilities, {
  valid: [
    { name: 'no code stage for the change', change: upgrade('p', '1.0.0', '1.0.1') },
    {
      name: 'the same capabilities, moved to another file',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(version([cap('a.js', 'network', 'https')]), version([cap('b.js', 'network', 'https')], {}, 'w')),
    },
    {
      name: 'an integrity mismatch is source-changed, not a code finding',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: { mismatch: { version: '1.0.1', expected: 'sha512-a', found: 'sha512-b' } },
    },
  ],
  invalid: [
    {
      name: 'an HTTP client adds a fetch adapter: info',
      change: upgrade('p', '1.6.0', '1.7.0'),
      code: view(
        version([cap('lib/http.js', 'network', 'http')]),
        version([cap('lib/http.js', 'network', 'http'), cap('lib/fetch.js', 'network', 'fetch', 12)]),
      ),
      findings: [
        {
          severity: 'info',
          traits: ['code:network'],
          message: 'new in 1.7.0: lib/fetch.js: network (fetch) (12 `network fetch`)',
          evidence: { file: 'lib/fetch.js', installTime: false },
        },
      ],
    },
    {
      name: 'a CLI starts spawning git: info (one capability is not a chain)',
      change: upgrade('p', '2.0.0', '2.1.0'),
      code: view(version([]), version([cap('cli.js', 'process', 'child_process')])),
      findings: [{ severity: 'info', traits: ['code:process'] }],
    },
    {
      name: 'reads NPM_TOKEN and sends it: a chain, high',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(version([]), version([cap('x.js', 'token-read', 'NPM_TOKEN'), cap('x.js', 'network', 'https')])),
      findings: [
        {
          severity: 'high',
          traits: ['code:token-read', 'code:network', 'code:chain'],
          escalation: { combination: 'code-exfiltrates-secrets', from: 'low' },
        },
      ],
    },
    {
      name: 'a file that already used the network newly reads a token: the new link makes the chain',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(
        version([cap('x.js', 'network', 'https')]),
        version([cap('x.js', 'network', 'https'), cap('x.js', 'token-read', 'GITHUB_TOKEN')]),
      ),
      findings: [{ severity: 'high', traits: ['code:token-read', 'code:had:network', 'code:chain'] }],
    },
    {
      name: 'a file that already read a token and used the network only names a new host: no chain',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(
        version([cap('x.js', 'network', 'https'), cap('x.js', 'token-read', 'GITHUB_TOKEN')]),
        version([cap('x.js', 'network', 'https'), cap('x.js', 'token-read', 'GITHUB_TOKEN'), cap('x.js', 'host', 'api.example.dev')]),
      ),
      findings: [{ severity: 'info', traits: ['code:host', 'code:had:network', 'code:had:token-read'] }],
    },
    {
      name: 'the chain in two different files is no chain',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(version([]), version([cap('a.js', 'token-read', 'NPM_TOKEN'), cap('b.js', 'network', 'https')])),
      findings: [
        { severity: 'low', traits: ['code:token-read'] },
        { severity: 'info', traits: ['code:network'] },
      ],
    },
    {
      name: 'an update starts using the network at install: high',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(
        version([cap('index.js', 'network', 'https')]),
        version([cap('index.js', 'network', 'https'), cap('install.js', 'network', 'https')], postinstall),
      ),
      findings: [
        {
          severity: 'high',
          traits: ['code:network', 'code:install-time', 'code:chain'],
          escalation: { combination: 'code-install-time-network' },
        },
      ],
    },
    {
      name: 'a package new to the tree that downloads its binary at install (esbuild, sharp): low',
      change: added('p', '1.0.0'),
      code: view(undefined, version([cap('install.js', 'network', 'https'), cap('install.js', 'process', 'child_process')], postinstall)),
      findings: [
        {
          severity: 'low',
          traits: ['code:network', 'code:process', 'code:install-time'],
          message: /^1\.0\.0 \(new to the tree\): install\.js \(runs at install\)/,
        },
      ],
    },
    {
      name: 'a package new to the tree whose install script dumps the environment: high',
      change: added('p', '1.0.0'),
      code: view(undefined, version([cap('install.js', 'env-dump', 'process.env'), cap('install.js', 'network', 'fetch')], postinstall)),
      findings: [{ severity: 'high', traits: ['code:env-dump', 'code:network', 'code:install-time', 'code:chain'] }],
    },
    {
      name: 'decoded data run as code: high',
      change: added('flatmap-stream', '0.1.1'),
      code: view(
        undefined,
        version([cap('index.min.js', 'decode-execute', 'hex'), cap('index.min.js', 'dynamic-code', 'module.constructor')]),
      ),
      findings: [
        {
          severity: 'high',
          traits: ['code:decode-execute', 'code:dynamic-code', 'code:chain'],
          escalation: { combination: 'code-runs-decoded-data' },
        },
      ],
    },
    {
      name: 'obfuscated code hooking fetch in an existing file (debug/chalk 2025): high',
      change: upgrade('debug', '4.4.1', '4.4.2'),
      code: view(
        version([cap('src/index.js', 'dynamic-code', 'require(non-literal)')]),
        version([
          cap('src/index.js', 'dynamic-code', 'require(non-literal)'),
          cap('src/index.js', 'obfuscated', '_0x identifiers'),
          cap('src/index.js', 'browser-hook', 'fetch'),
        ]),
      ),
      findings: [{ severity: 'high', traits: ['code:obfuscated', 'code:browser-hook', 'code:had:dynamic-common', 'code:chain'] }],
    },
    {
      name: 'a bundle with require(<computed>) and the network is no chain',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(
        version([]),
        version([cap('dist/bundle.js', 'dynamic-code', 'require(non-literal)'), cap('dist/bundle.js', 'network', 'https')]),
      ),
      findings: [{ severity: 'info', traits: ['code:dynamic-common', 'code:network'] }],
    },
    {
      name: 'a chain in a release by a newcomer: critical',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: newcomerRegistry,
      alongside: [publisherChanged],
      code: view(version([]), version([cap('x.js', 'env-dump', 'process.env'), cap('x.js', 'network', 'https')])),
      findings: [
        {
          severity: 'critical',
          traits: ['code:env-dump', 'code:network', 'code:chain'],
          escalation: { combination: 'chain-with-metadata-alarm', from: 'low' },
        },
        { ruleId: 'publisher-changed', severity: 'critical' },
      ],
    },
    {
      name: 'the package emptied: low',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: {
        comparison: compareCode(
          { ...version([]), files: Array.from({ length: 40 }, (_, i) => ({ path: `f${i}.js`, hash: `${i}`, size: 5000 })) },
          { ...version([]), files: [{ path: 'index.js', hash: 'x', size: 100 }] },
        ),
      },
      findings: [
        { severity: 'low', traits: ['code:rewritten'], message: '1.0.1 is nearly empty: 1 file, 100 B where 1.0.0 had 40 files, 195 KB' },
      ],
    },
    {
      name: 'a tarball with a path traversal entry: medium',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(version([]), version([], { problems: [{ kind: 'traversal', path: '../../x', detail: '' }] })),
      findings: [{ severity: 'medium', traits: ['code:tarball-anomaly'] }],
    },
  ],
});

ruleTester.run(codeCapabilities, {
  valid: [
    {
      name: 'a tarball the registry does not serve: the check is listed as not made',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: { unavailable: 'tarball not fetched (not found on the registry (404))' },
      skipped: [{ reason: 'tarball not fetched (not found on the registry (404))' }],
    },
  ],
  invalid: [
    {
      name: 'a tarball cut short by the limits: findings so far, and the check said partial',
      change: upgrade('p', '1.0.0', '1.0.1'),
      code: view(version([]), version([cap('a.js', 'process', 'child_process')], { complete: false })),
      findings: [{ severity: 'info' }],
      skipped: [{ reason: /larger than the limits/ }],
    },
  ],
});
