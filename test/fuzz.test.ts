import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Packument, type Registry } from '../scripts/fixture-registry.mjs';
import { fixture, runCli } from './helpers/cli.js';

/** mulberry32: a small seeded generator, so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY: unknown[] = [
  null,
  0,
  -1,
  1e308,
  true,
  '',
  ' ',
  '\u001b[31m',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '9'.repeat(400),
  'x'.repeat(10_000),
  [],
  {},
  [1, 'a'],
  { __proto__: { polluted: true } },
  { version: '1.0.0' },
  'sha1-AAAA',
  'http://evil.example/x.tgz',
  '\n::error::forged',
  '<img src=x>',
];

/** Replaces, deletes or retypes one randomly chosen value somewhere in `value`. */
function mutate(value: unknown, rand: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const copy = structuredClone(value) as Record<string, unknown>;
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const walk = (v: unknown, depth: number): void => {
    if (v && typeof v === 'object' && depth < 6) {
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child, depth + 1);
    }
  };
  walk(copy, 0);
  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
    const target = pick(containers);
    const keys = Object.keys(target);
    const action = rand();
    if (keys.length && action < 0.35) delete (target as Record<string, unknown>)[pick(keys)];
    else if (keys.length && action < 0.8) (target as Record<string, unknown>)[pick(keys)] = structuredClone(pick(NASTY));
    else (target as Record<string, unknown>)[String(pick(NASTY))] = structuredClone(pick(NASTY));
  }
  return copy;
}

const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD_DOC = JSON.parse(readFileSync(fixture('event-stream', 'head', 'package-lock.json'), 'utf8')) as unknown;
const DOCS = loadDocuments(fixture('event-stream', 'registry'));
const DOCUMENTED = [0, 1, 2, 3];
const RUNS = 24;
/** The share of mutated lockfiles that must still load (measured: 0.375). */
const MIN_LOADED_SHARE = 0.3;

function checkInvariants(r: { code: number | null; stdout: string; stderr: string }, format: string): void {
  expect(DOCUMENTED).toContain(r.code);
  expect(r.stderr).not.toMatch(/\n\s+at |TypeError|RangeError|ReferenceError/);
  if (r.code === 2) {
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return;
  }
  if (format === 'json') expect(() => JSON.parse(r.stdout)).not.toThrow();
  else expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
}

describe('fuzz: mutated lockfiles', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(DOCS);
  });
  afterAll(() => registry.close());

  it('never crashes, always answers with a documented exit code and valid output, and still reads a stated share of them', async () => {
    const rand = prng(20181126);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fuzz-lock-'));
    let loaded = 0;
    for (let i = 0; i < RUNS; i++) {
      const file = path.join(dir, `head-${i}.json`);
      const mutated = JSON.stringify(mutate(HEAD_DOC, rand));
      writeFileSync(file, rand() < 0.15 ? mutated.slice(0, Math.floor(rand() * mutated.length)) : mutated);
      const format = i % 2 ? 'json' : 'text';
      const r = await runCli([
        'diff',
        '--base',
        BASE,
        '--head',
        file,
        '--registry',
        registry.url,
        '--format',
        format,
        '--retries',
        '0',
        '--timeout',
        '2',
      ]);
      checkInvariants(r, format);
      if (r.code !== 2) loaded++;
    }
    // A loader that refused everything would pass the invariants above. Many mutations (a value
    // deleted, retyped or added where nothing reads it) leave a lockfile depguard still reads:
    // with this seed 9 of 24 (37.5%) load; exit 2 is "refused".
    expect(loaded / RUNS).toBeGreaterThanOrEqual(MIN_LOADED_SHARE);
  }, 120_000);
});

describe('fuzz: mutated registry documents', () => {
  it('never crashes, always answers with a documented exit code and valid output', async () => {
    const rand = prng(20250915);
    for (let i = 0; i < 24; i++) {
      const docs = new Map(DOCS);
      for (const name of ['event-stream', 'flatmap-stream']) docs.set(name, mutate(DOCS.get(name), rand) as Packument);
      const registry = await startRegistry(docs);
      try {
        const format = i % 2 ? 'json' : 'text';
        const r = await runCli([
          'diff',
          '--base',
          BASE,
          '--head',
          fixture('event-stream', 'head', 'package-lock.json'),
          '--registry',
          registry.url,
          '--format',
          format,
          '--retries',
          '0',
          '--timeout',
          '2',
        ]);
        checkInvariants(r, format);
      } finally {
        await registry.close();
      }
    }
  }, 120_000);
});
