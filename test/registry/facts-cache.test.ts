import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPackument, loadDocuments } from '../../scripts/fixture-registry.mjs';
import type { MetadataClient } from '../../src/registry/client.js';
import { extractFacts } from '../../src/registry/facts.js';
import type { PackageFacts } from '../../src/model.js';
import { CachedClient, decode, encode } from '../../src/registry/facts-cache.js';
import { fixture } from '../helpers/cli.js';

/** A package of `count` releases, all by the same few people, each with an install script of `scriptLength` characters. */
function manyVersions(count: number, scriptLength: number, distinctScripts: boolean): Record<string, unknown> {
  const maintainers = Array.from({ length: 8 }, (_, i) => ({ name: `maintainer-${i}`, email: `maintainer-${i}@example.com` }));
  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = { created: '2015-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z' };
  for (let i = 0; i < count; i++) {
    const version = `1.${Math.floor(i / 1000)}.${i % 1000}`;
    const script = `node install.js ${distinctScripts ? String(i).padStart(6, '0') : ''}`.padEnd(scriptLength, 'x');
    versions[version] = {
      name: 'big',
      version,
      _npmUser: { name: `publisher-${i % 3}`, email: `publisher-${i % 3}@example.com` },
      maintainers,
      scripts: { postinstall: script, test: 'vitest' },
      dependencies: { a: '^1.0.0', b: '^2.0.0' },
      repository: { type: 'git', url: 'git+https://github.com/big/big.git' },
      deprecated: i % 2 ? `use 2.x: ${'y'.repeat(300)}` : undefined,
      dist: {
        integrity: `sha512-${'A'.repeat(86)}==`,
        tarball: `https://registry.example/big/-/big-${version}.tgz`,
        attestations: { url: 'https://example/att' },
      },
    };
    time[version] = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000).toISOString();
  }
  return { name: 'big', 'dist-tags': { latest: '1.0.0' }, maintainers, time, versions };
}

/** Bytes CachedClient writes (pack files and index) for one package's facts. */
async function bytesWritten(facts: PackageFacts): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facts-cache-'));
  const inner: MetadataClient = { packageFacts: async () => facts };
  const client = new CachedClient(inner, {
    dir,
    registry: 'https://registry.example/',
    maxAgeMs: 3_600_000,
    offline: false,
    now: Date.now,
  });
  await client.packageFacts(facts.name, ['1.0.0']);
  await client.flush();
  let bytes = 0;
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else bytes += statSync(p).size;
    }
  };
  walk(dir);
  return bytes;
}

describe('the facts cache stays small', () => {
  // Measured on this document (28.7 MB of JSON): 19,836,471 bytes written in the previous format
  // (every version's facts in full), 937,578 in this one.
  it('20,000 releases sharing their people and scripts: under 1.5 MB written, under 5% of the document', async () => {
    const doc = manyVersions(20_000, 250, false);
    const facts = extractFacts(doc, 'big', new Set(['1.0.0']));
    const written = await bytesWritten(facts);
    expect(written).toBeLessThan(1_500_000);
    expect(written).toBeLessThan(JSON.stringify(doc).length * 0.05);
  });

  it('2,000 releases each with its own 20,000-character script: cut to a bounded length with a digest, under a tenth of the document', async () => {
    const doc = manyVersions(2_000, 20_000, true);
    const facts = extractFacts(doc, 'big', new Set(['1.0.0']));
    const script = facts.versions.get('1.0.5')!.installScripts.postinstall!;
    expect(script.length).toBeLessThan(1_200);
    expect(script).toMatch(/… \[20000 characters, sha256:[0-9a-f]{64}\]$/);
    // scripts that differ only past the cut still differ
    expect(script).not.toBe(facts.versions.get('1.0.6')!.installScripts.postinstall);
    expect(await bytesWritten(facts)).toBeLessThan(JSON.stringify(doc).length / 10);
  });

  it('keeps every fact the rules read: what is read back equals what was stored', async () => {
    for (const doc of [
      ...loadDocuments(fixture('event-stream', 'registry')).values(),
      ...loadDocuments(fixture('patterns', 'registry')).values(),
    ]) {
      const facts = extractFacts(doc, doc.name, new Set([Object.keys(doc.versions)[0]!]));
      expect(decode(JSON.parse(JSON.stringify(encode(facts))))).toEqual(facts);
    }
    const own = extractFacts(buildPackument({ name: 'x', versions: [{ version: '1.0.0', time: '2020-01-01T00:00:00.000Z' }] }), 'x');
    const moved = { ...own, versions: new Map([['1.0.0', { ...own.versions.get('1.0.0')!, publishedAt: 42 }]]) };
    expect(decode(JSON.parse(JSON.stringify(encode(moved))))).toEqual(moved);
  });

  it("a registry URL's user and password stay out of the index", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'facts-cache-'));
    const facts = extractFacts(buildPackument({ name: 'x', versions: [{ version: '1.0.0', time: '2020-01-01T00:00:00.000Z' }] }), 'x');
    const client = new CachedClient(
      { packageFacts: async () => facts },
      { dir, registry: 'https://ci:hunter2@registry.example/npm/', maxAgeMs: 3_600_000, offline: false, now: Date.now },
    );
    await client.packageFacts('x');
    await client.flush();
    const index = readFileSync(path.join(dir, 'facts-v4', 'index.json'), 'utf8');
    expect(index).toContain('"https://registry.example/npm/ x"');
    expect(index).not.toContain('hunter2');
  });
});
