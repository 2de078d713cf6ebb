export interface VersionSpec {
  version: string;
  time: string;
  publisher?: { name: string; email?: string; trustedPublisher?: { id: string; oidcConfigId?: string } } | null;
  maintainers?: Array<{ name: string; email?: string }> | null;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  gypfile?: boolean;
  hasInstallScript?: boolean;
  deprecated?: string;
  repository?: unknown;
  attestations?: boolean;
  main?: string;
  bin?: Record<string, string>;
  /** The version's code: a directory under fixtures/code/, packed by make-fixtures.mjs with `npm pack`. */
  files?: string;
}
export interface PackageSpec {
  name: string;
  versions: VersionSpec[];
  latest?: string;
  maintainers?: Array<{ name: string; email?: string }> | null;
  created?: string;
  modified?: string;
  omitTime?: boolean;
  repository?: unknown;
}
export type Packument = Record<string, any>;
export type Fault = 'reset' | 'hang' | 'truncate' | 'invalid-json' | number | undefined;
/** One advisory in the shape npm's bulk advisory endpoint returns. */
export interface BulkAdvisory {
  id: number | string;
  url?: string;
  title?: string;
  severity?: string;
  vulnerable_versions?: string;
  cwe?: string[];
  cvss?: { score: number; vectorString: string | null };
}
/** The endpoint's answer: name -> its advisories. */
export type BulkAdvisories = Record<string, BulkAdvisory[]>;
export interface Registry {
  url: string;
  /** Every request; an advisory request also has its decoded body. */
  requests: Array<{ method?: string; path: string; authorization?: string; body?: Record<string, string[]> }>;
  /** The decoded body of every well-formed advisory request, in order. */
  advisoryRequests: Array<Record<string, string[]>>;
  close(): Promise<void>;
}
/** A tarball made by `npm pack`, with what npm reports of it. */
export interface PackedTarball {
  tgz: Buffer;
  fileCount: number;
  unpackedSize: number;
}
export function packTarball(manifest: Record<string, unknown>): Buffer;
export function tarballManifest(manifest: Record<string, unknown>): Record<string, unknown>;
export function tarballFile(name: string, version: string): string;
export function integrityOf(buffer: Buffer): string;
export function shasumOf(buffer: Buffer): string;
export function buildPackument(spec: PackageSpec, packed?: Record<string, PackedTarball>): Packument;
export function loadDocuments(dir: string): Map<string, Packument>;
export function startRegistry(
  docs: string | Map<string, Packument>,
  options?: {
    token?: string;
    localTarballs?: boolean;
    tarballs?: string;
    fault?: (req: import('node:http').IncomingMessage, url: URL) => Fault;
    /** Serve the bulk advisory endpoint with these advisories (or those of this JSON file); without: 405, no endpoint. */
    advisories?: BulkAdvisories | string;
  },
): Promise<Registry>;
