import semver from 'semver';
import type { LockfileFormat } from '../lockfile/detect.js';
import type { PackageNode } from '../lockfile/snapshot.js';

export type ChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded' | 'source-changed';

/** One step of a dependency path: the project root, a workspace or a package. */
export interface PathStep {
  readonly name: string;
  readonly version: string;
}

/**
 * What the lockfile says about one side of a change: the copies of name@version that agree on
 * `resolved`, `integrity` and the names of their dependencies (one copy, or several hoisted and
 * nested ones). Copies that disagree are separate changes, each judged on its own values.
 */
export interface LockedPackage {
  readonly version: string;
  readonly resolved: string | null;
  readonly integrity: string | null;
  readonly hasInstallScript: boolean;
  /** The lockfile format that recorded it: formats record dependencies differently (Yarn Berry adds node-gyp to native addons). */
  readonly format: LockfileFormat;
  /** Dependencies its lockfile entry declares, by name: spec. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly locations: readonly string[];
  /** The line of each location's entry in its lockfile (PackageNode.line), in the same order. */
  readonly lines: readonly (number | null)[];
  /** The other copies of the same name@version on the same side, which disagree with these. */
  readonly otherCopies: readonly OtherCopy[];
}

/** Copies of a name@version that differ from the ones a LockedPackage describes. */
export interface OtherCopy {
  readonly resolved: string | null;
  readonly integrity: string | null;
  readonly locations: readonly string[];
}

/** One package name@version that is new, gone, or different between base and head. */
export interface Change {
  readonly kind: ChangeKind;
  /** The registry name (an npm: alias is resolved to the package it installs). */
  readonly name: string;
  /** Installed-as names that differ from `name`. */
  readonly aliases: readonly string[];
  readonly before: LockedPackage | null;
  readonly after: LockedPackage | null;
  /** The name appears nowhere in the base tree. */
  readonly newName: boolean;
  /** Some copy is a dependency of the project root or a workspace. */
  readonly direct: boolean;
  /** Every copy is only needed for development / only optional. */
  readonly dev: boolean;
  readonly optional: boolean;
  /** Shortest dependency paths that bring it in (head side; base side for removals). */
  readonly paths: readonly (readonly PathStep[])[];
  /** The lockfile it was found in, as locations name it, when a run compares several lockfiles. */
  readonly lockfile?: string;
}

export function changeVersion(change: Change): string {
  return (change.after ?? change.before)?.version ?? '';
}

/** Only registry-installed packages are compared: the root, workspaces and links are the project's own. */
export function isPackage(node: PackageNode): boolean {
  return !node.isRoot && !node.isLink && !node.isWorkspace && node.location.includes('node_modules/');
}

/**
 * An update that a caret range on the old version would pick up by itself (3.3.4 -> 3.3.6, but
 * not 1.x -> 2.0.0 or 0.1.x -> 0.2.0): the kind of release a hijacked package uses to spread,
 * because nobody has to choose it.
 */
export function isInRangeUpdate(change: Change): boolean {
  const from = change.before?.version;
  const to = change.after?.version;
  if (!from || !to || !semver.valid(from) || !semver.valid(to) || !semver.gt(to, from)) return false;
  return semver.satisfies(to, `^${from}`, { includePrerelease: true });
}

/** Both sides are there and differ in version: what the comparison rules judge. */
export function isVersionChange(change: Change): boolean {
  return change.before !== null && change.after !== null && change.kind !== 'source-changed';
}

/** Where `resolved` says a package came from, when that is not a registry URL. */
export function localOrGitSource(resolved: string | null | undefined): 'git' | 'file' | 'patch' | null {
  if (!resolved) return null;
  if (/^git(\+[a-z]+)?:|^(github|gitlab|bitbucket):/.test(resolved)) return 'git';
  if (resolved.startsWith('file:')) return 'file';
  if (resolved.startsWith('patch:')) return 'patch';
  return null;
}
