/**
 * A lockfile reduced to plain data: what the diff and the rules need, nothing of Arborist, and
 * the same shape whichever package manager wrote the lockfile.
 */
import type { LockfileFormat } from './detect.js';

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
  readonly peer: boolean;
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

export interface Snapshot {
  /** Where it came from, for messages: a path, `REV:path`, or `:path` for the index. */
  readonly source: string;
  readonly format: LockfileFormat;
  /** The format's own version: npm 1-3, pnpm 6 or 9, Yarn 1 or Berry's __metadata version, Bun 0-1+. */
  readonly lockfileVersion: number;
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

/** The tree part of a snapshot, as a loader builds it. */
export type TreeShape = Pick<Snapshot, 'nodes' | 'edges'>;

/** Plain string order: snapshots list nodes by location and edges by (from, name) in it. */
export function compareLocation(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
