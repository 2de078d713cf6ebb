import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockfileError, UsageError } from '../../src/errors.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import { findLockfile } from '../../src/lockfile/detect.js';
import { readSource, type LockSource } from '../../src/lockfile/source.js';
import type { Snapshot } from '../../src/model.js';
import { fixture } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';

const MAX = 256 * 1024 * 1024;

async function load(source: LockSource, cwd = os.tmpdir()): Promise<Snapshot> {
  return loadSnapshot(await readSource(source, cwd, MAX));
}

function packages(s: Snapshot): string[] {
  return s.nodes
    .filter((n) => n.location.includes('node_modules/'))
    .map((n) => `${n.packageName}@${n.version}`)
    .sort();
}

const HEAD_PACKAGES = [
  'duplexer@0.1.1',
  'event-stream@3.3.6',
  'flatmap-stream@0.1.1',
  'from@0.1.7',
  'map-stream@0.1.0',
  'pause-stream@0.0.11',
  'split@0.3.3',
  'stream-combiner@0.0.4',
  'through@2.3.8',
];

describe('loadSnapshot', () => {
  for (const variant of ['event-stream', 'event-stream-v2', 'event-stream-v1', 'event-stream-no-resolved']) {
    it(`loads every package and edge of ${variant}`, async () => {
      const s = await load({ kind: 'file', file: fixture(variant, 'head', 'package-lock.json') });
      expect(packages(s)).toEqual(HEAD_PACKAGES);
      const es = s.nodes.find((n) => n.packageName === 'event-stream')!;
      expect(es.integrity).toMatch(/^sha512-/);
      expect(es.resolved).toBe(
        variant === 'event-stream-no-resolved' ? null : 'https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz',
      );
      expect(s.edges).toContainEqual(
        expect.objectContaining({
          from: 'node_modules/event-stream',
          name: 'flatmap-stream',
          to: 'node_modules/flatmap-stream',
          type: 'prod',
        }),
      );
      expect(s.edges).toContainEqual(expect.objectContaining({ from: '', name: 'event-stream', to: 'node_modules/event-stream' }));
    });
  }

  it('loads a bare lockfile with no package.json beside it, under any file name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bare-'));
    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), path.join(dir, 'head.json'));
    const s = await load({ kind: 'file', file: path.join(dir, 'head.json') });
    expect(packages(s)).toEqual(HEAD_PACKAGES);
    expect(s.nodes[0]).toMatchObject({ isRoot: true, name: 'wallet-app' });
  });

  it('reads npm-shrinkwrap.json in preference to package-lock.json, as npm does', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shrink-'));
    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(dir, 'npm-shrinkwrap.json'));
    expect(path.basename(findLockfile(dir).file)).toBe('npm-shrinkwrap.json');
  });

  it('marks workspace members and keeps their edges', async () => {
    const s = await load({ kind: 'file', file: fixture('workspaces', 'head', 'package-lock.json') });
    const api = s.nodes.find((n) => n.location === 'packages/api')!;
    expect(api).toMatchObject({ isWorkspace: true, packageName: '@acme/api' });
    expect(s.nodes.find((n) => n.packageName === 'event-stream')!.dev).toBe(false);
    expect(s.nodes.find((n) => n.packageName === 'split')!.dev).toBe(false);
    expect(s.edges).toContainEqual(
      expect.objectContaining({ from: 'packages/api', name: 'event-stream', to: 'node_modules/event-stream' }),
    );
  });

  it('reads a file at a git revision and in the index', async () => {
    const repo = tempRepo();
    const lock = path.join(repo, 'package-lock.json');
    copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), lock);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), lock);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'head');
    const base = await load({ kind: 'git', rev: 'HEAD~1', file: lock }, repo);
    expect(packages(base)).toContain('event-stream@3.3.4');
    expect(base.source).toBe('HEAD~1:package-lock.json');
    writeFileSync(lock, readFileSync(fixture('event-stream', 'base', 'package-lock.json')));
    git(repo, 'add', '.');
    const staged = await load({ kind: 'index', file: lock }, repo);
    expect(packages(staged)).toContain('event-stream@3.3.4');
  });

  it('gives an empty tree for a revision that had no lockfile yet, and an error for an unknown revision', async () => {
    const repo = tempRepo();
    writeFileSync(path.join(repo, 'README'), 'x');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'first');
    const lock = path.join(repo, 'package-lock.json');
    expect((await load({ kind: 'git', rev: 'HEAD', file: lock }, repo)).nodes).toEqual([]);
    await expect(load({ kind: 'git', rev: 'no-such-rev', file: lock }, repo)).rejects.toThrow(/unknown git revision 'no-such-rev'/);
  });

  it('fails with a one-line LockfileError on a missing or malformed lockfile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-'));
    await expect(load({ kind: 'file', file: path.join(dir, 'nope.json') }, dir)).rejects.toThrow(LockfileError);
    const cases: Array<[string, RegExp]> = [
      ['{"lockfileVersion": 3, "packages": {', /not valid JSON/],
      ['[1,2]', /expected a JSON object, found an array/],
      ['"text"', /found a string/],
      ['{"lockfileVersion": 9, "packages": {}}', /unsupported lockfileVersion 9/],
      ['{"lockfileVersion": 3, "packages": {"node_modules/a": {}}}', /has no version/],
      ['{"lockfileVersion": 3, "packages": {"node_modules/../../x": {"version": "1.0.0"}}}', /outside the project/],
    ];
    for (const [text, message] of cases) {
      const file = path.join(dir, 'package-lock.json');
      writeFileSync(file, text);
      const error = await load({ kind: 'file', file }, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockfileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('says where to look when a directory has no lockfile', () => {
    expect(() => findLockfile(mkdtempSync(path.join(os.tmpdir(), 'none-')))).toThrow(UsageError);
  });
});
