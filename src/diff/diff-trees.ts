import semver from 'semver';
import { type PackageNode, type Snapshot, isPackage, type Change, type ChangeKind, type LockedPackage, type PathStep } from '../model.js';
import { shortestPaths } from './paths.js';
import { compareVersions } from '../versions.js';

const MAX_PATHS = 5;

/** Everything the diff needs from one side, indexed once. */
interface Side {
  /** packageName -> version -> nodes */
  readonly byName: Map<string, Map<string, PackageNode[]>>;
  readonly format: Snapshot['format'];
  readonly direct: Set<string>;
  readonly deps: Map<string, Record<string, string>>;
  /** location -> the names of what depends on it ('' for the project and its workspaces) */
  readonly dependents: Map<string, Set<string>>;
  readonly paths: () => (location: string) => readonly PathStep[] | undefined;
}

function index(snapshot: Snapshot): Side {
  const byName = new Map<string, Map<string, PackageNode[]>>();
  const projectLocations = new Set<string>();
  const nameAt = new Map<string, string>();
  for (const node of snapshot.nodes) {
    nameAt.set(node.location, node.packageName);
    if (node.isRoot || node.isWorkspace) projectLocations.add(node.location);
    if (!isPackage(node)) continue;
    let versions = byName.get(node.packageName);
    if (!versions) {
      versions = new Map();
      byName.set(node.packageName, versions);
    }
    const list = versions.get(node.version);
    if (list) list.push(node);
    else versions.set(node.version, [node]);
  }
  const direct = new Set<string>();
  const deps = new Map<string, Record<string, string>>();
  const required = new Set<string>();
  const dependents = new Map<string, Set<string>>();
  for (const edge of snapshot.edges) {
    if (edge.to !== null) {
      required.add(edge.to);
      const who = projectLocations.has(edge.from) ? '' : (nameAt.get(edge.from) ?? edge.from);
      const set = dependents.get(edge.to);
      if (set) set.add(who);
      else dependents.set(edge.to, new Set([who]));
    }
    if (projectLocations.has(edge.from) && edge.to !== null) direct.add(edge.to);
    if (edge.type !== 'prod' && edge.type !== 'optional') continue;
    let record = deps.get(edge.from);
    if (!record) {
      record = Object.create(null) as Record<string, string>;
      deps.set(edge.from, record);
    }
    record[edge.name] = edge.spec;
  }
  // A v1 lockfile read without its package.json has no root edges: then the top-level packages
  // nothing else requires are the ones the project asked for.
  if (!snapshot.edges.some((e) => e.from === '')) {
    for (const node of snapshot.nodes) {
      if (isPackage(node) && !node.location.slice('node_modules/'.length).includes('node_modules/') && !required.has(node.location))
        direct.add(node.location);
    }
  }
  let paths: ((location: string) => readonly PathStep[] | undefined) | undefined;
  return { byName, format: snapshot.format, direct, deps, dependents, paths: () => (paths ??= shortestPaths(snapshot)) };
}

/**
 * The change set between two snapshots, matched by registry name and version (never by
 * location, so hoisting and reordering are not changes). Deterministic: sorted by name, then version.
 */
export function diffTrees(base: Snapshot, head: Snapshot): Change[] {
  if (base.identity !== undefined && base.identity === head.identity) return [];
  const before = index(base);
  const after = index(head);
  const sameFormat = base.format === head.format;
  const changes: Change[] = [];
  const names = [...new Set([...before.byName.keys(), ...after.byName.keys()])].sort();
  for (const name of names) {
    const old = before.byName.get(name) ?? new Map<string, PackageNode[]>();
    const now = after.byName.get(name) ?? new Map<string, PackageNode[]>();
    const newName = old.size === 0;
    const gone = sortVersions([...old.keys()].filter((v) => !now.has(v)));
    const fresh = sortVersions([...now.keys()].filter((v) => !old.has(v)));
    const emit = (kind: ChangeKind, from: Variant | null, to: Variant | null): void => {
      changes.push(makeChange(kind, name, from, to, newName, from && !to ? before : after));
    };
    const copies = (side: Side, versions: Map<string, PackageNode[]>, version: string): Variant[] => variants(versions.get(version)!, side);
    for (const version of now.keys()) {
      if (!old.has(version)) continue;
      const baseCopies = copies(before, old, version);
      for (const variant of copies(after, now, version)) {
        if (!baseCopies.some((b) => !sourceChanged(b, variant, sameFormat)))
          emit('source-changed', counterpart(baseCopies, variant), variant);
      }
    }
    const dependentsOf = (side: Side, versions: Map<string, PackageNode[]>) => (version: string) => {
      const out = new Set<string>();
      for (const node of versions.get(version)!) for (const d of side.dependents.get(node.location) ?? []) out.add(d);
      return out;
    };
    const pairs = pairVersions(gone, fresh, dependentsOf(before, old), dependentsOf(after, now));
    for (const [from, to] of pairs) {
      const kind = semver.valid(from) && semver.valid(to) && semver.lt(to, from) ? 'downgraded' : 'upgraded';
      const previous = copies(before, old, from)[0]!;
      for (const variant of copies(after, now, to)) emit(kind, previous, variant);
    }
    const pairedFrom = new Set(pairs.map(([f]) => f));
    const pairedTo = new Set(pairs.map(([, t]) => t));
    for (const version of fresh) {
      if (pairedTo.has(version)) continue;
      // beside the old copies: compared with the nearest older one, never with a newer one
      const nearest = newName
        ? null
        : nearestVersion(
            version,
            [...old.keys()].filter((v) => compareVersions(v, version) < 0),
          );
      const previous = nearest === null ? null : copies(before, old, nearest)[0]!;
      for (const variant of copies(after, now, version)) emit('added', previous, variant);
    }
    for (const version of gone) {
      if (!pairedFrom.has(version)) for (const variant of copies(before, old, version)) emit('removed', variant, null);
    }
  }
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || compareVersions(key(a), key(b)));
}

function key(change: Change): string {
  return (change.after ?? change.before)!.version;
}

/**
 * Copies of one name@version that agree on `resolved`, `integrity` and dependency names, with
 * the other groups of the same name@version beside them. Dependencies are compared by name: the
 * notation of specs differs between formats (pnpm records resolved versions), the set of names
 * a copy pulls in does not.
 */
interface Variant {
  readonly nodes: readonly PackageNode[];
  readonly format: Side['format'];
  readonly dependencies: Readonly<Record<string, string>>;
  readonly others: readonly Variant[];
}

/** In location order: the first variant holds the first copy. */
function variants(nodes: readonly PackageNode[], side: Side): Variant[] {
  const dependenciesOf = (node: PackageNode) => side.deps.get(node.location) ?? {};
  if (nodes.length === 1) return [{ nodes, format: side.format, dependencies: dependenciesOf(nodes[0]!), others: [] }];
  const groups = new Map<string, { nodes: PackageNode[]; format: Side['format']; dependencies: Record<string, string> }>();
  for (const node of nodes) {
    const dependencies = dependenciesOf(node);
    const key = JSON.stringify([node.resolved, node.integrity, Object.keys(dependencies).sort()]);
    const group = groups.get(key);
    if (group) group.nodes.push(node);
    else groups.set(key, { nodes: [node], format: side.format, dependencies });
  }
  const all = [...groups.values()];
  return all.map((group) => ({ ...group, others: all.filter((o) => o !== group).map((o) => ({ ...o, others: [] })) }));
}

/** The base copies a changed head copy is compared with: those at the same location, else the first. */
function counterpart(base: readonly Variant[], head: Variant): Variant {
  const locations = new Set(head.nodes.map((n) => n.location));
  return base.find((b) => b.nodes.some((n) => locations.has(n.location))) ?? base[0]!;
}

function makeChange(kind: ChangeKind, name: string, from: Variant | null, to: Variant | null, newName: boolean, side: Side): Change {
  const nodes = (to ?? from)!.nodes;
  const allPaths = side.paths();
  const reached = nodes.map((n) => allPaths(n.location)).filter((p): p is readonly PathStep[] => p !== undefined);
  const paths = reached.sort((a, b) => a.length - b.length).slice(0, MAX_PATHS);
  const aliases = [...new Set(nodes.map((n) => n.name).filter((n) => n !== name))];
  return {
    kind,
    name,
    aliases,
    before: from ? locked(from) : null,
    after: to ? locked(to) : null,
    newName,
    direct: nodes.some((n) => side.direct.has(n.location)),
    dev: nodes.every((n) => n.dev),
    optional: nodes.every((n) => n.optional || n.devOptional),
    paths,
    pathCount: reached.length,
  };
}

function locked(variant: Variant): LockedPackage {
  const first = variant.nodes[0]!;
  return {
    version: first.version,
    resolved: first.resolved,
    integrity: first.integrity,
    hasInstallScript: [variant, ...variant.others].some((v) => v.nodes.some((n) => n.hasInstallScript)),
    format: variant.format,
    dependencies: variant.dependencies,
    locations: variant.nodes.map((n) => n.location),
    lines: variant.nodes.map((n) => n.line),
    otherCopies: variant.others.map((o) => ({ integrity: o.nodes[0]!.integrity, locations: o.nodes.map((n) => n.location) })),
  };
}

/**
 * Same name and version from a different place: a resolved URL or integrity that both sides
 * record and that differs, integrity that was dropped, or other dependency names (between two
 * lockfiles of one format: see LockedPackage.format). A lockfile that simply gains or loses
 * `resolved` fields (npm's omit-lockfile-registry-resolved) is not a change, nor is a bundled
 * copy (npm takes it from its parent's tarball, not from its URL), which therefore vouches for
 * no fetched copy either.
 */
function sourceChanged(base: Variant, head: Variant, compareDependencies: boolean): boolean {
  const a = base.nodes[0]!;
  const b = head.nodes[0]!;
  if (head.nodes.every((n) => n.inBundle)) return false;
  if (base.nodes.every((n) => n.inBundle)) return true;
  if (a.resolved !== null && b.resolved !== null && a.resolved !== b.resolved) return true;
  if (a.integrity !== null && b.integrity === null) return true;
  if (a.integrity !== null && b.integrity !== null && a.integrity !== b.integrity) return true;
  return compareDependencies && !sameNames(base.dependencies, head.dependencies);
}

function sameNames(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((n) => Object.hasOwn(b, n));
}

/**
 * Pairs versions that left with versions that arrived by who depends on them: an old copy is
 * paired with the new copy the same dependents now resolve to (express's qs 6.11.0 with
 * express's qs 6.17.1, not with the 6.5.5 request brings beside it), the most shared dependents
 * first, then the nearest version. A version no dependent links to a counterpart is added or
 * removed. Where a side records no dependents (a lockfile without edges), by nearest version.
 */
function pairVersions(
  gone: string[],
  fresh: string[],
  before: (version: string) => ReadonlySet<string>,
  after: (version: string) => ReadonlySet<string>,
): Array<[string, string]> {
  const known = gone.every((v) => before(v).size > 0) && fresh.every((v) => after(v).size > 0);
  if (!known) return nearestPairs(gone, fresh);
  const candidates: Array<{ from: string; to: string; shared: number; distance: number }> = [];
  for (const from of gone) {
    const was = before(from);
    for (const to of fresh) {
      let shared = 0;
      for (const d of after(to)) if (was.has(d)) shared++;
      if (shared > 0) candidates.push({ from, to, shared, distance: distance(from, to) });
    }
  }
  candidates.sort((a, b) => b.shared - a.shared || a.distance - b.distance || compareVersions(a.to, b.to));
  const pairs: Array<[string, string]> = [];
  const usedFrom = new Set<string>();
  const usedTo = new Set<string>();
  for (const c of candidates) {
    if (usedFrom.has(c.from) || usedTo.has(c.to)) continue;
    usedFrom.add(c.from);
    usedTo.add(c.to);
    pairs.push([c.from, c.to]);
  }
  return pairs;
}

/** Without dependents to go by: same major first, then nearest. */
function nearestPairs(gone: string[], fresh: string[]): Array<[string, string]> {
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
