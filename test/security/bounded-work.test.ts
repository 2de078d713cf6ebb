import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { diffTrees } from '../../src/diff/diff-trees.js';
import { MAX_PATH_STEPS } from '../../src/diff/paths.js';
import { globMatch } from '../../src/glob.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import { fixture, runCli, type CliResult } from '../helpers/cli.js';

/**
 * The change under review chooses the input's shape: globs in its package.json and
 * pnpm-workspace.yaml, folder names in its tree, nesting in its lockfile. Whatever the shape, the
 * gate finishes (the vitest timeouts are the hang detectors: nothing here measures time), and
 * what it cannot read in bounded time it refuses in one line.
 */

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(loadDocuments(fixture('event-stream', 'registry')));
});
const made: string[] = [];
afterAll(async () => {
  await registry.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true }); // some lockfiles here weigh tens of MB
});

function tmp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

function expectOneLineError(r: CliResult, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** Globs whose regular expressions backtrack exponentially in the number of stars. */
const HOSTILE_GLOBS = [`${'*a'.repeat(14)}*b`, `*${'a'.repeat(30)}*b`, `${'**/a'.repeat(8)}/**/b`];
const FOLDER = 'a'.repeat(60);

describe('workspace globs from the change are matched without backtracking', () => {
  it('globMatch answers the hostile globs, and agrees with picomatch where picomatch is quick', () => {
    for (const glob of HOSTILE_GLOBS) {
      expect(globMatch(glob, FOLDER)).toBe(false);
      expect(globMatch(glob, `${'a/'.repeat(40)}a`)).toBe(false);
    }
    expect(globMatch(`${'*a'.repeat(14)}*b`, `${'a'.repeat(60)}b`)).toBe(true);
    expect(globMatch(`${'*a'.repeat(3)}*b`, 'xaxaxab')).toBe(picomatch(`${'*a'.repeat(3)}*b`)('xaxaxab'));
  }, 20_000);

  it('package.json workspaces (npm lockfile): the diff finishes with the usual result', async () => {
    const dir = tmp('glob-npm-');
    cpSync(fixture('event-stream', 'head'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, workspaces: HOSTILE_GLOBS }));
    mkdirSync(path.join(dir, FOLDER));
    writeFileSync(path.join(dir, FOLDER, 'package.json'), '{"name":"w","version":"1.0.0"}');
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      path.join(dir, 'package-lock.json'),
      '--registry',
      registry.url,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('flatmap-stream');
  }, 20_000);

  it('pnpm-workspace.yaml packages (pnpm lockfile): the diff finishes with the usual result', async () => {
    const dir = tmp('glob-pnpm-');
    cpSync(fixture('event-stream', 'pnpm', 'head'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), `packages:\n${HOSTILE_GLOBS.map((g) => `  - '${g}'\n`).join('')}`);
    mkdirSync(path.join(dir, FOLDER));
    writeFileSync(path.join(dir, FOLDER, 'package.json'), '{"name":"w","version":"1.0.0"}');
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'pnpm', 'base', 'pnpm-lock.yaml'),
      '--head',
      path.join(dir, 'pnpm-lock.yaml'),
      '--registry',
      registry.url,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('flatmap-stream');
  }, 20_000);

  it('a lockfile link to a workspace folder (the fast npm loader): loads', async () => {
    const dir = tmp('glob-link-');
    const root = { name: 'app', version: '1.0.0', workspaces: HOSTILE_GLOBS };
    const lockfile = {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': root, [FOLDER]: { name: 'w', version: '1.0.0' }, 'node_modules/w': { resolved: FOLDER, link: true } },
    };
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lockfile));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(root));
    const snapshot = await loadSnapshot({
      label: 'package-lock.json',
      fileName: 'package-lock.json',
      lockfile: JSON.stringify(lockfile),
      packageJson: JSON.stringify(root),
      workspaceManifests: {},
    });
    expect(snapshot.nodes.find((n) => n.location === 'node_modules/w')).toMatchObject({ isLink: true, isWorkspace: false });
  }, 20_000);
});

/**
 * package-lock v3: node_modules/a nested `depth` levels, each level requiring the next and `b`,
 * which only the top installs; the deepest also requires `extra` packages installed nowhere.
 */
function deepNpmLockfile(depth: number, extra = 0): { lockfile: string; manifest: string } {
  const root = { name: 'deep', version: '1.0.0', dependencies: { a: '1.0.0', b: '1.0.0' } };
  const packages: Record<string, unknown> = { '': root, 'node_modules/b': { version: '1.0.0' } };
  let key = 'node_modules/a';
  for (let i = 0; i < depth; i++) {
    const missing = i + 1 < depth ? {} : Object.fromEntries(Array.from({ length: extra }, (_, j) => [`missing-${j}`, '1.0.0']));
    packages[key] = { version: `1.0.${i}`, dependencies: { ...(i + 1 < depth ? { a: `1.0.${i + 1}` } : {}), b: '1.0.0', ...missing } };
    key += '/node_modules/a';
  }
  return {
    lockfile: JSON.stringify({ name: 'deep', version: '1.0.0', lockfileVersion: 3, requires: true, packages }),
    manifest: JSON.stringify(root),
  };
}

/** bun.lock: the same tree, as Bun writes install positions ("a/a/a"). */
function deepBunLockfile(depth: number): string {
  const packages: Record<string, unknown> = { b: ['b@1.0.0', '', {}, 'sha512-AAAA'] };
  let key = 'a';
  for (let i = 0; i < depth; i++) {
    packages[key] = [`a@1.0.${i}`, '', { dependencies: { ...(i + 1 < depth ? { a: `1.0.${i + 1}` } : {}), b: '1.0.0' } }, 'sha512-AAAA'];
    key += '/a';
  }
  return JSON.stringify({ lockfileVersion: 1, workspaces: { '': { name: 'deep', dependencies: { a: '1.0.0', b: '1.0.0' } } }, packages });
}

/** package-lock v1, which Arborist reads: `dependencies` nested `depth` deep, written by hand (JSON.stringify recurses). */
function deepV1Lockfile(depth: number): string {
  const entry = (i: number): string =>
    `{"version":"1.0.${i}","requires":{"b":"1.0.0"${i + 1 < depth ? `,"a":"1.0.${i + 1}"` : ''}}${i + 1 < depth ? ',"dependencies":{"a":' : ''}`;
  const chain = `${Array.from({ length: depth }, (_, i) => entry(i)).join('') + '}}'.repeat(depth - 1)}}`;
  return `{"name":"deep","version":"1.0.0","lockfileVersion":1,"requires":true,"dependencies":{"b":{"version":"1.0.0"},"a":${chain}}}`;
}

describe('deep node_modules nesting', () => {
  const LEVELS = 2_000;

  it(`npm lockfile v3, ${LEVELS} levels, the deepest over 50,000 dependencies: the diff finishes`, async () => {
    const dir = tmp('deep-npm-');
    const { lockfile, manifest } = deepNpmLockfile(LEVELS, 50_000);
    writeFileSync(path.join(dir, 'package-lock.json'), lockfile);
    writeFileSync(path.join(dir, 'package.json'), manifest);
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      path.join(dir, 'package-lock.json'),
      '--offline',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3); // --offline with an empty cache: nothing could be checked
    expect(r.stdout).toContain(`a@1.0.${LEVELS - 1}`);
  }, 60_000);

  it(`bun.lock, ${LEVELS} levels: the diff finishes`, async () => {
    const dir = tmp('deep-bun-');
    writeFileSync(path.join(dir, 'bun.lock'), deepBunLockfile(LEVELS));
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'bun', 'base', 'bun.lock'),
      '--head',
      path.join(dir, 'bun.lock'),
      '--offline',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`a@1.0.${LEVELS - 1}`);
  }, 60_000);

  it('every level resolves b from the top, and paths keep the root and the steps nearest the package', async () => {
    const { lockfile, manifest } = deepNpmLockfile(LEVELS);
    const head = await loadSnapshot({
      label: 'deep',
      fileName: 'package-lock.json',
      lockfile,
      packageJson: manifest,
      workspaceManifests: {},
    });
    expect(head.edges.filter((e) => e.name === 'b').every((e) => e.to === 'node_modules/b')).toBe(true);
    const changes = diffTrees({ ...head, nodes: [], edges: [], identity: undefined }, head);
    const deepest = changes.find((c) => c.after?.version === `1.0.${LEVELS - 1}`)!;
    expect(deepest.paths[0]).toHaveLength(MAX_PATH_STEPS);
    expect(deepest.paths[0]!.slice(0, 2).map((s) => s.name)).toEqual(['deep', '…']);
    expect(deepest.paths[0]!.at(-1)).toEqual({ name: 'a', version: `1.0.${LEVELS - 1}` });
    expect(changes.find((c) => c.after?.version === '1.0.2')!.paths[0]!.map((s) => s.version)).toEqual([
      '1.0.0',
      '1.0.0',
      '1.0.1',
      '1.0.2',
    ]);
  }, 60_000);

  it(`depguard why, ${LEVELS} copies nested: finishes`, async () => {
    const dir = tmp('deep-why-');
    const { lockfile, manifest } = deepNpmLockfile(LEVELS);
    writeFileSync(path.join(dir, 'package-lock.json'), lockfile);
    writeFileSync(path.join(dir, 'package.json'), manifest);
    const r = await runCli(['why', 'a', '--lockfile', path.join(dir, 'package-lock.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`deep > … > a@1.0.${LEVELS - 64}`);
  }, 60_000);

  it(`npm lockfile v1 (read by Arborist), ${LEVELS} levels: refused in one line`, async () => {
    const dir = tmp('deep-v1-');
    writeFileSync(path.join(dir, 'package-lock.json'), deepV1Lockfile(LEVELS));
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      path.join(dir, 'package-lock.json'),
      '--offline',
    ]);
    expectOneLineError(r, /package-lock\.json: nests its packages too deeply to be read with Arborist/);
  }, 60_000);

  it('npm lockfile v1, 20,000 levels: refused in one line, no stack overflow', async () => {
    const dir = tmp('deep-v1-');
    writeFileSync(path.join(dir, 'package-lock.json'), deepV1Lockfile(20_000));
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      path.join(dir, 'package-lock.json'),
      '--offline',
    ]);
    expectOneLineError(r, /nests its packages too deeply/);
  }, 60_000);

  it('npm lockfile v3 whose package.json asks for Arborist (overrides), 1,000 levels over 50,000 dependencies: refused in one line', async () => {
    const dir = tmp('deep-overrides-');
    const { lockfile, manifest } = deepNpmLockfile(1_000, 50_000);
    writeFileSync(path.join(dir, 'package-lock.json'), lockfile);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...JSON.parse(manifest), overrides: { b: '1.0.0' } }));
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      path.join(dir, 'package-lock.json'),
      '--offline',
    ]);
    expectOneLineError(r, /nests its packages too deeply to be read with Arborist/);
  }, 60_000);

  it('a bun.lock nested past the JSON parser: refused in one line', async () => {
    const dir = tmp('deep-json-');
    writeFileSync(
      path.join(dir, 'bun.lock'),
      `{"lockfileVersion":1,"workspaces":{"":{}},"packages":{},"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
    );
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'bun', 'base', 'bun.lock'),
      '--head',
      path.join(dir, 'bun.lock'),
      '--offline',
    ]);
    expectOneLineError(r, /bun\.lock: is not a bun\.lock depguard can read: nested too deeply/);
  }, 60_000);
});
