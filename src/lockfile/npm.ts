import { checkArboristWork } from './arborist-budget.js';
import { loadWithArborist } from './arborist-loader.js';
import { declaredIn } from './graph.js';
import { loadFromLockfileData, rootInSync } from './lockfile-tree.js';
import { npmEntryLines } from './npm-lines.js';
import { parseLockfile, type LockfileData } from './parse.js';
import { parseManifest } from './shape.js';
import type { TreeShape } from './snapshot.js';
import type { Snapshot } from '../model.js';
import type { LockfileText } from './source.js';

export type Loader = 'fast' | 'arborist';

/**
 * package-lock.json / npm-shrinkwrap.json -> Snapshot. Lockfiles v2 and v3 record every node with
 * its flags, so the tree is rebuilt from them directly (linear in the lockfile's size); v1
 * lockfiles, lockfiles whose package.json asks for other root dependencies (Arborist then
 * recomputes the flags), and `loader: 'arborist'` go through Arborist, the loader of record.
 * Tests hold the two to identical snapshots on every fixture.
 */
export async function loadNpmLockfile(text: LockfileText & { lockfile: string }, loader: Loader = 'fast'): Promise<Snapshot> {
  const data = parseLockfile(text.label, text.lockfile);
  const packageJson = parseManifest(text.packageJson);
  // Arborist stays in charge where the fast loader would differ: v1 lockfiles, flags Arborist
  // recomputes, and `overrides`, which rewrite edge specs
  const overrides = packageJson?.overrides !== undefined || data.packages['']?.overrides !== undefined;
  const fast = loader === 'fast' && data.lockfileVersion >= 2 && !overrides && rootInSync(packageJson, data.packages['']);
  const common = {
    source: text.label,
    format: 'npm' as const,
    manifest: packageJson ? declaredIn(packageJson) : null,
    lockedRoot: data.lockfileVersion >= 2 && data.packages[''] ? declaredIn(data.packages['']) : null,
  };
  if (!fast) {
    checkArboristWork(text.label, data);
    return { ...common, ...(await loadWithArborist(text, data, packageJson)) };
  }
  // The tree is built on first use: a lockfile rewritten without package changes (the
  // pre-commit common case) is settled by the identities alone.
  let shape: TreeShape | undefined;
  const tree = (): TreeShape => (shape ??= loadFromLockfileData(data, packageJson, npmEntryLines(text.lockfile, data.lockfileVersion)));
  return {
    ...common,
    identity: lockedIdentity(data.packages),
    rootVersions: rootVersions(data.packages, packageJson ?? data.packages[''] ?? {}),
    get nodes() {
      return tree().nodes;
    },
    get edges() {
      return tree().edges;
    },
  };
}

/** From the root, a dependency resolves to node_modules/<name> (a link: to its target). */
function rootVersions(packages: LockfileData['packages'], root: Readonly<Record<string, unknown>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = root[field];
    if (!deps || typeof deps !== 'object') continue;
    for (const name of Object.keys(deps)) {
      let entry = packages[`node_modules/${name}`];
      if (entry?.link === true && typeof entry.resolved === 'string') entry = packages[entry.resolved];
      if (entry && typeof entry.version === 'string') out.set(name, entry.version);
    }
  }
  return out;
}

/** Sorted `name@version resolved integrity` of every installed package, links and folders left out. */
function lockedIdentity(packages: LockfileData['packages']): string {
  const lines: string[] = [];
  for (const key in packages) {
    if (!key.includes('node_modules/')) continue;
    const e = packages[key]!;
    if (e.link === true) continue;
    const name = typeof e.name === 'string' ? e.name : key.slice(key.lastIndexOf('node_modules/') + 13);
    lines.push(`${name}@${String(e.version)} ${String(e.resolved ?? '')} ${String(e.integrity ?? '')}`);
  }
  return lines.sort().join('\n');
}
