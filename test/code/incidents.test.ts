import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import type { Finding } from '../../src/model.js';
import { severityRank, type Severity } from '../../src/severity.js';
import { fixture, runCli } from '../helpers/cli.js';

/**
 * The acceptance cases of the code stage, end to end from the CLI: inert reconstructions of the
 * incidents and benign look-alikes, packed by `npm pack` (scripts/make-fixtures.mjs), served with
 * their documents from 127.0.0.1, locked by npm. Nothing in them is ever run.
 */
const INCIDENTS: Record<string, { pkg: string; code: Severity }> = {
  'code-flatmap-stream': { pkg: 'flatmap-stream', code: 'high' },
  'code-eslint-scope': { pkg: 'eslint-scope', code: 'high' },
  'code-ua-parser': { pkg: 'ua-parser-js', code: 'high' },
  'code-shai-hulud': { pkg: '@acme/tinycolor', code: 'high' },
  // the usual publisher and no new dependency: only the code shows it
  'code-chalk-debug': { pkg: 'debug', code: 'high' },
};
/** Each benign look-alike, and whether its new version can do something the old one could not (a minified build of the same source cannot). */
const LOOK_ALIKES: Record<string, boolean> = {
  'code-http-client-fetch': true,
  'code-cli-spawns-git': true,
  'code-minified-bundle': false,
  'code-hash-wasm': true,
  'code-prebuilt-node': true,
  'code-test-fixtures-base64': true,
};

const registries = new Map<string, Registry>();
beforeAll(async () => {
  for (const id of [...Object.keys(INCIDENTS), ...Object.keys(LOOK_ALIKES)])
    registries.set(id, await startRegistry(fixture(id, 'registry')));
});
afterAll(async () => {
  for (const r of registries.values()) await r.close();
});

async function diff(id: string, ...extra: string[]) {
  const out = await runCli([
    'diff',
    '--base',
    fixture(id, 'base', 'package-lock.json'),
    '--head',
    fixture(id, 'head', 'package-lock.json'),
    '--registry',
    registries.get(id)!.url,
    '--as-of',
    '2026-11-21',
    '--format',
    'json',
    ...extra,
  ]);
  expect(out.stderr).toBe('');
  return { code: out.code, result: JSON.parse(out.stdout) as { findings: Finding[]; code: { checked: boolean }; skipped: unknown[] } };
}

const highest = (findings: readonly Finding[]): Severity | null =>
  findings.reduce<Severity | null>((top, f) => (top === null || severityRank(f.severity) > severityRank(top) ? f.severity : top), null);

describe('incidents reach at least high from their code', () => {
  for (const [id, { pkg, code }] of Object.entries(INCIDENTS)) {
    it(id, async () => {
      const { code: exit, result } = await diff(id);
      expect(exit).toBe(1);
      const codeFindings = result.findings.filter((f) => f.ruleId === 'code-capabilities' && f.package.name === pkg);
      expect(severityRank(highest(codeFindings) ?? 'info')).toBeGreaterThanOrEqual(severityRank(code));
      for (const f of codeFindings) expect(f.kind === 'package' && f.inPackage?.file).toBeTruthy();
    });
  }
});

describe('benign look-alikes stay below high', () => {
  for (const [id, capable] of Object.entries(LOOK_ALIKES)) {
    it(id, async () => {
      const { code: exit, result } = await diff(id);
      expect(result.code.checked).toBe(true);
      // every check was made but the advisory one (the fixture registry has no advisory endpoint)
      expect((result.skipped as { ruleId: string }[]).filter((s) => !s.ruleId.startsWith('known-'))).toEqual([]);
      const codeFindings = result.findings.filter((f) => f.ruleId === 'code-capabilities');
      expect(codeFindings.length > 0, 'the code stage saw what the new version can do').toBe(capable);
      expect(severityRank(highest(result.findings) ?? 'info')).toBeLessThan(severityRank('high'));
      expect(exit).toBe(0);
    });
  }
});

describe('--no-code', () => {
  it('skips the stage, fetches no tarball, and says so', async () => {
    const registry = registries.get('code-chalk-debug')!;
    const before = registry.requests.filter((r) => r.path.endsWith('.tgz')).length;
    const { code: exit, result } = await diff('code-chalk-debug', '--no-code');
    expect(result.code).toEqual({ checked: false, reason: 'turned off (--no-code)' });
    expect(result.findings.filter((f) => f.ruleId === 'code-capabilities')).toEqual([]);
    expect(registry.requests.filter((r) => r.path.endsWith('.tgz')).length).toBe(before);
    expect(exit).toBe(0);
  });
});
