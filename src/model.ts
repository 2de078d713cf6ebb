/**
 * The one model: what the loaders make of a lockfile (Snapshot), what the diff makes of two
 * (Change), what the registry tells about a package (PackageFacts), and what the rules find
 * (Finding). Plain data, the same whichever package manager or registry it came from; the few
 * functions here only say what a value means, so that every reader agrees.
 */
import semver from 'semver';
import type { LockfileFormat } from './lockfile/detect.js';
import type { Severity } from './severity.js';

// ---------------------------------------------------------------------------------------------
// A lockfile, as a snapshot

export type EdgeType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace';

export interface Edge {
  /** Location of the node that declares the dependency ('' is the project root). */
  readonly from: string;
  /** Location of the node that satisfies it, or null when the lockfile has nothing for it. */
  readonly to: string | null;
  readonly name: string;
  readonly spec: string;
  readonly type: EdgeType;
}

export interface PackageNode {
  /**
   * Path inside the project ('' is the root): npm's `packages` keys, Bun's install layout, pnpm's
   * virtual store (node_modules/.pnpm/<name>@<version>/node_modules/<name>), and for Yarn, whose
   * lockfile records no layout, one directory per locked package (node_modules/.yarn/...).
   */
  readonly location: string;
  /** The name it is installed under (differs from packageName for npm: aliases). */
  readonly name: string;
  /** The name on the registry. */
  readonly packageName: string;
  readonly version: string;
  readonly resolved: string | null;
  readonly integrity: string | null;
  readonly dev: boolean;
  readonly optional: boolean;
  readonly devOptional: boolean;
  readonly isRoot: boolean;
  readonly isLink: boolean;
  readonly isWorkspace: boolean;
  /** For links: the location they point to. */
  readonly target: string | null;
  readonly hasInstallScript: boolean;
  readonly inBundle: boolean;
  /**
   * The 1-based line of its entry in the lockfile text, where reports point: npm's
   * `"node_modules/<name>": {` key (v1: its key in the nested `dependencies`), pnpm's `packages`
   * key, Yarn's entry header, Bun's `packages` key; for the root and workspaces, their importer's
   * key where the format has one. Null when the lockfile has no entry of its own for the node.
   */
  readonly line: number | null;
}

/** Dependencies declared by name: spec, with the kind of declaration. */
export type Declared = Readonly<Record<string, { readonly spec: string; readonly type: 'prod' | 'dev' | 'optional' }>>;

/** A lockfile reduced to plain data: nothing of Arborist, the same shape whichever package manager wrote it. */
export interface Snapshot {
  /** Where it came from, for messages: a path, `REV:path`, or `:path` for the index. */
  readonly source: string;
  readonly format: LockfileFormat;
  /** Sorted by location; the root is first. */
  readonly nodes: readonly PackageNode[];
  readonly edges: readonly Edge[];
  /**
   * A digest of which package versions the lockfile locks, from where (locations left out): two
   * snapshots with the same identity have no changes between them. Set by loaders that can
   * compute it without building the tree, which they then build only if asked.
   */
  readonly identity?: string;
  /** What each of the root's dependencies resolves to (name -> version), when a loader knows it without building the tree. */
  readonly rootVersions?: ReadonlyMap<string, string>;
  /** The root package.json's dependencies, when a package.json came with the lockfile. */
  readonly manifest: Declared | null;
  /** The root dependencies the lockfile itself was made for (npm v2/v3 `packages[""]`, pnpm's and Bun's root importer). */
  readonly lockedRoot: Declared | null;
}

/** Only registry-installed packages are compared: the root, workspaces and links are the project's own. */
export function isPackage(node: PackageNode): boolean {
  return !node.isRoot && !node.isLink && !node.isWorkspace && node.location.includes('node_modules/');
}

// ---------------------------------------------------------------------------------------------
// Two snapshots, as a change set

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
interface OtherCopy {
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
  /** Shortest dependency paths that bring it in (head side; base side for removals): the shortest few, one per copy. */
  readonly paths: readonly (readonly PathStep[])[];
  /** How many copies a path reaches: `paths` keeps the shortest few of them. */
  readonly pathCount: number;
  /** The lockfile it was found in, as locations name it, when a run compares several lockfiles. */
  readonly lockfile?: string;
}

export function changeVersion(change: Change): string {
  return (change.after ?? change.before)?.version ?? '';
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

// ---------------------------------------------------------------------------------------------
// What the registry says about a package

/**
 * The compact facts the rules use, extracted from a full registry document. Whole documents
 * (typescript's is over 10 MB) are never kept; and every field a registry may leave out is
 * optional here, so a rule can tell "absent" from "empty".
 */
export interface Person {
  readonly name: string;
  readonly email?: string;
}

export interface Publisher extends Person {
  /** Set when published through npm's trusted publishing (OIDC). */
  readonly trustedPublisher?: string;
}

export interface VersionFacts {
  readonly version: string;
  /**
   * False for versions the run did not ask about: their dependencies, repository, deprecation
   * and integrity are dropped (history rules need only publishers, times, provenance and scripts),
   * so memory does not grow with the number of releases.
   */
  readonly detailed: boolean;
  /** Real publish time; undefined when the registry's `time` cannot be trusted or is absent. */
  readonly publishedAt?: number;
  readonly publisher?: Publisher;
  readonly maintainers?: readonly Person[];
  readonly dependencies: Readonly<Record<string, string>>;
  readonly installScripts: Readonly<Record<string, string>>;
  readonly gypfile: boolean;
  readonly deprecated?: string;
  readonly repository?: string;
  readonly integrity?: string;
  readonly hasProvenance: boolean;
}

export interface PackageFacts {
  readonly name: string;
  readonly createdAt?: number;
  readonly latest?: string;
  /** Versions the registry still lists. */
  readonly versions: ReadonlyMap<string, VersionFacts>;
  /** Publish times of every version ever published, including withdrawn ones (from `time`). */
  readonly publishTimes: ReadonlyMap<string, number>;
  /** What this registry's document lacks, so rules can say what they could not check. */
  readonly missing: {
    readonly publishers: boolean;
  };
  readonly unpublished: boolean;
}

// ---------------------------------------------------------------------------------------------
// What the registry's advisory endpoint says about a package

/** npm's severity words, as advisories carry them (`moderate` is depguard's `medium`). */
export type AdvisorySeverity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

/**
 * One advisory as npm's bulk endpoint returns it (`POST /-/npm/v1/security/advisories/bulk`:
 * `{ "<name>": [{ id, url, title, severity, vulnerable_versions, cwe, cvss }] }`), read and
 * bounded (src/registry/advisories.ts). Its strings come from the registry but are strangers'
 * text all the same: reporters escape them.
 */
export interface Advisory {
  readonly id: number | string;
  /** An http(s) URL, else null. */
  readonly url: string | null;
  readonly title: string;
  readonly severity: AdvisorySeverity;
  /** A semver range: the advisory covers a locked version only when the version satisfies it. */
  readonly vulnerableVersions: string;
  /** CWE ids (`CWE-506`), as given. */
  readonly cwe: readonly string[];
}

/**
 * What the run learned from the advisory endpoint for one package: every advisory the registry
 * returned for its name (whichever versions they cover), or why the check could not be made.
 */
export type AdvisoryView = { readonly advisories: readonly Advisory[] } | { readonly unavailable: string };

// ---------------------------------------------------------------------------------------------
// What the rules find

export interface PackageRef {
  readonly name: string;
  readonly version: string;
}

/** Where a finding points: the entry of its package (or the project's root entry) in the head lockfile. */
export interface Location {
  /** The lockfile's path from the repository root, with `/` separators. */
  readonly file: string;
  /** 1-based; 1 when the lockfile has no entry to point at. */
  readonly line: number;
}

/** A combination of signals raised the finding (see src/rules/combine.ts). */
export interface Escalation {
  readonly combination: string;
  readonly reason: string;
  readonly from: Severity;
}

interface FindingBase {
  readonly ruleId: string;
  readonly severity: Severity;
  /**
   * What the finding is about, as ignore entries name it: the package and version for a package
   * finding; for a project finding a dependency of package.json, a lockfile or a policy file, with
   * the version the lockfile holds ('' when none).
   */
  readonly package: PackageRef;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly location: Location;
}

/** A finding about one changed package. */
export interface PackageFinding extends FindingBase {
  readonly kind: 'package';
  readonly previousVersion: string | null;
  readonly change: ChangeKind;
  readonly direct: boolean;
  readonly dev: boolean;
  readonly traits: readonly string[];
  /** Where in the package's own files the evidence is (code findings): a path inside the tarball and a line. */
  readonly inPackage?: { readonly file: string; readonly line: number };
  readonly escalation?: Escalation;
  readonly paths: readonly (readonly PathStep[])[];
  /** How many paths there were (one per copy of the package): `paths` keeps the shortest few. */
  readonly pathCount: number;
}

/** A finding about the project as a whole: package.json against its lockfile, the set of lockfiles, the policy. */
export interface ProjectFinding extends FindingBase {
  readonly kind: 'project';
}

export type Finding = PackageFinding | ProjectFinding;

/**
 * A registry field that some registries leave out of every document (mirrors, some private
 * registries): `_npmUser` (publishers), per-version `maintainers`, and trustworthy `time` values.
 */
export type RegistryField = '_npmUser' | 'maintainers' | 'time';

/** The fields a package's document leaves out altogether (not only for some versions): what a registry that strips them sends. */
export function omittedFields(facts: PackageFacts): ReadonlySet<RegistryField> {
  const out = new Set<RegistryField>();
  const versions = [...facts.versions.values()];
  if (facts.missing.publishers) out.add('_npmUser');
  if (versions.length > 0 && versions.every((v) => v.maintainers === undefined)) out.add('maintainers');
  // extractFacts keeps no time at all when `time` is absent or untrustworthy (a mirror's copy times)
  if (facts.createdAt === undefined && facts.publishTimes.size === 0) out.add('time');
  return out;
}

/** A rule that could not be evaluated (or only in part) for a package, and what it lacked. */
export interface Skipped {
  readonly ruleId: string;
  readonly package: PackageRef;
  readonly reason: string;
  /**
   * Set when what the rule lacked is a field the registry's document leaves out altogether, as a
   * registry that strips it does: reports then say it once, for every rule and package it stopped.
   */
  readonly missing?: RegistryField;
}

/** A changed package whose registry metadata could not be obtained. */
export interface Unavailable {
  readonly package: PackageRef;
  readonly reason: string;
  readonly location: Location;
}

/** What reporters and `depguard rules` show about a rule. */
export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  /** The severity of its findings unless a finding says otherwise (each rule's page lists its cases). */
  readonly defaultSeverity: Severity;
  /** The rule's documentation page. */
  readonly docs: string;
}

// ---------------------------------------------------------------------------------------------
// The policy's approvals, as the result carries them

export interface IgnoreEntry {
  readonly package: string;
  /** A semver range; '*' when absent. */
  readonly version: string;
  /** A hand-written entry's rule id, or '*' for every rule; absent when `rules` lists them. */
  readonly rule?: string;
  /** The rule ids it covers, as `depguard approve` writes them. */
  readonly rules?: readonly string[];
  /** The integrity approved: the entry covers only a version whose every locked copy has exactly this one. */
  readonly integrity?: string;
  readonly reason: string;
  /** YYYY-MM-DD (or ISO time); the entry stops applying after it. */
  readonly expires?: string;
  readonly approvedBy?: string;
  readonly approvedAt?: string;
}

/** The rule ids an entry names, '*' for every rule (matchingIgnore still never lets it cover source-changed). */
export function coveredRules(entry: IgnoreEntry): readonly string[] {
  return entry.rules ?? [entry.rule ?? '*'];
}

/** A finding the policy file's `ignore` covers: kept in the output, never counted. */
export interface Suppressed {
  readonly finding: Finding;
  readonly ignore: IgnoreEntry;
}
