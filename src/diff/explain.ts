import { type PackageNode, type Snapshot, isPackage, type PathStep } from '../model.js';
import { ELIDED_STEP, MAX_PATH_STEPS } from './paths.js';

export interface Explanation {
  readonly name: string;
  readonly version: string;
  readonly location: string;
  readonly dev: boolean;
  readonly optional: boolean;
  /** A workspace of the project (its location is its folder), not a package installed from a registry. */
  readonly workspace: boolean;
  /** Every dependency path from the project root (or a workspace) to it, shortest first. */
  readonly paths: readonly (readonly PathStep[])[];
  /** True when there were more paths than `limit`, or more walking than the budget allows (then there may be none). */
  readonly truncated: boolean;
}

/**
 * `depguard why`: every copy of a package (or the workspace of that name) in the tree and every
 * path that brings it in, like `npm explain`, walking the lockfile's edges backwards from the
 * package to the root.
 */
export function explainPackage(snapshot: Snapshot, name: string, limit = 50): Explanation[] {
  const byLocation = new Map(snapshot.nodes.map((n) => [n.location, n]));
  const linkTargets = new Map<string, string>();
  for (const n of snapshot.nodes) if (n.isLink && n.target !== null) linkTargets.set(n.location, n.target);
  const parentSets = new Map<string, Set<string>>();
  for (const e of snapshot.edges) {
    if (e.to === null) continue;
    const to = linkTargets.get(e.to) ?? e.to;
    parentSets.set(to, (parentSets.get(to) ?? new Set<string>()).add(e.from));
  }
  const parents = new Map([...parentSets].map(([to, from]) => [to, [...from]]));
  const step = (n: PackageNode): PathStep => ({ name: n.isRoot || n.isWorkspace ? n.packageName || n.name : n.name, version: n.version });
  // a workspace is its folder's node (the link to it under node_modules leads there)
  const matches = snapshot.nodes.filter(
    (n) => (isPackage(n) || (n.isWorkspace && !n.isLink)) && (n.packageName === name || n.name === name),
  );
  // dense graphs: stop walking rather than hang, for each package and for all of them
  let total = 5_000_000;
  return matches.map((node) => {
    const paths: PathStep[][] = [];
    let truncated = false;
    let budget = 100_000;
    // depth-first from the package up to the root, with a stack rather than recursion (trees
    // nest thousands deep): `chain` holds the locations from the package up, `next` the parent
    // each one tries next
    const chain: string[] = [];
    const next: number[] = [];
    const onChain = new Set<string>();
    const visit = (loc: string): void => {
      if (--budget < 0 || --total < 0) {
        truncated = true;
        return;
      }
      const current = byLocation.get(loc);
      if (!current) return;
      if (!current.isRoot) {
        chain.push(loc);
        next.push(0);
        onChain.add(loc);
      } else if (paths.length >= limit) {
        truncated = true;
      } else {
        // the root, then the steps down to the package; a long one keeps the steps nearest the package
        const long = chain.length + 1 > MAX_PATH_STEPS;
        const below = (long ? chain.slice(0, MAX_PATH_STEPS - 2) : [...chain]).reverse().map((l) => step(byLocation.get(l)!));
        paths.push([step(current), ...(long ? [ELIDED_STEP] : []), ...below]);
      }
    };
    visit(node.location);
    while (chain.length > 0 && !truncated) {
      const top = chain.length - 1;
      const parent = parents.get(chain[top]!)?.[next[top]!++];
      if (parent === undefined) {
        onChain.delete(chain.pop()!);
        next.pop();
      } else if (!onChain.has(parent)) {
        visit(parent);
      }
    }
    if (paths.length === 0 && !truncated) paths.push([{ name: '(not required by anything: extraneous)', version: '' }, step(node)]);
    paths.sort((a, b) => a.length - b.length);
    return {
      name: node.packageName,
      version: node.version,
      location: node.location,
      dev: node.dev,
      optional: node.optional,
      workspace: node.isWorkspace,
      paths,
      truncated,
    };
  });
}
