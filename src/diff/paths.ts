import type { PackageNode, Snapshot, PathStep } from '../model.js';

/**
 * The most steps a path keeps: the root, an elision, and the steps nearest the package. Real
 * dependency chains are a few dozen long; a hostile lockfile's can be thousands, and every path
 * in full would make the diff, and every report, quadratic in its depth.
 */
export const MAX_PATH_STEPS = 64;

/**
 * Shortest dependency path from the project root to a node, by one breadth-first walk over the
 * edges (links are followed to their targets). Nodes no edge reaches (lockfile v1 without
 * `requires`, extraneous entries) get a path from their nesting in node_modules instead. Paths
 * are built when asked for, at most MAX_PATH_STEPS long, in time proportional to their length.
 */
export function shortestPaths(snapshot: Snapshot): (location: string) => readonly PathStep[] | undefined {
  // locations become ids once, so that the walks below never hash a long location again
  const ids = new Map<string, number>();
  const locations: string[] = [];
  const idOf = (location: string): number => {
    let id = ids.get(location);
    if (id === undefined) {
      id = locations.length;
      ids.set(location, id);
      locations.push(location);
    }
    return id;
  };
  const byId: Array<PackageNode | undefined> = [];
  for (const node of snapshot.nodes) byId[idOf(node.location)] = node;
  const follow = (id: number): number => {
    const node = byId[id];
    return node?.isLink && node.target !== null ? idOf(node.target) : id;
  };
  const out: number[][] = [];
  for (const edge of snapshot.edges) {
    if (edge.to === null) continue;
    const from = idOf(edge.from);
    out[from] ??= [];
    out[from].push(idOf(edge.to));
  }
  const parent: number[] = [];
  const root = snapshot.nodes.find((n) => n.isRoot);
  const rootId = root ? idOf(root.location) : -1;
  if (root) {
    parent[rootId] = -1;
    const queue = [rootId];
    for (let i = 0; i < queue.length; i++) {
      const from = queue[i]!;
      for (const raw of out[from] ?? []) {
        const to = follow(raw);
        if (parent[to] !== undefined) continue;
        parent[to] = from;
        queue.push(to);
      }
    }
  }
  const step = (id: number): PathStep => {
    const node = byId[id];
    if (!node) return { name: locations[id]!, version: '' };
    if (node.isRoot) return { name: node.name || 'root', version: node.version };
    return { name: node.name, version: node.version };
  };
  const nesting: number[] = [];
  /** node_modules/a/node_modules/b -> node_modules/a; -1 above the outermost node_modules/ */
  const nestedIn = (id: number): number => {
    if (nesting[id] === undefined) {
      const location = locations[id]!;
      const cut = location.lastIndexOf('/node_modules/');
      const outer = cut >= 0 ? location.slice(0, cut) : '';
      nesting[id] = outer.includes('node_modules/') ? idOf(outer) : -1;
    }
    return nesting[id]!;
  };
  return (location) => {
    const id = ids.get(location);
    if (id === undefined || !byId[id]) return undefined;
    const reached = parent[id] !== undefined;
    const up = reached ? (at: number): number => parent[at]! : nestedIn;
    const chain: number[] = []; // from the node up
    for (let at = reached || location.includes('node_modules/') ? id : -1; at !== -1 && chain.length <= MAX_PATH_STEPS; at = up(at))
      chain.push(at);
    if (!reached && rootId !== -1) chain.push(rootId);
    if (chain.length <= MAX_PATH_STEPS) return chain.reverse().map(step);
    return [
      ...(rootId === -1 ? [] : [step(rootId)]),
      ELIDED_STEP,
      ...chain
        .slice(0, MAX_PATH_STEPS - 2)
        .reverse()
        .map(step),
    ];
  };
}

/** Stands for the steps left out of a path longer than MAX_PATH_STEPS. */
export const ELIDED_STEP: PathStep = { name: '…', version: '' };
