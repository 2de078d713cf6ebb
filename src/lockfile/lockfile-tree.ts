import path from 'node:path';
import { globsMatcher } from '../glob.js';
import { FolderTree, lookUpAll } from './lookup.js';
import type { LockfileData } from './parse.js';
import { compareLocation, type TreeShape } from './snapshot.js';
import { declaredWorkspaces, workspaceGlobs } from './workspaces.js';
import type { Edge, EdgeType, PackageNode } from '../model.js';

type Entry = Readonly<Record<string, unknown>>;

/**
 * Rebuilds the tree of a v2/v3 lockfile from its `packages` map the way Arborist's loadVirtual
 * does, without Arborist: every key is a node with the flags npm recorded; each declared
 * dependency resolves by node_modules lookup, as if walking up from the dependent's folder (all
 * at once: lookUpAll). Linear in the lockfile's size however deep it nests, where Arborist grows
 * faster than linearly.
 *
 * What it does not model: `overrides` (lockfiles with overrides go to Arborist) and
 * `acceptDependencies`. The tests compare it with Arborist on every lockfile fixture.
 * `lines` holds each location's entry line (npmEntryLines).
 */
export function loadFromLockfileData(
  data: LockfileData,
  packageJson: Record<string, unknown> | null,
  lines: ReadonlyMap<string, number>,
): TreeShape {
  const packages = data.packages;
  const root: Entry = packageJson ?? packages[''] ?? {};
  const rootName = typeof root.name === 'string' ? root.name : typeof packages['']?.name === 'string' ? (packages['']!.name as string) : '';
  const workspaceFolders = new Map<string, string>(); // folder -> package name
  for (const [key, entry] of Object.entries(packages)) {
    if (entry.link === true && typeof entry.resolved === 'string' && !entry.resolved.includes('node_modules/')) {
      const target = packages[entry.resolved];
      if (target && isWorkspaceFolder(entry.resolved, root))
        workspaceFolders.set(entry.resolved, typeof target.name === 'string' ? target.name : nameFromKey(key));
    }
  }

  const nodes: PackageNode[] = [];
  const keys = new Set(Object.keys(packages));
  keys.add('');
  // npm writes `packages` sorted by key; walking the keys in order yields nodes, and edges node
  // by node with each node's edges sorted, in the canonical order without sorting everything
  const locations = [...keys].sort(compareLocation);
  for (const location of locations) {
    const entry: Entry = location === '' ? root : packages[location]!;
    const lockEntry: Entry = packages[location] ?? {};
    const isRoot = location === '';
    const isLink = !isRoot && entry.link === true;
    const target = isLink && typeof entry.resolved === 'string' ? entry.resolved : null;
    const inNodeModules = location.includes('node_modules/');
    const name = isRoot
      ? rootName
      : inNodeModules
        ? nameFromKey(location)
        : (workspaceFolders.get(location) ?? str(entry.name) ?? lastSegment(location));
    const targetEntry = target !== null ? packages[target] : undefined;
    nodes.push({
      location,
      name,
      packageName: isRoot ? rootName : (str(entry.name) ?? (isLink ? (str(targetEntry?.name) ?? name) : name)),
      version: str(isLink ? targetEntry?.version : entry.version) ?? '',
      // Arborist spells a link's resolved relative to the link itself
      resolved: isRoot
        ? null
        : target !== null
          ? `file:${path.posix.relative(path.posix.dirname(location), target)}`
          : (str(lockEntry.resolved) ?? null),
      integrity: isRoot ? null : (str(lockEntry.integrity) ?? null),
      // a link carries its target's flags
      dev: (targetEntry ?? lockEntry).dev === true,
      optional: (targetEntry ?? lockEntry).optional === true,
      devOptional: ['devOptional', 'dev', 'optional'].some((f) => (targetEntry ?? lockEntry)[f] === true),
      isRoot,
      isLink,
      isWorkspace: workspaceFolders.has(location) || (target !== null && workspaceFolders.has(target)),
      target,
      hasInstallScript: !isLink && lockEntry.hasInstallScript === true,
      inBundle: lockEntry.inBundle === true,
      line: lines.get(location) ?? null,
    });
  }

  const declaredBy = new Map<number, Array<[string, { spec: string; type: EdgeType }]>>();
  nodes.forEach((node, index) => {
    if (node.isLink) return;
    const entry: Entry = node.isRoot ? root : packages[node.location]!;
    const declared = new Map<string, { spec: string; type: EdgeType }>();
    if (node.isRoot) for (const [wsName, spec] of workspaceEdges(workspaceFolders)) declared.set(wsName, { spec, type: 'workspace' });
    const take = (deps: unknown, type: EdgeType): void => {
      if (!deps || typeof deps !== 'object') return;
      for (const [dep, spec] of Object.entries(deps as Record<string, unknown>)) {
        if (typeof spec !== 'string') continue;
        if (declared.get(dep)?.type === 'workspace') continue;
        declared.set(dep, { spec, type });
      }
    };
    // Arborist's order: later kinds replace earlier ones for the same name.
    const peerMeta = (entry.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean } | undefined>;
    const peers = Object.entries((entry.peerDependencies ?? {}) as Record<string, unknown>);
    take(Object.fromEntries(peers.filter(([n]) => !peerMeta[n]?.optional)), 'peer');
    take(Object.fromEntries(peers.filter(([n]) => peerMeta[n]?.optional)), 'peerOptional');
    take(entry.dependencies, 'prod');
    take(entry.optionalDependencies, 'optional');
    // devDependencies count only for the project and its workspaces (Arborist's "top" nodes)
    if (node.isRoot || node.isWorkspace || !node.location.includes('node_modules/')) take(entry.devDependencies, 'dev');
    declaredBy.set(
      index,
      [...declared].sort(([a], [b]) => compareLocation(a, b)),
    );
  });
  // nodes[i] sits at locations[i]
  const resolved = lookUpAll(...nodeModules(locations), new Map([...declaredBy].map(([index, deps]) => [index, deps.map(([dep]) => dep)])));
  const edges: Edge[] = [];
  for (const [index, deps] of declaredBy) {
    for (const [dep, { spec, type }] of deps)
      edges.push({ from: locations[index]!, to: resolved.get(index)?.get(dep) ?? null, name: dep, spec, type });
  }
  return { nodes, edges };
}

/**
 * Whether the lockfile's own flags can be trusted: Arborist recomputes every dev/optional flag
 * when the package.json beside the lockfile declares other root dependencies than the lockfile
 * was made for, and so must we (by asking Arborist).
 */
export function rootInSync(packageJson: Record<string, unknown> | null, lockRoot: Entry | undefined): boolean {
  if (packageJson === null) return true;
  if (!lockRoot) return false;
  return JSON.stringify(rootDeclarations(packageJson)) === JSON.stringify(rootDeclarations(lockRoot));
}

function rootDeclarations(pkg: Entry): Array<[string, string]> {
  const out = new Map<string, string>();
  const add = (deps: unknown, type: string): void => {
    if (!deps || typeof deps !== 'object') return;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) out.set(name, `${type} ${String(spec)}`);
  };
  add(pkg.peerDependencies, 'peer');
  add(pkg.dependencies, 'prod');
  add(pkg.optionalDependencies, 'optional');
  add(pkg.devDependencies, 'dev');
  out.set('\u0000workspaces', JSON.stringify(declaredWorkspaces(pkg)));
  return [...out].sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * The lockfile's keys as lookUpAll's tree (ids are indexes in the sorted `locations`, '' first):
 * `<folder>/node_modules/<name>` is installed in <folder>, and a key's enclosing folder is the
 * nearest key above it, across its last `node_modules/` (a package's folder) or else one segment
 * up, as Arborist walks. Each key is split once; its prefixes are found in a tree of segments.
 */
function nodeModules(locations: readonly string[]): [number[], Map<number, Map<string, string>>] {
  const segmentTree = new FolderTree();
  const locationOf: number[] = [0]; // segment tree id -> index in `locations`
  const parent: number[] = [-1];
  const installed = new Map<number, Map<string, string>>();
  for (let index = 1; index < locations.length; index++) {
    const segments = locations[index]!.split('/');
    const ids = segmentTree.add(segments);
    locationOf[ids.at(-1)!] = index;
    // the key made of the first j segments, if there is one
    const keyAt = (j: number): number | undefined => locationOf[ids[j]!];
    const below = segments.flatMap((s, m) => (s === 'node_modules' && m + 1 < segments.length ? [m] : []));
    let j = segments.length;
    let cut = below.length - 1;
    do {
      while (cut >= 0 && below[cut]! > j - 2) cut--;
      j = cut >= 0 && below[cut]! > 0 ? below[cut]! : j - 1;
    } while (j > 0 && keyAt(j) === undefined);
    parent.push(keyAt(j)!);
    const last = below.at(-1);
    const folder = last === undefined ? undefined : keyAt(last);
    if (folder === undefined) continue;
    const names = installed.get(folder) ?? new Map<string, string>();
    names.set(segments.slice(last! + 1).join('/'), locations[index]!);
    installed.set(folder, names);
  }
  return [parent, installed];
}

function workspaceEdges(folders: ReadonlyMap<string, string>): Array<[string, string]> {
  return [...folders].map(([folder, name]) => [name, `file:${folder}`]);
}

function isWorkspaceFolder(folder: string, root: Entry): boolean {
  return globsMatcher(workspaceGlobs(root))(folder);
}

function nameFromKey(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

function lastSegment(location: string): string {
  return location.slice(location.lastIndexOf('/') + 1);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
