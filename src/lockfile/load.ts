import { loadWithArborist } from './arborist-loader.js';
import { loadFromLockfileData, rootInSync } from './lockfile-tree.js';
import { parseLockfile } from './parse.js';
import type { Declared, Snapshot } from './snapshot.js';
import type { LockfileText } from './source.js';

export type Loader = 'fast' | 'arborist';

/**
 * A lockfile's text -> Snapshot. Lockfiles v2 and v3 record every node with its flags, so the
 * tree is rebuilt from them directly (linear in the lockfile's size); v1 lockfiles, lockfiles
 * whose package.json asks for other root dependencies (Arborist then recomputes the flags), and
 * `loader: 'arborist'` go through Arborist, the loader of record. Tests hold the two to
 * identical snapshots on every fixture.
 */
export async function loadSnapshot(text: LockfileText, loader: Loader = 'fast'): Promise<Snapshot> {
  if (text.lockfile === null) return emptySnapshot(text.label);
  const data = parseLockfile(text.label, text.lockfile);
  const packageJson = text.packageJson === null ? null : parseObject(text.packageJson);
  const fast = loader === 'fast' && data.lockfileVersion >= 2 && rootInSync(packageJson, data.packages['']);
  const shape = fast ? loadFromLockfileData(data, packageJson) : await loadWithArborist({ ...text, lockfile: text.lockfile }, data, packageJson);
  const manifest = packageJson ? declared(packageJson) : null;
  const lockedRoot = data.lockfileVersion >= 2 && data.packages[''] ? declared(data.packages['']) : null;
  return { source: text.label, lockfileVersion: data.lockfileVersion, ...shape, manifest, lockedRoot };
}

export function emptySnapshot(source: string): Snapshot {
  return { source, lockfileVersion: 0, nodes: [], edges: [], manifest: null, lockedRoot: null };
}

function declared(pkg: Record<string, unknown>): Declared {
  const entries = new Map<string, { spec: string; type: 'prod' | 'dev' | 'optional' }>();
  for (const [field, type] of [['devDependencies', 'dev'], ['dependencies', 'prod'], ['optionalDependencies', 'optional']] as const) {
    const deps = pkg[field];
    if (deps === null || typeof deps !== 'object' || Array.isArray(deps)) continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) if (typeof spec === 'string') entries.set(name, { spec, type });
  }
  return Object.fromEntries(entries);
}

/** A package.json beside the lockfile is used only when it is a JSON object. */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
