import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { diffTrees } from '../../src/diff/diff-trees.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import { readSource } from '../../src/lockfile/source.js';
import type { Snapshot } from '../../src/model.js';
import { sourceChanged } from '../../src/rules/source-changed.js';
import {
  addDependencyA,
  diffJson,
  documents,
  editJson,
  editText,
  EVIL_INTEGRITY,
  EVIL_URL,
  findingsOf,
  npmDecoy,
  project,
  yarnDecoy,
} from '../helpers/attack.js';
import { fixture } from '../helpers/cli.js';
import { judgeCase } from '../helpers/rule-tester.js';

async function load(file: string): Promise<Snapshot> {
  return loadSnapshot(await readSource({ kind: 'file', file }, os.tmpdir(), 1e9));
}

/** A v3 package-lock.json with these entries, the root depending on every top-level one. */
async function lockOf(packages: Record<string, Record<string, unknown>>): Promise<Snapshot> {
  const top = Object.keys(packages).filter((l) => !l.slice('node_modules/'.length).includes('/node_modules/'));
  const root = { name: 'app', version: '1.0.0', dependencies: Object.fromEntries(top.map((l) => [l.slice('node_modules/'.length), '*'])) };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'copies-'));
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': root, ...packages } }),
  );
  return load(path.join(dir, 'package-lock.json'));
}

const es = (version: string) => readFileSync(fixture('event-stream', version === '3.3.6' ? 'head' : 'base', 'package-lock.json'), 'utf8');
const LEGIT = JSON.parse(es('3.3.6')).packages['node_modules/event-stream'] as { resolved: string; integrity: string };
const ON_REGISTRY = (v: string) => `https://registry.npmjs.org/p/-/p-${v}.tgz`;
const SHA_A = `sha512-${'A'.repeat(86)}==`;
const SHA_B = `sha512-${'B'.repeat(86)}==`;

let registry: Registry;
let mirror: Registry;
beforeAll(async () => {
  registry = await startRegistry(documents());
  mirror = await startRegistry(documents({ mirror: true }));
});
afterAll(async () => {
  await registry.close();
  await mirror.close();
});

describe('every copy of a name@version is judged, through the CLI', () => {
  it('npm, same version: a decoy nested copy sorting first does not hide the hoisted copy whose resolved and integrity were swapped', async () => {
    const dir = project('event-stream', 'head');
    const lockfile = path.join(dir, 'package-lock.json');
    editJson(lockfile, (lock) => {
      npmDecoy(lock);
      Object.assign(lock.packages['node_modules/event-stream'], { resolved: EVIL_URL, integrity: EVIL_INTEGRITY });
    });
    addDependencyA(path.join(dir, 'package.json'));
    const copies = (await load(lockfile)).nodes.filter((n) => n.packageName === 'event-stream').map((n) => n.location);
    expect(copies).toEqual(['node_modules/a/node_modules/event-stream', 'node_modules/event-stream']); // the decoy comes first

    const r = await diffJson([
      '--base',
      fixture('event-stream', 'head', 'package-lock.json'),
      '--head',
      lockfile,
      '--registry',
      registry.url,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.changes.filter((c) => c.name === 'event-stream')).toEqual([
      expect.objectContaining({ kind: 'source-changed', version: '3.3.6', integrity: EVIL_INTEGRITY }),
    ]);
    expect(findingsOf(r, 'event-stream')).toEqual([
      expect.objectContaining({
        ruleId: 'source-changed',
        severity: 'high',
        evidence: expect.objectContaining({
          resolved: EVIL_URL,
          locations: ['node_modules/event-stream'],
          problems: ['foreign-host', 'integrity-changed', 'integrity-mismatch', 'copies-disagree'],
        }),
      }),
    ]);
  });

  it('yarn.lock v1, same version: a second entry for the version (the decoy) does not hide the swapped one', async () => {
    const dir = project('event-stream', 'yarn-classic', 'head');
    const lockfile = path.join(dir, 'yarn.lock');
    editText(lockfile, (text) =>
      yarnDecoy(text, (entry) => entry.replace(/resolved ".*"/, `resolved "${EVIL_URL}"`).replace(LEGIT.integrity, EVIL_INTEGRITY)),
    );
    addDependencyA(path.join(dir, 'package.json'));
    const copies = (await load(lockfile)).nodes.filter((n) => n.packageName === 'event-stream');
    expect(copies.map((n) => n.integrity)).toEqual([LEGIT.integrity, EVIL_INTEGRITY]); // the decoy comes first

    const r = await diffJson([
      '--base',
      fixture('event-stream', 'yarn-classic', 'head', 'yarn.lock'),
      '--head',
      lockfile,
      '--registry',
      registry.url,
    ]);
    expect(r.code).toBe(1);
    const [finding, ...more] = findingsOf(r, 'event-stream', 'source-changed');
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'high',
      evidence: {
        resolved: EVIL_URL,
        integrity: EVIL_INTEGRITY,
        problems: ['foreign-host', 'integrity-changed', 'integrity-mismatch', 'copies-disagree'],
      },
    });
  });

  it('npm, upgrade: every copy of the new version is checked, and two copies with different hashes are themselves tampering', async () => {
    const dir = project('event-stream', 'head');
    const lockfile = path.join(dir, 'package-lock.json');
    editJson(lockfile, (lock) => {
      npmDecoy(lock);
      lock.packages['node_modules/event-stream'].integrity = EVIL_INTEGRITY; // resolved still the registry's
    });
    // a registry that strips publishers and times: nothing but the lockfile checks can fire
    const r = await diffJson([
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      lockfile,
      '--registry',
      mirror.url,
    ]);
    expect(r.code).toBe(1);
    expect(r.changes.filter((c) => c.name === 'event-stream').map((c) => `${c.kind} ${c.integrity}`)).toEqual([
      `upgraded ${LEGIT.integrity}`,
      `upgraded ${EVIL_INTEGRITY}`,
    ]);
    const found = findingsOf(r, 'event-stream', 'source-changed').map((f) => [
      f.severity,
      (f.evidence.locations as string[]).join(),
      (f.evidence.problems as string[]).join(),
    ]);
    expect(found).toEqual([
      ['high', 'node_modules/a/node_modules/event-stream', 'copies-disagree'],
      ['high', 'node_modules/event-stream', 'integrity-mismatch,copies-disagree'],
    ]);
    // what the two copies share is said once
    expect(findingsOf(r, 'event-stream', 'new-dependency')).toHaveLength(1);
  });

  it("yarn.lock v1, upgrade: the entry the project installs points at another package's tarball, behind a clean decoy", async () => {
    const dir = project('event-stream', 'yarn-classic', 'head');
    const lockfile = path.join(dir, 'yarn.lock');
    const flatmap = 'https://registry.npmjs.org/flatmap-stream/-/flatmap-stream-0.1.1.tgz';
    editText(lockfile, (text) => yarnDecoy(text, (entry) => entry.replace(/resolved ".*"/, `resolved "${flatmap}"`)));
    addDependencyA(path.join(dir, 'package.json'));
    const r = await diffJson([
      '--base',
      fixture('event-stream', 'yarn-classic', 'base', 'yarn.lock'),
      '--head',
      lockfile,
      '--registry',
      mirror.url,
    ]);
    expect(r.code).toBe(1);
    const found = findingsOf(r, 'event-stream', 'source-changed');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'high', evidence: { resolved: flatmap, problems: ['tarball-mismatch'] } });
    expect(found[0]!.message).toContain('a tarball of flatmap-stream, not of event-stream@3.3.6');
  });
});

describe('diffTrees: one change per group of copies that disagree', () => {
  const entry = (version: string, extra: Record<string, unknown> = {}) => ({
    version,
    resolved: ON_REGISTRY(version),
    integrity: SHA_A,
    ...extra,
  });

  it('same version: only the copy that differs from every base copy is a change, with its own values', async () => {
    const base = await lockOf({ 'node_modules/p': entry('1.0.0') });
    const head = await lockOf({
      'node_modules/a/node_modules/p': entry('1.0.0'),
      'node_modules/a': { version: '1.0.0' },
      'node_modules/p': entry('1.0.0', { integrity: SHA_B }),
    });
    const changes = diffTrees(base, head).filter((c) => c.name === 'p');
    expect(changes.map((c) => [c.kind, c.before?.integrity, c.after?.integrity, c.after?.locations])).toEqual([
      ['source-changed', SHA_A, SHA_B, ['node_modules/p']],
    ]);
    expect(changes[0]!.after!.otherCopies).toEqual([{ integrity: SHA_A, locations: ['node_modules/a/node_modules/p'] }]);
  });

  it('same version: a copy whose entry declares other dependencies is a change, and source-changed says which', async () => {
    const base = await lockOf({ 'node_modules/p': entry('1.0.0', { dependencies: { q: '^1.0.0' } }), 'node_modules/q': entry('1.0.0') });
    const head = await lockOf({
      'node_modules/p': entry('1.0.0', { dependencies: { q: '^1.0.0', evil: '^1.0.0' } }),
      'node_modules/q': entry('1.0.0'),
      'node_modules/evil': entry('1.0.0'),
    });
    const [change] = diffTrees(base, head).filter((c) => c.name === 'p');
    expect(change!.kind).toBe('source-changed');
    const out = judgeCase(sourceChanged, { name: 'case', change: change! });
    expect(out.findings.map((f) => [f.severity, f.evidence.problems])).toEqual([['high', ['dependencies-changed']]]);
    expect(out.findings[0]!.message).toContain('(+evil)');
  });

  it('is quiet when copies only gain resolved fields, move, or are bundled', async () => {
    const base = await lockOf({ 'node_modules/p': { version: '1.0.0', integrity: SHA_A }, 'node_modules/b': entry('1.0.0') });
    const head = await lockOf({
      'node_modules/a': { version: '1.0.0' },
      'node_modules/a/node_modules/p': entry('1.0.0'),
      'node_modules/b': entry('1.0.0'),
      'node_modules/b/node_modules/p': { version: '1.0.0', inBundle: true },
      'node_modules/p': entry('1.0.0'),
    });
    expect(diffTrees(base, head).filter((c) => c.name === 'p')).toEqual([]);
  });

  it('upgrade: each group of copies of the new version is a change, and knows about the others', async () => {
    const base = await lockOf({ 'node_modules/p': entry('1.0.0') });
    const head = await lockOf({
      'node_modules/a': { version: '1.0.0' },
      'node_modules/a/node_modules/p': entry('1.0.1'),
      'node_modules/p': entry('1.0.1', { integrity: SHA_B }),
    });
    const changes = diffTrees(base, head).filter((c) => c.name === 'p');
    expect(changes.map((c) => [c.kind, c.after?.integrity, c.after?.otherCopies.map((o) => o.integrity)])).toEqual([
      ['upgraded', SHA_A, [SHA_B]],
      ['upgraded', SHA_B, [SHA_A]],
    ]);
    expect(changes.map((c) => judgeCase(sourceChanged, { name: 'case', change: c }).findings[0]?.evidence.problems)).toEqual([
      ['copies-disagree'],
      ['copies-disagree'],
    ]);
  });
});
