import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { eventStreamRegistry } from '../helpers/servers.js';

/**
 * A registry that answers 200 with something that is not the package's document is a fault:
 * the package could not be checked (exit 3), never "a package without releases" that every rule
 * lets through.
 */
const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const DOCS = loadDocuments(fixture('event-stream', 'registry'));
const withoutVersions = { ...DOCS.get('event-stream'), versions: undefined };

const NONSENSE: Array<[string, string, RegExp]> = [
  ['an empty object', '{}', /registry sent a document without a package name/],
  ['null', 'null', /registry sent null instead of a package document/],
  ['a list', '[]', /registry sent a list instead of a package document/],
  ['a string', '"event-stream"', /registry sent a string instead of a package document/],
  ['a number', '42', /registry sent a number instead of a package document/],
  ["another package's document", JSON.stringify(DOCS.get('through')), /registry sent the document of another package \("through"\)/],
  ['a document without versions', JSON.stringify(withoutVersions), /registry sent a document without versions/],
  ['versions that are a list', JSON.stringify({ ...withoutVersions, versions: [] }), /registry sent a document without versions/],
];

async function diff(overrides: Record<string, string>, args: string[]) {
  const registry = await eventStreamRegistry(overrides);
  try {
    const r = await runCli([
      ...args,
      '--registry',
      registry.url,
      '--format',
      'json',
      '--retries',
      '0',
      '--cache-dir',
      mkdtempSync(path.join(os.tmpdir(), 'cache-')),
    ]);
    return { ...r, out: r.stdout ? JSON.parse(r.stdout) : null };
  } finally {
    await registry.close();
  }
}

const unavailable = (out: { unavailable: Array<{ package: { name: string }; reason: string }> }) =>
  out.unavailable.map((u) => `${u.package.name}: ${u.reason}`);

describe('a registry that answers nonsense', () => {
  for (const [what, body, reason] of NONSENSE) {
    it(`${what} for an updated package (npm lockfile): could not be checked, exit 3`, async () => {
      const r = await diff({ 'event-stream': body }, ['diff', '--base', BASE, '--head', HEAD]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(3);
      expect(r.out.unavailable).toEqual([
        {
          package: { name: 'event-stream', version: '3.3.6' },
          reason: expect.stringMatching(reason),
          location: { file: 'fixtures/event-stream/head/package-lock.json', line: 20 },
        },
      ]);
    });
  }

  it('for a package new to the tree: listed as not checked, never a pass', async () => {
    for (const body of ['{}', JSON.stringify(DOCS.get('event-stream'))]) {
      const r = await diff({ 'flatmap-stream': body }, ['diff', '--base', BASE, '--head', HEAD, '--fail-on', 'critical']);
      expect(unavailable(r.out)).toEqual([
        expect.stringMatching(
          /^flatmap-stream: registry sent (a document without a package name|the document of another package \("event-stream"\))$/,
        ),
      ]);
      expect(r.code).not.toBe(0);
    }
  });

  it('in a pnpm lockfile the same: could not be checked, exit 3; --allow-incomplete says so and exits 0', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nonsense-pnpm-'));
    copyFileSync(fixture('event-stream', 'pnpm', 'head', 'pnpm-lock.yaml'), path.join(dir, 'pnpm-lock.yaml'));
    const args = ['diff', '--base', fixture('event-stream', 'pnpm', 'base', 'pnpm-lock.yaml'), '--head', path.join(dir, 'pnpm-lock.yaml')];
    const strict = await diff({ 'event-stream': '[]' }, args);
    expect(strict.code).toBe(3);
    expect(unavailable(strict.out)).toEqual(['event-stream: registry sent a list instead of a package document']);
    const lenient = await diff({ 'event-stream': '[]' }, [...args, '--allow-incomplete']);
    expect(lenient.code).toBe(0);
    expect(lenient.out.unavailable).toHaveLength(1);
  });

  it('nonsense is not cached: the next run asks again', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'cache-'));
    const bad = await eventStreamRegistry({ 'event-stream': '{}' });
    try {
      expect((await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', bad.url, '--cache-dir', cache])).code).toBe(3);
    } finally {
      await bad.close();
    }
    const good = await eventStreamRegistry();
    try {
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', good.url, '--cache-dir', cache]);
      expect(r.code).toBe(1);
      expect(good.requests.some((q) => q.path === '/event-stream')).toBe(true);
    } finally {
      await good.close();
    }
  });
});
