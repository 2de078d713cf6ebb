import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTrees } from '../../src/diff/diff-trees.js';
import { isInRangeUpdate, type Change, type Snapshot } from '../../src/model.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import { readSource } from '../../src/lockfile/source.js';
import { fixture } from '../helpers/cli.js';

async function loadFile(file: string): Promise<Snapshot> {
  return loadSnapshot(await readSource({ kind: 'file', file }, os.tmpdir(), 1e9));
}

async function loadText(text: string): Promise<Snapshot> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diff-'));
  const file = path.join(dir, 'package-lock.json');
  writeFileSync(file, text);
  return loadFile(file);
}

function brief(changes: Change[]): string[] {
  return changes.map(
    (c) =>
      `${c.kind} ${c.name} ${c.before?.version ?? '-'} -> ${c.after?.version ?? '-'}${c.direct ? ' direct' : ''}${c.newName ? ' new' : ''}`,
  );
}

/** A v3 lockfile from a compact { location: version } map; dependencies follow nesting. */
function lock(
  entries: Record<
    string,
    string | { version: string; resolved?: string; integrity?: string; dependencies?: Record<string, string>; dev?: boolean }
  >,
  rootDeps: Record<string, string>,
): string {
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0', dependencies: rootDeps } };
  for (const [loc, e] of Object.entries(entries)) packages[loc] = typeof e === 'string' ? { version: e } : e;
  return JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages });
}

describe('diffTrees', () => {
  it('finds the event-stream upgrade and the new transitive flatmap-stream with its path', async () => {
    const changes = diffTrees(
      await loadFile(fixture('event-stream', 'base', 'package-lock.json')),
      await loadFile(fixture('event-stream', 'head', 'package-lock.json')),
    );
    expect(brief(changes)).toEqual(['upgraded event-stream 3.3.4 -> 3.3.6 direct', 'added flatmap-stream - -> 0.1.1 new']);
    expect(changes[1]!.paths[0]!.map((s) => `${s.name}@${s.version}`)).toEqual([
      'wallet-app@1.0.0',
      'event-stream@3.3.6',
      'flatmap-stream@0.1.1',
    ]);
    expect(isInRangeUpdate(changes[0]!)).toBe(true);
  });

  it('gives the same change set for lockfile v1, v2, v3 and without resolved fields', async () => {
    const expected = brief(
      diffTrees(
        await loadFile(fixture('event-stream', 'base', 'package-lock.json')),
        await loadFile(fixture('event-stream', 'head', 'package-lock.json')),
      ),
    );
    for (const v of ['event-stream-v1', 'event-stream-v2', 'event-stream-no-resolved']) {
      const changes = diffTrees(
        await loadFile(fixture(v, 'base', 'package-lock.json')),
        await loadFile(fixture(v, 'head', 'package-lock.json')),
      );
      expect(brief(changes), v).toEqual(expected);
    }
  });

  it('is empty for a lockfile rewritten without package changes (reordered, re-indented, resolved dropped)', async () => {
    const original = readFileSync(fixture('event-stream', 'head', 'package-lock.json'), 'utf8');
    const data = JSON.parse(original) as { packages: Record<string, Record<string, unknown>> };
    const reordered = Object.fromEntries(
      Object.entries(data.packages)
        .reverse()
        .map(([k, v]) => {
          const { resolved: _dropped, ...rest } = v;
          return [k, Object.fromEntries(Object.entries(rest).reverse())];
        }),
    );
    const rewritten = JSON.stringify({ ...data, packages: reordered }, null, 4);
    expect(diffTrees(await loadText(original), await loadText(rewritten))).toEqual([]);
    // and a different lockfile version of the same tree
    expect(diffTrees(await loadFile(fixture('event-stream-v1', 'head', 'package-lock.json')), await loadText(original))).toEqual([]);
  });

  it('does not report a package that moved in the tree (hoisting) as a change', async () => {
    const nested = lock(
      { 'node_modules/a': { version: '1.0.0', dependencies: { b: '^1.0.0' } }, 'node_modules/a/node_modules/b': '1.0.0' },
      { a: '^1.0.0' },
    );
    const hoisted = lock(
      { 'node_modules/a': { version: '1.0.0', dependencies: { b: '^1.0.0' } }, 'node_modules/b': '1.0.0' },
      { a: '^1.0.0' },
    );
    expect(diffTrees(await loadText(nested), await loadText(hoisted))).toEqual([]);
  });

  it('classifies removed, downgraded, a second copy, and a same-version source change', async () => {
    const base = lock(
      {
        'node_modules/a': '2.0.0',
        'node_modules/b': '1.0.0',
        'node_modules/c': { version: '1.0.0', resolved: 'https://registry.npmjs.org/c/-/c-1.0.0.tgz', integrity: 'sha512-AAAA' },
        'node_modules/gone': '1.0.0',
      },
      { a: '*', b: '*', c: '*', gone: '*' },
    );
    const head = lock(
      {
        'node_modules/a': '1.9.0',
        'node_modules/b': { version: '1.0.0', dependencies: { b: '^2.0.0' } },
        'node_modules/b/node_modules/b': '2.0.0',
        'node_modules/c': { version: '1.0.0', resolved: 'https://evil.example/c-1.0.0.tgz', integrity: 'sha512-BBBB' },
      },
      { a: '*', b: '*', c: '*' },
    );
    expect(brief(diffTrees(await loadText(base), await loadText(head)))).toEqual([
      'downgraded a 2.0.0 -> 1.9.0 direct',
      'source-changed b 1.0.0 -> 1.0.0 direct', // the same version's entry now declares a dependency
      'added b 1.0.0 -> 2.0.0',
      'source-changed c 1.0.0 -> 1.0.0 direct',
      'removed gone 1.0.0 -> - direct',
    ]);
  });

  it('pairs copies by who depends on them: express keeps its qs, request brings another (not a downgrade)', async () => {
    const base = lock(
      {
        'node_modules/express': { version: '4.18.2', dependencies: { qs: '6.11.0' } },
        'node_modules/qs': '6.11.0',
      },
      { express: '^4.18.0' },
    );
    const head = lock(
      {
        'node_modules/express': { version: '4.21.2', dependencies: { qs: '6.13.0' } },
        'node_modules/qs': '6.17.1',
        'node_modules/request': { version: '2.88.2', dependencies: { qs: '~6.5.2' } },
        'node_modules/request/node_modules/qs': '6.5.5',
      },
      { express: '^4.18.0', request: '^2.88.0' },
    );
    expect(brief(diffTrees(await loadText(base), await loadText(head)))).toEqual([
      'upgraded express 4.18.2 -> 4.21.2 direct',
      'added qs - -> 6.5.5',
      'upgraded qs 6.11.0 -> 6.17.1',
      'added request - -> 2.88.2 direct new',
    ]);
  });

  it('pairs qs by its dependents in a real npm tree with express and request', async () => {
    const changes = diffTrees(
      await loadFile(fixture('real-npm', 'express-request', 'base', 'package-lock.json')),
      await loadFile(fixture('real-npm', 'express-request', 'head', 'package-lock.json')),
    );
    expect(brief(changes.filter((c) => c.name === 'qs'))).toEqual(['added qs - -> 6.5.5', 'upgraded qs 6.11.0 -> 6.13.0']);
    expect(changes.filter((c) => c.kind === 'downgraded')).toEqual([]);
  });

  it('never compares a copy added beside a newer one with that newer one', async () => {
    const base = lock(
      {
        'node_modules/https-proxy-agent': { version: '7.0.6', dependencies: { 'agent-base': '^7.1.2' } },
        'node_modules/agent-base': '7.1.4',
      },
      { 'https-proxy-agent': '*' },
    );
    const head = lock(
      {
        'node_modules/https-proxy-agent': { version: '7.0.6', dependencies: { 'agent-base': '^7.1.2' } },
        'node_modules/agent-base': '7.1.4',
        'node_modules/old-proxy': { version: '1.0.0', dependencies: { 'agent-base': '6' } },
        'node_modules/old-proxy/node_modules/agent-base': '6.0.2',
      },
      { 'https-proxy-agent': '*', 'old-proxy': '*' },
    );
    const changes = diffTrees(await loadText(base), await loadText(head));
    expect(brief(changes)).toEqual(['added agent-base - -> 6.0.2', 'added old-proxy - -> 1.0.0 direct new']);
    expect(changes[0]!.newName).toBe(false);
  });

  it('marks dev-only packages and resolves npm: aliases to the registry name', async () => {
    const head = JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', devDependencies: { t: '^1.0.0' }, dependencies: { alias: 'npm:real@^2.0.0' } },
        'node_modules/t': { version: '1.0.0', dev: true },
        'node_modules/alias': { name: 'real', version: '2.0.0' },
      },
    });
    const changes = diffTrees(await loadText(lock({}, {})), await loadText(head));
    expect(changes.map((c) => [c.name, c.dev, c.aliases])).toEqual([
      ['real', false, ['alias']],
      ['t', true, []],
    ]);
  });
});
