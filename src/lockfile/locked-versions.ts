import { LockfileError } from '../errors.js';
import { isPackage } from '../model.js';
import { isRecord } from '../records.js';
import { detectFormat } from './detect.js';
import { loadSnapshot } from './load.js';
import type { LockfileText } from './source.js';

/**
 * The versions of the registry package `name` a lockfile locks (aliases count as the package
 * they install; the project, its workspaces and links do not), sorted, each once. What
 * `loadSnapshot(text).nodes` says, answered without building the tree where that is the cost:
 * an npm v2/v3 lockfile is read from its `packages` map straight away, as the fast loader reads
 * each entry's name and version (the tests hold the two equal on every fixture). `depguard
 * exposure` asks this of thousands of revisions.
 */
export async function lockedVersions(text: LockfileText & { lockfile: string }, name: string): Promise<string[]> {
  if (detectFormat(text.label, text.fileName, text.lockfile) === 'npm') {
    const fromPackages = npmPackagesVersions(text.label, text.lockfile, name);
    if (fromPackages !== null) return fromPackages;
  }
  const snapshot = await loadSnapshot(text);
  return unique(snapshot.nodes.filter((n) => isPackage(n) && n.packageName === name).map((n) => n.version));
}

/** From a v2/v3 `packages` map; null for a v1 lockfile, which only Arborist reads. */
function npmPackagesVersions(label: string, lockfile: string, name: string): string[] | null {
  let data: unknown;
  try {
    data = JSON.parse(lockfile);
  } catch (error) {
    throw new LockfileError(label, `is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isRecord(data) || (data.lockfileVersion !== 2 && data.lockfileVersion !== 3)) return null;
  const packages = data.packages;
  if (!isRecord(packages)) throw new LockfileError(label, `lockfileVersion ${data.lockfileVersion} needs a "packages" object`);
  const found: string[] = [];
  for (const key in packages) {
    const cut = key.lastIndexOf('node_modules/');
    if (cut === -1) continue;
    const entry = packages[key];
    if (!isRecord(entry) || entry.link === true) continue;
    const installed = typeof entry.name === 'string' ? entry.name : key.slice(cut + 'node_modules/'.length);
    if (installed !== name) continue;
    if (typeof entry.version !== 'string') throw new LockfileError(label, `packages[${JSON.stringify(key)}] has no version`);
    found.push(entry.version);
  }
  return unique(found);
}

function unique(versions: readonly string[]): string[] {
  return [...new Set(versions)].sort();
}
