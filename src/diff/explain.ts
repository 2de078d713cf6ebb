import type { PackageNode, Snapshot } from '../lockfile/snapshot.js';
import { isPackage, type PathStep } from './change.js';

export interface Explanation {
  readonly name: string;
  readonly version: string;
  readonly location: string;
  readonly dev: boolean;
  readonly optional: boolean;
  /** Every dependency path from the project root (or a workspace) to it, shortest first. */
  readonly paths: readonly (readonly PathStep[])[];
  /** True when there were more paths than `limit`. */
  readonly truncated: boolean;
}

/**
 * `depguard why`: every copy of a package in the tree and every path that brings it in, like
 * `npm explain`, walking the lockfile's edges backwards from the package to the root.
 */
export function explainPackage(snapshot: Snapshot, name: string, limit = 50): Explanation[] {
  const byLocation = new Map(snapshot.nodes.map((n) => [n.location, n]));
  const linkTargets = new Map<string, string>();
  for (const n of snapshot.nodes) if (n.isLink && n.target !== null) linkTargets.set(n.location, n.target);
  const parents = new Map<string, string[]>();
  for (const e of snapshot.edges) {
    if (e.to === null) continue;
    const to = linkTargets.get(e.to) ?? e.to;
    const list = parents.get(to) ?? [];
    if (!list.includes(e.from)) list.push(e.from);
    parents.set(to, list);
  }
  const step = (n: PackageNode): PathStep => ({ name: n.isRoot || n.isWorkspace ? n.packageName || n.name : n.name, version: n.version });
  const matches = snapshot.nodes.filter((n) => isPackage(n) && (n.packageName === name || n.name === name));
  return matches.map((node) => {
    const paths: PathStep[][] = [];
    let truncated = false;
    let budget = 100_000; // dense graphs: stop walking rather than hang
    const walk = (loc: string, trail: string[]): void => {
      if (truncated) return;
      if (--budget < 0) {
        truncated = true;
        return;
      }
      const current = byLocation.get(loc);
      if (!current) return;
      if (current.isRoot) {
        if (paths.length >= limit) {
          truncated = true;
          return;
        }
        paths.push([current, ...trail.map((l) => byLocation.get(l)!)].map(step));
        return;
      }
      for (const parent of parents.get(loc) ?? []) {
        if (trail.includes(parent) || parent === loc) continue;
        walk(parent, [loc, ...trail]);
      }
    };
    walk(node.location, []);
    if (paths.length === 0) paths.push([{ name: '(not required by anything: extraneous)', version: '' }, step(node)]);
    paths.sort((a, b) => a.length - b.length);
    return { name: node.packageName, version: node.version, location: node.location, dev: node.dev, optional: node.optional, paths, truncated };
  });
}
