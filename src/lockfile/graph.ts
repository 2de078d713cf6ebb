import { LockfileError } from '../errors.js';
import type { LockfileFormat } from './detect.js';
import { isPackageName, isPlainField } from './names.js';
import type { Declared, Edge, EdgeType, PackageNode, Snapshot } from '../model.js';

/**
 * What the pnpm, Yarn and Bun loaders read out of their lockfiles, before it becomes a Snapshot:
 * the project's importers (root and workspaces) and the locked packages, with dependencies
 * pointing at package keys. buildSnapshot places them, links workspaces from the root the way
 * Arborist does for npm workspaces, and computes the dev/optional flags as npm does.
 */
export interface LockedDep {
  /** The name it is installed under (an npm: alias differs from the package's name). */
  readonly name: string;
  readonly spec: string;
  readonly type: Exclude<EdgeType, 'workspace'>;
  /** What satisfies it: a locked package (by key), a directory of the project, or nothing. */
  readonly target: { readonly key: string } | { readonly directory: string } | null;
}

export interface LockedImporter {
  /** '' for the root, else the workspace's directory relative to the root. */
  readonly location: string;
  readonly name: string;
  readonly version: string;
  readonly deps: readonly LockedDep[];
  /** The 1-based line of its key in the lockfile, when the format lists importers. */
  readonly line: number | null;
}

export interface LockedPackageEntry {
  readonly packageName: string;
  readonly version: string;
  readonly resolved: string | null;
  readonly integrity: string | null;
  readonly hasInstallScript: boolean;
  readonly deps: readonly LockedDep[];
  /** The 1-based line of its entry in the lockfile (see PackageNode.line). */
  readonly line: number | null;
}

export interface LockGraph {
  readonly source: string;
  readonly format: LockfileFormat;
  /** The root first. */
  readonly importers: readonly LockedImporter[];
  readonly packages: ReadonlyMap<string, LockedPackageEntry>;
  /** Where the package `key` sits when installed as `name`: contains 'node_modules/', unique per key and name. */
  readonly locate: (key: string, name: string) => string;
  readonly manifest: Declared | null;
  readonly lockedRoot: Declared | null;
}

interface MutableNode extends PackageNode {
  dev: boolean;
  optional: boolean;
  devOptional: boolean;
}

export function buildSnapshot(graph: LockGraph): Snapshot {
  checkNames(graph);
  const nodes = new Map<string, MutableNode>();
  const edges: Edge[] = [];
  const [root, ...workspaces] = graph.importers;
  if (!root) throw new Error('a lock graph needs its root importer');
  const project = (importer: LockedImporter, isRoot: boolean): MutableNode => ({
    ...blank(importer.location, importer.name, importer.version),
    isRoot,
    isWorkspace: !isRoot,
    line: importer.line,
  });
  nodes.set('', project(root, true));
  const workspaceLinks = new Map<string, string>();
  for (const ws of workspaces) {
    nodes.set(ws.location, project(ws, false));
    const link = `node_modules/${ws.name}`;
    nodes.set(link, {
      ...blank(link, ws.name, ws.version),
      isLink: true,
      isWorkspace: true,
      target: ws.location,
      resolved: `file:${ws.location}`,
    });
    workspaceLinks.set(ws.location, link);
    edges.push({ from: '', to: link, name: ws.name, spec: `file:${ws.location}`, type: 'workspace' });
  }

  const queue: Array<[string, string]> = [];
  const place = (key: string, name: string): string | null => {
    const entry = graph.packages.get(key);
    if (!entry) return null;
    const location = graph.locate(key, name);
    if (!nodes.has(location)) {
      nodes.set(location, {
        ...blank(location, name, entry.version),
        packageName: entry.packageName,
        resolved: entry.resolved,
        integrity: entry.integrity,
        hasInstallScript: entry.hasInstallScript,
        line: entry.line,
      });
      queue.push([location, key]);
    }
    return location;
  };
  const addEdges = (from: string, deps: readonly LockedDep[]): void => {
    const prefix = from === '' ? '' : `${from}/`;
    for (const dep of deps) {
      let to: string | null = null;
      if (dep.target && 'key' in dep.target) to = place(dep.target.key, dep.name);
      else if (dep.target)
        to =
          workspaceLinks.get(dep.target.directory) ?? localLink(nodes, `${prefix}node_modules/${dep.name}`, dep.name, dep.target.directory);
      edges.push({ from, to, name: dep.name, spec: dep.spec, type: dep.type });
    }
  };
  for (const importer of graph.importers) addEdges(importer.location, importer.deps);
  let done = 0;
  const drain = (): void => {
    for (; done < queue.length; done++) addEdges(queue[done]![0], graph.packages.get(queue[done]![1])!.deps);
  };
  drain();
  // entries nothing depends on (extraneous) are still in the lockfile, so still in the tree
  for (const [key, entry] of graph.packages) place(key, entry.packageName);
  drain();

  flagDependencies(
    nodes,
    edges,
    graph.importers.map((i) => i.location),
  );
  const sortedNodes = [...nodes.values()].sort((a, b) => compare(a.location, b.location));
  edges.sort((a, b) => compare(a.from, b.from) || compare(a.name, b.name));
  return { source: graph.source, format: graph.format, nodes: sortedNodes, edges, manifest: graph.manifest, lockedRoot: graph.lockedRoot };
}

/**
 * Every name a package is fetched or installed under, and every version, as npm would accept
 * them: the pnpm, Yarn and Bun lockfiles are a change's own data, and a name such as
 * `github:a/b` or `http://host/x.tgz` would otherwise reach the registry client as a spec.
 */
function checkNames(graph: LockGraph): void {
  const fail = (where: string, problem: string): never => {
    throw new LockfileError(graph.source, `${where} ${problem}`);
  };
  const checkDeps = (where: string, deps: readonly LockedDep[]): void => {
    for (const dep of deps) {
      if (!isPackageName(dep.name)) fail(where, `depends on an invalid package name ${JSON.stringify(dep.name)}`);
      if (!isPlainField(dep.spec))
        fail(where, `has a dependency ${JSON.stringify(dep.name)} whose range has control characters or is too long`);
    }
  };
  for (const importer of graph.importers) checkDeps(`importer ${JSON.stringify(importer.location || '.')}`, importer.deps);
  for (const [key, entry] of graph.packages) {
    const where = `package ${JSON.stringify(key)}`;
    if (!isPackageName(entry.packageName)) fail(where, `names an invalid package ${JSON.stringify(entry.packageName)}`);
    if (!isPlainField(entry.version))
      fail(where, `has a version with control characters or too long: ${JSON.stringify(entry.version.slice(0, 100))}`);
    checkDeps(where, entry.deps);
  }
}

/** A dependency on a directory that is not a workspace (link:, portal:, file: folders). */
function localLink(nodes: Map<string, MutableNode>, location: string, name: string, directory: string): string {
  if (!nodes.has(location))
    nodes.set(location, { ...blank(location, name, ''), isLink: true, target: directory, resolved: `file:${directory}` });
  return location;
}

function blank(location: string, name: string, version: string): MutableNode {
  return {
    location,
    name,
    packageName: name,
    version,
    resolved: null,
    integrity: null,
    dev: false,
    optional: false,
    devOptional: false,
    isRoot: false,
    isLink: false,
    isWorkspace: false,
    target: null,
    hasInstallScript: false,
    inBundle: false,
    line: null,
  };
}

/**
 * npm's meaning: `dev` when every path from the root or a workspace starts with a dev
 * dependency, `optional` when every path goes through an optional one, `devOptional` when every
 * path is one or the other. Packages no path reaches are all three, as Arborist leaves them.
 */
function flagDependencies(nodes: Map<string, MutableNode>, edges: readonly Edge[], importers: readonly string[]): void {
  const out = new Map<string, Edge[]>();
  for (const edge of edges) {
    if (edge.to === null || edge.type === 'workspace') continue;
    const list = out.get(edge.from);
    if (list) list.push(edge);
    else out.set(edge.from, [edge]);
  }
  const seen = new Map<string, Set<number>>();
  const queue: Array<[string, boolean, boolean]> = [];
  const visit = (location: string, dev: boolean, optional: boolean): void => {
    const node = nodes.get(location);
    if (!node || node.isLink || node.isRoot || node.isWorkspace) return;
    const state = (dev ? 1 : 0) | (optional ? 2 : 0);
    const states = seen.get(location) ?? new Set<number>();
    if (states.has(state)) return;
    states.add(state);
    seen.set(location, states);
    queue.push([location, dev, optional]);
  };
  const isOptional = (type: EdgeType): boolean => type === 'optional' || type === 'peerOptional';
  for (const importer of importers) for (const edge of out.get(importer) ?? []) visit(edge.to!, edge.type === 'dev', isOptional(edge.type));
  for (let i = 0; i < queue.length; i++) {
    const [location, dev, optional] = queue[i]!;
    for (const edge of out.get(location) ?? []) visit(edge.to!, dev, optional || isOptional(edge.type));
  }
  for (const node of nodes.values()) {
    if (node.isRoot || node.isWorkspace || node.isLink) continue;
    const states = [...(seen.get(node.location) ?? [])];
    const every = (test: (s: number) => boolean): boolean => states.every(test);
    node.dev = every((s) => (s & 1) !== 0);
    node.optional = every((s) => (s & 2) !== 0);
    node.devOptional = every((s) => s !== 0);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A package.json's (or lockfile importer's) dependencies by name, with their kind. */
export function declaredIn(pkg: Record<string, unknown>): Declared {
  // a Map, then own properties: a dependency named __proto__ stays plain data
  const out = new Map<string, { spec: string; type: 'prod' | 'dev' | 'optional' }>();
  for (const [field, type] of [
    ['devDependencies', 'dev'],
    ['dependencies', 'prod'],
    ['optionalDependencies', 'optional'],
  ] as const) {
    const deps = pkg[field];
    if (deps === null || typeof deps !== 'object' || Array.isArray(deps)) continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) if (typeof spec === 'string') out.set(name, { spec, type });
  }
  return Object.fromEntries(out);
}
