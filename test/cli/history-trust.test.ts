import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_OF } from '../../fixtures/history-trust.mjs';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import type { Finding } from '../../src/model.js';
import { fixture, runCli } from '../helpers/cli.js';

/**
 * Issue 13 through the real CLI, on lockfiles made by npm: history inside the attack window
 * vouches for nothing, and history a maintainer really has (a scope, the tree) is used.
 */
const RANK = ['info', 'low', 'medium', 'high', 'critical'];
const registries = new Map<string, Registry>();
beforeAll(async () => {
  for (const id of ['history-trust', 'code-flatmap-stream']) registries.set(id, await startRegistry(fixture(id, 'registry')));
});
afterAll(async () => {
  for (const r of registries.values()) await r.close();
});

async function diff(id: string, asOf: string): Promise<{ code: number | null; findings: Finding[] }> {
  const r = await runCli([
    'diff',
    '--base',
    fixture(id, 'base', 'package-lock.json'),
    '--head',
    fixture(id, 'head', 'package-lock.json'),
    '--registry',
    registries.get(id)!.url,
    '--as-of',
    asOf,
    '--no-code',
    '--format',
    'json',
  ]);
  expect(r.stderr).toBe('');
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings };
}

function highest(findings: readonly Finding[]): Record<string, string> {
  const best: Record<string, string> = {};
  for (const f of findings) if (RANK.indexOf(f.severity) > RANK.indexOf(best[f.package.name] ?? '')) best[f.package.name] = f.severity;
  return best;
}

describe('history that must earn trust, through the real CLI', () => {
  it('grades each update', async () => {
    const { code, findings } = await diff('history-trust', AS_OF);
    expect(code).toBe(1);
    expect(highest(findings)).toEqual({
      // you had the newcomer's first release; the next adds a dependency they publish
      'taken-over': 'critical',
      // a newcomer whose new dependencies bring no code of theirs: the publisher change alone
      'newcomer-dep': 'medium',
      // a member of the scope for years, publishing this package of it for the first time
      '@team/widget': 'low',
      '@team/core': 'low',
      'helper-kit': 'low',
      classic: 'info',
    });
    const publisher = findings.find((f) => f.package.name === 'taken-over' && f.ruleId === 'publisher-changed');
    expect(publisher?.message).toMatch(/also published the version you had \(1\.1\.0\) but first published taken-over only 5 days before/);
    const member = findings.find((f) => f.package.name === '@team/widget' && f.ruleId === 'publisher-changed');
    expect(member?.kind === 'package' && member.traits).toEqual(['publisher:scope-member']);
    // the new publisher added as a maintainer is said once, by publisher-changed
    expect(findings.filter((f) => f.ruleId === 'maintainers-changed')).toEqual([]);
  });

  it('event-stream 3.3.5 -> 3.3.6 (the base already right9ctrl’s) is critical from the metadata alone', async () => {
    const { code, findings } = await diff('code-flatmap-stream', '2018-11-20');
    expect(code).toBe(1);
    const es = findings.filter((f) => f.package.name === 'event-stream');
    expect(es.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['publisher-changed critical', 'new-dependency critical']);
  });
});
