import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTrees } from '../../src/diff/diff-trees.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import { rootInSync } from '../../src/lockfile/lockfile-tree.js';
import { readSource } from '../../src/lockfile/source.js';
import { FIXTURES } from '../helpers/cli.js';

/** Every npm lockfile among the fixtures (generated scenarios and real npm output). */
function lockfiles(): string[] {
  return (readdirSync(FIXTURES, { recursive: true }) as string[])
    .filter((f) => f.endsWith('package-lock.json') && !f.includes(`${path.sep}packages${path.sep}`))
    .map((f) => path.join(FIXTURES, f))
    .sort();
}

/** Every directory with base/ and head/ lockfiles. */
function pairs(): string[] {
  return lockfiles()
    .filter((f) => path.basename(path.dirname(f)) === 'base')
    .map((f) => path.dirname(path.dirname(f)))
    .filter((d) => existsSync(path.join(d, 'head', 'package-lock.json')));
}

async function both(file: string) {
  const text = await readSource({ kind: 'file', file }, os.tmpdir(), 1e9);
  return { fast: await loadSnapshot(text, 'fast'), arborist: await loadSnapshot(text, 'arborist') };
}

describe('the fast loader gives what Arborist gives', () => {
  for (const file of lockfiles()) {
    it(path.relative(FIXTURES, file), async () => {
      const { fast, arborist } = await both(file);
      // the fast loader also carries an identity digest and the root's resolutions, and builds its tree on demand
      const { identity: _identity, rootVersions, ...tree } = { ...fast, nodes: fast.nodes, edges: fast.edges };
      expect(tree).toEqual(arborist);
      // what the root's edges resolve to, read without the tree, agrees with Arborist's tree
      const byLocation = new Map(arborist.nodes.map((n) => [n.location, n.version]));
      const fromEdges = new Map(
        arborist.edges.filter((e) => e.from === '' && e.to !== null && e.type !== 'workspace').map((e) => [e.name, byLocation.get(e.to!)]),
      );
      if (rootVersions) expect(new Map([...rootVersions].filter(([name]) => fromEdges.has(name)))).toEqual(fromEdges);
    });
  }

  it('takes the fast path on every v2/v3 fixture (so the comparison above means something)', () => {
    for (const file of lockfiles()) {
      const lock = JSON.parse(readFileSync(file, 'utf8')) as {
        lockfileVersion: number;
        packages?: Record<string, Record<string, unknown>>;
      };
      if (lock.lockfileVersion < 2) continue;
      const pkgFile = path.join(path.dirname(file), 'package.json');
      const pkg = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>) : null;
      expect(rootInSync(pkg, lock.packages?.['']), file).toBe(true);
    }
  });

  it('and so the same change sets, on every fixture pair', async () => {
    for (const dir of pairs()) {
      const b = await both(path.join(dir, 'base', 'package-lock.json'));
      const h = await both(path.join(dir, 'head', 'package-lock.json'));
      expect(diffTrees(b.fast, h.fast), dir).toEqual(diffTrees(b.arborist, h.arborist));
    }
  });
});
