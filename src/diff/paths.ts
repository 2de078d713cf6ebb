import type { PackageNode, Snapshot } from '../lockfile/snapshot.js';
import type { PathStep } from './change.js';

/**
 * Shortest dependency path from the project root to every node, by one breadth-first walk over
 * the edges (links are followed to their targets). Nodes no edge reaches (lockfile v1 without
 * `requires`, extraneous entries) get a path from their nesting in node_modules instead.
 */
export function shortestPaths(snapshot: Snapshot): Map<string, readonly PathStep[]> {
  const byLocation = new Map<string, PackageNode>();
  for (const node of snapshot.nodes) byLocation.set(node.location, node);
  const out = new Map<string, string[]>();
  for (const edge of snapshot.edges) {
    if (edge.to === null) continue;
    const list = out.get(edge.from);
    if (list) list.push(edge.to);
    else out.set(edge.from, [edge.to]);
  }
  const follow = (loc: string): string => {
    const node = byLocation.get(loc);
    return node?.isLink && node.target !== null ? node.target : loc;
  };
  const parent = new Map<string, string | null>();
  const root = snapshot.nodes.find((n) => n.isRoot);
  if (root) {
    parent.set(root.location, null);
    const queue = [root.location];
    for (let i = 0; i < queue.length; i++) {
      const from = queue[i]!;
      for (const raw of out.get(from) ?? []) {
        const to = follow(raw);
        if (parent.has(to)) continue;
        parent.set(to, from);
        queue.push(to);
      }
    }
  }
  const step = (loc: string): PathStep => {
    const node = byLocation.get(loc);
    if (!node) return { name: loc, version: '' };
    if (node.isRoot) return { name: node.name || 'root', version: node.version };
    return { name: node.name, version: node.version };
  };
  const paths = new Map<string, readonly PathStep[]>();
  for (const node of snapshot.nodes) {
    const locations: string[] = [];
    if (parent.has(node.location)) {
      for (let loc: string | null | undefined = node.location; loc != null; loc = parent.get(loc)) locations.push(loc);
    } else {
      locations.push(...nestingChain(node.location), ...(root ? [root.location] : []));
    }
    paths.set(node.location, locations.reverse().map(step));
  }
  return paths;
}

/** node_modules/a/node_modules/b -> [node_modules/a/node_modules/b, node_modules/a] */
function nestingChain(location: string): string[] {
  const chain: string[] = [];
  let loc = location;
  while (loc.includes('node_modules/')) {
    chain.push(loc);
    const cut = loc.lastIndexOf('/node_modules/');
    if (cut < 0) break;
    loc = loc.slice(0, cut);
  }
  return chain;
}
