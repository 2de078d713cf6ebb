import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { AS_OF } from '../../fixtures/patterns.mjs';
import { fixture, runCli } from '../helpers/cli.js';

const BASE = fixture('patterns', 'base', 'package-lock.json');
const HEAD = fixture('patterns', 'head', 'package-lock.json');
const RANK = ['info', 'low', 'medium', 'high', 'critical'];

interface Out {
  findings: Array<{
    ruleId: string;
    severity: string;
    package: { name: string };
    escalation?: { combination: string };
    location: { file: string; line: number };
  }>;
  suppressed: Array<{ finding: { ruleId: string; package: { name: string } } }>;
  expiredIgnores: unknown[];
  skipped: Array<{ ruleId: string; reason: string }>;
}

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('patterns', 'registry'));
});
afterAll(() => registry.close());

async function diff(extra: string[] = [], cwd?: string): Promise<{ code: number | null; out: Out }> {
  const r = await runCli(
    ['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--as-of', AS_OF, '--format', 'json', ...extra],
    cwd ? { cwd } : {},
  );
  if (r.stderr) throw new Error(r.stderr);
  return { code: r.code, out: JSON.parse(r.stdout) as Out };
}

function highest(out: Out): Record<string, string> {
  const best: Record<string, string> = {};
  for (const f of out.findings) if (RANK.indexOf(f.severity) > RANK.indexOf(best[f.package.name] ?? '')) best[f.package.name] = f.severity;
  return best;
}

describe('incident patterns and benign updates, through the real CLI', () => {
  it('grades each update as expected', async () => {
    const { code, out } = await diff();
    expect(code).toBe(1);
    expect(highest(out)).toEqual({
      // must reach critical
      'newcomer-script': 'critical', // a publisher new to the package + an install script
      'worm-victim': 'critical', // Shai-Hulud: fresh release + `node bundle.js`
      'worm-victim-2': 'critical', // trusted publisher lost + `node setup_bun.js`
      'prov-lost-dep': 'critical', // provenance lost + new dependency
      'placeholder-pkg': 'critical', // npm's 0.0.1-security placeholder
      // real incidents that must reach at least high
      'scope-lint': 'high', // eslint-scope 3.7.2: postinstall added by the same account
      'ua-parse': 'high', // ua-parser-js 0.7.29: preinstall added
      'dormant-revived': 'high',
      'email-changed': 'high',
      'withdrawn-pkg': 'high',
      'stable-lib': 'high', // resolved to a foreign host with other bytes
      'weak-hash': 'high', // sha512 -> sha1
      // must stay below high
      'co-maintained': 'low',
      'to-trusted': 'info',
      'major-dep': 'info',
      'debug-lite': 'info',
      'fresh-release': 'medium', // young, nothing else: never high on age alone
      'young-lib': 'medium',
      'tiny-helper': 'info',
      'deprecated-pkg': 'low',
      'repo-moved': 'low',
    });
    // an install script every earlier version already had: nothing at all
    expect(out.findings.filter((f) => f.package.name === 'native-addon')).toEqual([]);
    const worm2 = out.findings.filter((f) => f.package.name === 'worm-victim-2').map((f) => f.escalation?.combination);
    expect(worm2).toContain('trust-lost-ships-new-code');
  });

  it('applies a policy: rule off, severity override, trusted and critical packages, ignore entries, expired entries', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-'));
    writeFileSync(
      path.join(dir, 'depguard.config.json'),
      JSON.stringify({
        failOn: 'critical',
        rules: { 'version-jump': 'off', 'repository-changed': 'medium' },
        trusted: ['scope-*'],
        critical: ['co-maintained'],
        ignore: [
          { package: 'ua-parse', version: '0.7.29', rule: 'install-script-added', reason: 'reviewed the preinstall' },
          { package: 'withdrawn-pkg', version: '*', reason: 'old waiver', expires: '2020-01-01' },
        ],
      }),
    );
    const { code, out } = await diff([], dir);
    const best = highest(out);
    expect(out.findings.some((f) => f.ruleId === 'version-jump')).toBe(false);
    expect(best['repo-moved']).toBe('medium');
    expect(best['scope-lint']).toBe('low'); // trusted: reported, capped
    expect(best['co-maintained']).toBe('high'); // critical package: any publisher change is at least high
    expect(best['ua-parse']).toBeUndefined();
    expect(out.suppressed.map((s) => `${s.finding.package.name}:${s.finding.ruleId}`)).toEqual(['ua-parse:install-script-added']);
    expect(best['withdrawn-pkg']).toBe('high'); // the expired entry no longer applies...
    expect(out.expiredIgnores).toEqual([expect.objectContaining({ package: 'withdrawn-pkg', expires: '2020-01-01' })]); // ...and is reported
    expect(code).toBe(1); // failOn critical from the policy, and criticals remain
  });

  it('approve records the reviewed version, and the next run is quiet about exactly that version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'approve-'));
    cpSync(path.dirname(HEAD), dir, { recursive: true });
    const analysis = ['--base', BASE, '--registry', registry.url, '--as-of', AS_OF];
    const a = await runCli(['approve', 'ua-parse@0.7.29', '--reason', 'diffed 0.7.28..0.7.29', '--expires', '2099-12-31', ...analysis], {
      cwd: dir,
    });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(
      /^depguard: added an ignore entry in depguard\.config\.json: ua-parse@0\.7\.29, install-script-added, integrity sha512-\S+…, until 2099-12-31, approved by /,
    );
    const written = JSON.parse(readFileSync(path.join(dir, 'depguard.config.json'), 'utf8'));
    const integrity = JSON.parse(readFileSync(HEAD, 'utf8')).packages['node_modules/ua-parse'].integrity;
    expect(written.ignore[0]).toEqual({
      package: 'ua-parse',
      version: '0.7.29',
      rules: ['install-script-added'],
      integrity,
      reason: 'diffed 0.7.28..0.7.29',
      expires: '2099-12-31',
      approvedBy: expect.any(String),
      approvedAt: expect.any(String),
    });
    const { out } = await diff([], dir);
    expect(highest(out)['ua-parse']).toBeUndefined();
    expect(highest(out)['scope-lint']).toBe('high');
    const missingReason = await runCli(['approve', 'ua-parse@0.7.29'], { cwd: dir });
    expect(missingReason.code).toBe(2);
  });

  it('rejects an invalid policy with an error naming the key', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ rules: { 'no-such-rule': 'high' } }, /rules\.no-such-rule is not a rule/],
      [{ ignore: [{ package: 'x', version: '1.0.0' }] }, /ignore\[0\]\.reason is required/],
      [{ ignore: [{ package: 'x', reason: 'r', version: 'not a range' }] }, /ignore\[0\]\.version must be a semver range/],
      [{ minReleaseAge: 'soon' }, /minReleaseAge must be/],
      [{ failon: 'high' }, /failon is not a known key/],
    ];
    for (const [policy, message] of cases) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'badpolicy-'));
      writeFileSync(path.join(dir, '.depguardrc.json'), JSON.stringify(policy));
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('reads the cooldown from the project (.npmrc min-release-age, in days)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cooldown-'));
    writeFileSync(path.join(dir, '.npmrc'), 'min-release-age=30\n');
    const { out } = await diff([], dir);
    const young = out.findings
      .filter((f) => f.ruleId === 'young-version')
      .map((f) => f.package.name)
      .sort();
    expect(young).toEqual(['fresh-release', 'worm-victim', 'worm-victim-2', 'young-lib']);
  });

  it('lockfile-out-of-sync: package.json asks for what the lockfile does not hold', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sync-'));
    cpSync(path.dirname(HEAD), dir, { recursive: true });
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    pkg.dependencies['ua-parse'] = '^0.8.0';
    pkg.dependencies['left-pad'] = '^1.3.0';
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    const r = await runCli([
      'diff',
      '--base',
      HEAD,
      '--head',
      path.join(dir, 'package-lock.json'),
      '--registry',
      registry.url,
      '--format',
      'json',
    ]);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.findings.filter((f) => f.ruleId === 'lockfile-out-of-sync').map((f) => `${f.package.name}:${f.severity}`)).toEqual([
      'left-pad:medium',
      'ua-parse:medium',
    ]);
    // a finding about the project points at the project's own entry
    const lines = readFileSync(path.join(dir, 'package-lock.json'), 'utf8').split('\n');
    for (const f of out.findings.filter((f) => f.ruleId === 'lockfile-out-of-sync')) expect(lines[f.location.line - 1]).toBe('    "": {');
    // and nothing when they agree
    const clean = await runCli(['diff', '--base', HEAD, '--head', HEAD, '--registry', registry.url, '--format', 'json']);
    expect((JSON.parse(clean.stdout) as Out).findings).toEqual([]);
  });
});
