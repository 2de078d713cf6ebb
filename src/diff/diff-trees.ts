import semver from 'semver';
import type { PackageNode, Snapshot } from '../lockfile/snapshot.js';
import { isPackage, type Change, type ChangeKind, type LockedPackage, type PathStep } from './change.js';
import { shortestPaths } from './paths.js';
import { compareVersions } from '../versions.js';

const MAX_PATHS = 5;

/** Everything the diff needs from one side, indexed once. */
interface Side {
  /** packageName -> version -> nodes */
  readonly byName: Map<string, Map<string, PackageNode[]>>;
  readonly direct: Set<string>;
  readonly deps: Map<string, Record<string, string>>;
  readonly paths: () => (location: string) => readonly PathStep[] | undefined;
}

function index(snapshot: Snapshot): Side {
  const byName = new Map<string, Map<string, PackageNode[]>>();
  const projectLocations = new Set<string>();
  for (const node of snapshot.nodes) {
    if (node.isRoot || node.isWorkspace) projectLocations.add(node.location);
    if (!isPackage(node)) continue;
    let versions = byName.get(node.packageName);
    if (!versions) byName.set(node.packageName, (versions = new Map()));
    const list = versions.get(node.version);
    if (list) list.push(node);
    else versions.set(node.version, [node]);
  }
  const direct = new Set<string>();
  const deps = new Map<string, Record<string, string>>();
  const required = new Set<string>();
  for (const edge of snapshot.edges) {
    if (edge.to !== null) required.add(edge.to);
    if (projectLocations.has(edge.from) && edge.to !== null) direct.add(edge.to);
    if (edge.type !== 'prod' && edge.type !== 'optional') continue;
    let record = deps.get(edge.from);
    if (!record) deps.set(edge.from, (record = Object.create(null) as Record<string, string>));
    record[edge.name] = edge.spec;
  }
  // A v1 lockfile read without its package.json has no root edges: then the top-level packages
  // nothing else requires are the ones the project asked for.
  if (!snapshot.edges.some((e) => e.from === '')) {
    for (const node of snapshot.nodes) {
      if (isPackage(node) && !node.location.slice('node_modules/'.length).includes('node_modules/') && !required.has(node.location)) direct.add(node.location);
    }
  }
  let paths: ((location: string) => readonly PathStep[] | undefined) | undefined;
  return { byName, direct, deps, paths: () => (paths ??= shortestPaths(snapshot)) };
}

/**
 * The change set between two snapshots, matched by registry name and version (never by
 * location, so hoisting and reordering are not changes). Deterministic: sorted by name, then version.
 */
export function diffTrees(base: Snapshot, head: Snapshot): Change[] {
  if (base.identity !== undefined && base.identity === head.identity) return [];
  const before = index(base);
  const after = index(head);
  const changes: Change[] = [];
  const names = [...new Set([...before.byName.keys(), ...after.byName.keys()])].sort();
  for (const name of names) {
    const old = before.byName.get(name) ?? new Map<string, PackageNode[]>();
    const now = after.byName.get(name) ?? new Map<string, PackageNode[]>();
    const newName = old.size === 0;
    const gone = sortVersions([...old.keys()].filter((v) => !now.has(v)));
    const fresh = sortVersions([...now.keys()].filter((v) => !old.has(v)));
    const emit = (kind: ChangeKind, from: PackageNode[] | null, to: PackageNode[] | null): void => {
      changes.push(makeChange(kind, name, from, to, newName, from && !to ? before : after, before, after));
    };
    for (const [version, nodes] of now) {
      const previous = old.get(version);
      if (previous && sourceChanged(previous[0]!, nodes[0]!)) emit('source-changed', previous, nodes);
    }
    const pairs = pairVersions(gone, fresh);
    for (const [from, to] of pairs) {
      const kind = semver.valid(from) && semver.valid(to) && semver.lt(to, from) ? 'downgraded' : 'upgraded';
      emit(kind, old.get(from)!, now.get(to)!);
    }
    const pairedFrom = new Set(pairs.map(([f]) => f));
    const pairedTo = new Set(pairs.map(([, t]) => t));
    for (const version of fresh) {
      if (pairedTo.has(version)) continue;
      const nearest = newName ? null : nearestVersion(version, [...old.keys()]);
      emit('added', nearest === null ? null : old.get(nearest)!, now.get(version)!);
    }
    for (const version of gone) if (!pairedFrom.has(version)) emit('removed', old.get(version)!, null);
  }
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || compareVersions(key(a), key(b)));
}

function key(change: Change): string {
  return (change.after ?? change.before)!.version;
}

function makeChange(
  kind: ChangeKind,
  name: string,
  from: PackageNode[] | null,
  to: PackageNode[] | null,
  newName: boolean,
  pathSide: Side,
  before: Side,
  after: Side,
): Change {
  const nodes = to ?? from ?? [];
  const side = to ? after : before;
  const allPaths = pathSide.paths();
  const paths = nodes
    .map((n) => allPaths(n.location))
    .filter((p): p is readonly PathStep[] => p !== undefined)
    .sort((a, b) => a.length - b.length)
    .slice(0, MAX_PATHS);
  const aliases = [...new Set(nodes.map((n) => n.name).filter((n) => n !== name))];
  return {
    kind,
    name,
    aliases,
    before: from ? locked(from, before) : null,
    after: to ? locked(to, after) : null,
    newName,
    direct: nodes.some((n) => side.direct.has(n.location)),
    dev: nodes.every((n) => n.dev),
    optional: nodes.every((n) => n.optional || n.devOptional),
    paths,
  };
}

function locked(nodes: PackageNode[], side: Side): LockedPackage {
  const first = nodes[0]!;
  return {
    version: first.version,
    resolved: first.resolved,
    integrity: first.integrity,
    hasInstallScript: nodes.some((n) => n.hasInstallScript),
    dependencies: side.deps.get(first.location) ?? {},
    locations: nodes.map((n) => n.location),
  };
}

/**
 * Same name and version from a different place: a resolved URL or integrity that both sides
 * record and that differs, or integrity that was dropped. A lockfile that simply gains or loses
 * `resolved` fields (npm's omit-lockfile-registry-resolved) is not a change.
 */
function sourceChanged(a: PackageNode, b: PackageNode): boolean {
  if (a.resolved !== null && b.resolved !== null && a.resolved !== b.resolved) return true;
  if (a.integrity !== null && b.integrity === null) return true;
  return a.integrity !== null && b.integrity !== null && a.integrity !== b.integrity;
}

/** Pairs versions that left with versions that arrived: same major first, then nearest. */
function pairVersions(gone: string[], fresh: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const left = [...gone];
  for (const to of fresh) {
    if (left.length === 0) break;
    const from = nearestVersion(to, left)!;
    pairs.push([from, to]);
    left.splice(left.indexOf(from), 1);
  }
  return pairs;
}

function nearestVersion(target: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = distance(target, c);
    if (score < bestScore || (score === bestScore && best !== null && compareVersions(c, best) > 0)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const x = semver.parse(a);
  const y = semver.parse(b);
  if (!x || !y) return a === b ? 0 : 1e12;
  return Math.abs(x.major - y.major) * 1e8 + Math.abs(x.minor - y.minor) * 1e4 + Math.min(Math.abs(x.patch - y.patch), 9999);
}

function sortVersions(versions: string[]): string[] {
  return versions.sort(compareVersions);
}
