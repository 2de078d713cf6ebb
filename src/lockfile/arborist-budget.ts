import { LockfileError } from '../errors.js';
import type { LockfileData } from './parse.js';
import { isRecord } from '../records.js';

/**
 * Arborist, the loader of record for v1 lockfiles and for lockfiles with overrides, resolves each
 * dependency by walking up from its dependent one folder at a time, and for v1 by slicing and
 * looking up the location string at every step: on a tree nested thousands deep, or a deep entry
 * with many dependencies, it runs for minutes (a 2,000-level v1 chain of 500 kB: 4 minutes;
 * 1,000 levels over 100,000 dependencies with overrides: 18 s). The estimates below follow what
 * was measured (v1: ~0.3 µs x depth x (depth + 20) per dependency; v2/v3: ~0.15 µs x depth);
 * npm hoists, so real trees stay far below the budget (a 50,000-package v1 lockfile near a third
 * of it, a 200,000-package v3 lockfile under a tenth), and a lockfile past it is refused.
 */
const WORK_BUDGET = 30_000_000;

export function checkArboristWork(label: string, data: LockfileData): void {
  const work = data.lockfileVersion >= 2 ? packagesWork(data.packages) : v1Work(data.raw.dependencies);
  if (work > WORK_BUDGET) {
    throw new LockfileError(
      label,
      'nests its packages too deeply to be read with Arborist (which reads v1 lockfiles and lockfiles with overrides) in bounded time',
    );
  }
}

function packagesWork(packages: LockfileData['packages']): number {
  let work = 0;
  for (const key in packages) {
    work += (1 + dependencyCount(packages[key]!)) * levels(key);
    if (work > WORK_BUDGET) break;
  }
  return work;
}

function v1Work(top: unknown): number {
  let work = 0;
  const pending: Array<[unknown, number]> = [[top, 1]];
  for (let next = pending.pop(); next !== undefined && work <= WORK_BUDGET; next = pending.pop()) {
    const [deps, depth] = next;
    if (!isRecord(deps)) continue;
    for (const entry of Object.values(deps)) {
      if (!isRecord(entry)) continue;
      work += (1 + count(entry.requires)) * depth * (depth + 20);
      pending.push([entry.dependencies, depth + 1]);
    }
  }
  return work;
}

/** node_modules/a/node_modules/b -> 2 */
function levels(key: string): number {
  let n = 0;
  for (let at = key.indexOf('node_modules/'); at >= 0; at = key.indexOf('node_modules/', at + 1)) n++;
  return n;
}

function dependencyCount(entry: Record<string, unknown>): number {
  return count(entry.dependencies) + count(entry.optionalDependencies) + count(entry.peerDependencies) + count(entry.devDependencies);
}

function count(deps: unknown): number {
  return isRecord(deps) ? Object.keys(deps).length : 0;
}
