import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPackument, loadDocuments, startRegistry, type BulkAdvisories } from '../../scripts/fixture-registry.mjs';
import type { Finding } from '../../src/model.js';
import { fixture, runCli } from '../helpers/cli.js';

// Issue 15 part 1, end to end through the real CLI: the registry's bulk advisory endpoint, asked
// as npm asks it (the fixture registry refuses any other request shape with a 400).
const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const MALWARE = JSON.parse(readFileSync(fixture('event-stream', 'advisories.json'), 'utf8')) as BulkAdvisories;
const DOCS = loadDocuments(fixture('event-stream', 'registry'));
const MULTI_RUN = 120_000;

const tmp = (prefix: string): string => mkdtempSync(path.join(os.tmpdir(), `adv-${prefix}-`));

async function withRegistry<T>(
  advisories: BulkAdvisories | undefined,
  run: (url: string, registry: Awaited<ReturnType<typeof startRegistry>>) => Promise<T>,
): Promise<T> {
  const registry = await startRegistry(DOCS, advisories ? { advisories } : {});
  try {
    return await run(registry.url, registry);
  } finally {
    await registry.close();
  }
}

function json(stdout: string): {
  findings: Finding[];
  suppressed: { finding: Finding }[];
  skipped: { ruleId: string; package: { name: string }; reason: string }[];
} {
  return JSON.parse(stdout);
}

const byRule = (findings: readonly Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);

describe('known-malicious: the event-stream example with a malware advisory for flatmap-stream 0.1.1', () => {
  it('is critical in diff, asked about exactly the versions the change adds or changes', async () => {
    await withRegistry(MALWARE, async (url, registry) => {
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', url, '--cache-dir', tmp('cache'), '--format', 'json']);
      expect(r.code).toBe(1);
      const found = byRule(json(r.stdout).findings, 'known-malicious');
      expect(found.map((f) => [f.package.name, f.package.version, f.severity])).toEqual([['flatmap-stream', '0.1.1', 'critical']]);
      expect(found[0]!.evidence).toEqual({
        advisory: {
          id: 1000001,
          title: 'Malicious Package in flatmap-stream',
          url: 'https://github.com/advisories/GHSA-9x64-5r7x-2q53',
          severity: 'critical',
          vulnerableVersions: '=0.1.1',
          cwe: ['CWE-506'],
        },
      });
      expect(registry.advisoryRequests).toEqual([{ 'event-stream': ['3.3.6'], 'flatmap-stream': ['0.1.1'] }]);
      expect(registry.requests.filter((q) => q.method === 'POST').map((q) => q.path)).toEqual(['/-/npm/v1/security/advisories/bulk']);
    });
  });

  it('is critical in audit, which asks about every locked version', async () => {
    await withRegistry(MALWARE, async (url, registry) => {
      const r = await runCli(['audit', '--lockfile', HEAD, '--registry', url, '--cache-dir', tmp('cache')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^CRITICAL flatmap-stream 0\.1\.1/m);
      expect(r.stdout).toContain('critical known-malicious');
      const locked = Object.entries(JSON.parse(readFileSync(HEAD, 'utf8')).packages as Record<string, { version?: string }>)
        .filter(([k]) => k !== '')
        .map(([k, v]) => [k.split('node_modules/').at(-1)!, [v.version]] as const);
      expect(registry.advisoryRequests).toEqual([Object.fromEntries(locked.sort(([a], [b]) => (a < b ? -1 : 1)))]);
    });
  });

  it(
    'stays critical with an approval recorded for the version, an ignore entry for every rule and a trusted entry',
    async () => {
      await withRegistry(MALWARE, async (url) => {
        const dir = tmp('policy');
        const config = path.join(dir, 'depguard.config.json');
        writeFileSync(
          config,
          JSON.stringify({
            trusted: ['flatmap-stream'],
            ignore: [{ package: 'flatmap-stream', rule: '*', reason: 'reviewed, they said' }],
          }),
        );
        const cache = tmp('cache');
        const flags = ['--base', BASE, '--head', HEAD, '--registry', url, '--cache-dir', cache, '--config', config];
        // approve records the version's other findings; known malware is never among them
        const approved = await runCli(['approve', 'flatmap-stream@0.1.1', '--reason', 'looked fine', ...flags], { cwd: dir });
        expect(approved.stderr).toBe('');
        expect(approved.code).toBe(0);
        const entries = JSON.parse(readFileSync(config, 'utf8')).ignore as { rules?: string[] }[];
        expect(entries).toHaveLength(2);
        expect(entries[1]!.rules).not.toContain('known-malicious');
        for (const command of [
          ['diff', ...flags],
          ['audit', '--lockfile', HEAD, '--registry', url, '--cache-dir', cache, '--config', config],
        ]) {
          const r = await runCli([...command, '--format', 'json'], { cwd: dir });
          expect(r.code).toBe(1);
          const out = json(r.stdout);
          expect(byRule(out.findings, 'known-malicious').map((f) => f.severity)).toEqual(['critical']);
          expect(out.suppressed.map((s) => s.finding.ruleId)).not.toContain('known-malicious');
        }
        const text = await runCli(['diff', ...flags], { cwd: dir });
        expect(text.stdout).toMatch(/^CRITICAL flatmap-stream 0\.1\.1/m);
      });
    },
    MULTI_RUN,
  );

  it('cannot be turned off, given another severity, named by an ignore entry or approved', async () => {
    const dir = tmp('refused');
    const config = path.join(dir, 'policy.json');
    for (const [policy, message] of [
      [{ rules: { 'known-malicious': 'off' } }, 'rules.known-malicious cannot be set: known malware is always critical'],
      [{ rules: { 'known-malicious': 'low' } }, 'rules.known-malicious cannot be set: known malware is always critical'],
      [{ ignore: [{ package: 'flatmap-stream', rule: 'known-malicious', reason: 'x' }] }, 'ignore[0].rule cannot name known-malicious'],
      [{ ignore: [{ package: 'flatmap-stream', rules: ['known-malicious'], reason: 'x' }] }, 'ignore[0].rules cannot name known-malicious'],
    ] as const) {
      writeFileSync(config, JSON.stringify(policy));
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--config', config, '--offline', '--cache-dir', tmp('cache')], {
        cwd: dir,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const r = await runCli(
      ['approve', 'flatmap-stream@0.1.1', '--rule', 'known-malicious', '--reason', 'x', '--base', BASE, '--head', HEAD],
      { cwd: dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('depguard: --rule known-malicious: known malware is never approved; remove the version instead\n');
  });

  it('says nothing when the advisory does not cover the locked version (never assumed from the name)', async () => {
    const older: BulkAdvisories = { 'flatmap-stream': [{ ...MALWARE['flatmap-stream']![0]!, vulnerable_versions: '<0.1.1' }] };
    await withRegistry(older, async (url, registry) => {
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', url, '--cache-dir', tmp('cache'), '--format', 'json']);
      const out = json(r.stdout);
      expect(out.findings.filter((f) => f.ruleId.startsWith('known-'))).toEqual([]);
      expect(out.skipped.filter((s) => s.ruleId.startsWith('known-'))).toEqual([]);
      expect(registry.advisoryRequests).toHaveLength(1);
    });
  });
});

describe('known-vulnerable', () => {
  const MODERATE: BulkAdvisories = {
    'event-stream': [
      {
        id: 4242,
        url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
        title: 'Regular Expression Denial of Service in event-stream',
        severity: 'moderate',
        vulnerable_versions: '>=3.3.5 <4.0.0',
        cwe: ['CWE-1333'],
        cvss: { score: 5.3, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' },
      },
    ],
  };

  it(
    "is at the advisory's severity (moderate is medium), which the policy raises, lowers or turns off",
    async () => {
      await withRegistry(MODERATE, async (url) => {
        const dir = tmp('vuln');
        const config = path.join(dir, 'policy.json');
        const severities = async (rules: Record<string, string> | null): Promise<string[]> => {
          writeFileSync(config, JSON.stringify(rules ? { rules } : {}));
          const r = await runCli(
            [
              'diff',
              '--base',
              BASE,
              '--head',
              HEAD,
              '--registry',
              url,
              '--cache-dir',
              tmp('cache'),
              '--config',
              config,
              '--format',
              'json',
            ],
            { cwd: dir },
          );
          const found = byRule(json(r.stdout).findings, 'known-vulnerable');
          for (const f of found) expect(f.package).toEqual({ name: 'event-stream', version: '3.3.6' });
          return found.map((f) => f.severity);
        };
        expect(await severities(null)).toEqual(['medium']);
        expect(await severities({ 'known-vulnerable': 'high' })).toEqual(['high']);
        expect(await severities({ 'known-vulnerable': 'low' })).toEqual(['low']);
        expect(await severities({ 'known-vulnerable': 'off' })).toEqual([]);
      });
    },
    MULTI_RUN,
  );
});

describe('a registry without the endpoint', () => {
  it(
    'lists the check as not made, with its cause, and leaves the exit code as it was',
    async () => {
      await withRegistry(undefined, async (url, registry) => {
        const cache = tmp('cache');
        const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', url, '--cache-dir', cache, '--format', 'json']);
        expect(r.code).toBe(1); // event-stream's own findings, as before
        const skipped = json(r.stdout).skipped.filter((s) => s.ruleId.startsWith('known-'));
        expect(skipped.map((s) => `${s.ruleId} ${s.package.name}`).sort()).toEqual([
          'known-malicious event-stream',
          'known-malicious flatmap-stream',
          'known-vulnerable event-stream',
          'known-vulnerable flatmap-stream',
        ]);
        for (const s of skipped) expect(s.reason).toBe(`the registry at ${new URL(url).host} has no advisory endpoint (HTTP 405)`);
        const text = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', url, '--cache-dir', cache]);
        expect(text.stdout).toContain(
          `Checks not made\n  the registry at ${new URL(url).host} has no advisory endpoint (HTTP 405): 2 rules could not fully check 2 packages (event-stream, flatmap-stream)\n    rules: known-malicious, known-vulnerable\n`,
        );
        // a missing endpoint is not remembered as "no advisories": every run asks again
        expect(registry.requests.filter((q) => q.method === 'POST')).toHaveLength(2);
      });
    },
    MULTI_RUN,
  );
});

describe('the cache', () => {
  it(
    'reuses an answer within its max-age, asks again with --cache-max-age 0, and uses it --offline',
    async () => {
      await withRegistry(MALWARE, async (url, registry) => {
        const cache = tmp('cache');
        const flags = ['--base', BASE, '--head', HEAD, '--registry', url, '--cache-dir', cache];
        for (const extra of [[], [], ['--offline']]) {
          const r = await runCli(['diff', ...flags, ...extra]);
          expect(r.stdout).toContain('critical known-malicious');
        }
        expect(registry.advisoryRequests).toHaveLength(1);
        await runCli(['diff', ...flags, '--cache-max-age', '0']);
        expect(registry.advisoryRequests).toHaveLength(2);
        // offline with an empty cache: not made, never "no advisories"
        const empty = await runCli(['diff', ...flags.slice(0, -1), tmp('empty'), '--offline', '--allow-incomplete', '--format', 'json']);
        expect(
          json(empty.stdout)
            .skipped.filter((s) => s.ruleId === 'known-malicious')
            .map((s) => s.reason),
        ).toEqual(['advisories not in the cache (--offline)', 'advisories not in the cache (--offline)']);
      });
    },
    MULTI_RUN,
  );
});

describe('which registry is asked', () => {
  it(
    "sends a scoped package to its scoped registry with that registry's token, the rest to the default one, and no git dependency anywhere",
    async () => {
      const TOKEN = 'npm_scopedS3cret';
      const doc = (name: string) =>
        buildPackument({
          name,
          versions: [{ version: '1.0.0', time: '2020-01-01T00:00:00.000Z', publisher: { name: 'a' }, maintainers: [{ name: 'a' }] }],
        });
      const advisory = (name: string) => [
        {
          id: 7,
          url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz',
          title: `Malware in ${name}`,
          severity: 'critical',
          vulnerable_versions: '>=0',
          cwe: ['CWE-506'],
        },
      ];
      const scoped = await startRegistry(new Map([['@acme/widget', doc('@acme/widget')]]), {
        token: TOKEN,
        advisories: { '@acme/widget': advisory('@acme/widget') },
      });
      const main = await startRegistry(new Map([['plain', doc('plain')]]), { advisories: { plain: advisory('plain') } });
      try {
        const dir = tmp('scoped');
        const lockfile = path.join(dir, 'package-lock.json');
        writeFileSync(
          lockfile,
          JSON.stringify({
            name: 'app',
            version: '1.0.0',
            lockfileVersion: 3,
            requires: true,
            packages: {
              '': { name: 'app', version: '1.0.0', dependencies: { '@acme/widget': '^1.0.0', plain: '^1.0.0', gitdep: 'github:x/gitdep' } },
              'node_modules/@acme/widget': { version: '1.0.0' },
              'node_modules/plain': { version: '1.0.0' },
              'node_modules/gitdep': {
                version: '1.0.0',
                resolved: 'git+ssh://git@github.com/x/gitdep.git#0123456789abcdef0123456789abcdef01234567',
              },
            },
          }),
        );
        const userconfig = path.join(dir, 'user.npmrc');
        const host = new URL(scoped.url).host;
        writeFileSync(userconfig, `registry=${main.url}\n@acme:registry=${scoped.url}\n//${host}/:_authToken=${TOKEN}\n`);
        const r = await runCli(['audit', '--lockfile', lockfile, '--cache-dir', tmp('cache'), '--format', 'json'], {
          cwd: dir,
          env: { npm_config_userconfig: userconfig },
        });
        const out = json(r.stdout);
        expect(
          byRule(out.findings, 'known-malicious')
            .map((f) => f.package.name)
            .sort(),
        ).toEqual(['@acme/widget', 'plain']);
        expect(scoped.advisoryRequests).toEqual([{ '@acme/widget': ['1.0.0'] }]);
        expect(main.advisoryRequests).toEqual([{ plain: ['1.0.0'] }]);
        const post = (reg: typeof main) => reg.requests.filter((q) => q.method === 'POST');
        expect(post(scoped).map((q) => q.authorization)).toEqual([`Bearer ${TOKEN}`]);
        expect(post(main).map((q) => q.authorization)).toEqual([undefined]);
        expect(out.skipped.filter((s) => s.ruleId === 'known-malicious').map((s) => [s.package.name, s.reason])).toEqual([
          ['gitdep', 'not installed from a registry (git)'],
        ]);
        expect(r.stdout + r.stderr).not.toContain(TOKEN);
      } finally {
        await scoped.close();
        await main.close();
      }
    },
    MULTI_RUN,
  );
});

describe("the advisory's strings are strangers'", () => {
  it(
    'are escaped in the terminal and in workflow commands',
    async () => {
      const hostile: BulkAdvisories = {
        'flatmap-stream': [
          { ...MALWARE['flatmap-stream']![0]!, title: 'Malware in x\u001b[2J\n::error::forged', url: 'javascript:alert(1)' },
        ],
      };
      await withRegistry(hostile, async (url) => {
        const flags = ['--base', BASE, '--head', HEAD, '--registry', url, '--cache-dir', tmp('cache')];
        const text = await runCli(['diff', ...flags]);
        expect(text.stdout).not.toContain('\u001b');
        expect(text.stdout).toContain('Malware in x\\u001b[2J\\n::error::forged');
        const github = await runCli(['diff', ...flags, '--format', 'github']);
        expect(github.stdout).not.toMatch(/^::error::forged/m);
        const out = json((await runCli(['diff', ...flags, '--format', 'json'])).stdout);
        expect((byRule(out.findings, 'known-malicious')[0]!.evidence as { advisory: { url: unknown } }).advisory.url).toBeNull();
      });
    },
    MULTI_RUN,
  );
});
