/** A lockfile reduced to plain data: what the diff and the rules need, nothing of Arborist. */

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
  /** Path inside the project, as in the lockfile's `packages` keys ('' is the root). */
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
}

/** Dependencies declared by name: spec, with the kind of declaration. */
export type Declared = Readonly<Record<string, { readonly spec: string; readonly type: 'prod' | 'dev' | 'optional' }>>;

export interface Snapshot {
  /** Where it came from, for messages: a path, `REV:path`, or `:path` for the index. */
  readonly source: string;
  readonly lockfileVersion: number;
  /** Sorted by location; the root is first. */
  readonly nodes: readonly PackageNode[];
  readonly edges: readonly Edge[];
  /** The root package.json's dependencies, when a package.json came with the lockfile. */
  readonly manifest: Declared | null;
  /** The root dependencies the lockfile itself was made for (v2/v3 `packages[""]`). */
  readonly lockedRoot: Declared | null;
}
