import { isRecord } from '../records.js';

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
  readonly hasInstallScript?: boolean;
  readonly deprecated?: string;
  readonly repository?: string;
  readonly integrity?: string;
  readonly hasProvenance: boolean;
}

export interface PackageFacts {
  readonly name: string;
  readonly createdAt?: number;
  readonly modifiedAt?: number;
  readonly latest?: string;
  readonly maintainers?: readonly Person[];
  /** Versions the registry still lists. */
  readonly versions: ReadonlyMap<string, VersionFacts>;
  /** Publish times of every version ever published, including withdrawn ones (from `time`). */
  readonly publishTimes: ReadonlyMap<string, number>;
  /** What this registry's document lacks, so rules can say what they could not check. */
  readonly missing: {
    readonly publishers: boolean;
    readonly maintainers: boolean;
    readonly times: boolean;
  };
  readonly unpublished: boolean;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

/** `detailFor`: the versions whose full details the rules need (all of them when absent). */
export function extractFacts(doc: unknown, expectedName: string, detailFor?: ReadonlySet<string>): PackageFacts {
  const d = isRecord(doc) ? doc : {};
  const time = isRecord(d.time) ? d.time : undefined;
  // The public registry always records `created` and `modified`; a `time` without them is a
  // mirror's copy times (seen here), which say nothing about when anything was published.
  const trustedTime = time !== undefined && typeof time.created === 'string' && typeof time.modified === 'string';
  const publishTimes = new Map<string, number>();
  if (trustedTime) {
    for (const [k, v] of Object.entries(time)) {
      if (k === 'created' || k === 'modified' || typeof v !== 'string') continue;
      const t = Date.parse(v);
      if (!Number.isNaN(t)) publishTimes.set(k, t);
    }
  }
  const versions = new Map<string, VersionFacts>();
  const rawVersions = isRecord(d.versions) ? d.versions : {};
  for (const [version, manifest] of Object.entries(rawVersions)) {
    if (!isRecord(manifest)) continue;
    versions.set(version, versionFacts(version, manifest, publishTimes.get(version), !detailFor || detailFor.has(version)));
  }
  const all = [...versions.values()];
  return {
    name: typeof d.name === 'string' ? d.name : expectedName,
    createdAt: trustedTime ? parseTime(time.created) : undefined,
    modifiedAt: trustedTime ? parseTime(time.modified) : undefined,
    latest: isRecord(d['dist-tags']) && typeof d['dist-tags'].latest === 'string' ? d['dist-tags'].latest : undefined,
    maintainers: people(d.maintainers),
    versions,
    publishTimes,
    missing: {
      publishers: all.length > 0 && all.every((v) => v.publisher === undefined),
      maintainers: all.length > 0 && all.every((v) => v.maintainers === undefined) && people(d.maintainers) === undefined,
      times: !trustedTime,
    },
    unpublished: versions.size === 0 && time !== undefined && isRecord(time.unpublished),
  };
}

function versionFacts(version: string, m: Record<string, unknown>, publishedAt: number | undefined, detailed: boolean): VersionFacts {
  const scripts = isRecord(m.scripts) ? m.scripts : {};
  const installScripts: Record<string, string> = {};
  for (const s of INSTALL_SCRIPTS) if (typeof scripts[s] === 'string') installScripts[s] = scripts[s];
  const dist = isRecord(m.dist) ? m.dist : {};
  return {
    version,
    detailed,
    publishedAt,
    publisher: publisher(m._npmUser),
    maintainers: people(m.maintainers),
    dependencies: detailed ? Object.fromEntries([...Object.entries(stringRecord(m.dependencies)), ...Object.entries(stringRecord(m.optionalDependencies))]) : {},
    installScripts,
    gypfile: m.gypfile === true,
    hasInstallScript: typeof m.hasInstallScript === 'boolean' ? m.hasInstallScript : undefined,
    deprecated: detailed && typeof m.deprecated === 'string' && m.deprecated !== '' ? m.deprecated : undefined,
    repository: detailed ? repositoryUrl(m.repository) : undefined,
    integrity: detailed && typeof dist.integrity === 'string' ? dist.integrity : undefined,
    hasProvenance: isRecord(dist.attestations),
  };
}

function publisher(value: unknown): Publisher | undefined {
  if (!isRecord(value) || typeof value.name !== 'string' || value.name === '') return undefined;
  const trusted = isRecord(value.trustedPublisher) && typeof value.trustedPublisher.id === 'string' ? value.trustedPublisher.id : undefined;
  return {
    name: value.name,
    ...(typeof value.email === 'string' ? { email: value.email } : {}),
    ...(trusted ? { trustedPublisher: trusted } : {}),
  };
}

function people(value: unknown): Person[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: Person[] = [];
  for (const p of value) {
    if (isRecord(p) && typeof p.name === 'string') out.push({ name: p.name, ...(typeof p.email === 'string' ? { email: p.email } : {}) });
    else if (typeof p === 'string') out.push({ name: p.replace(/\s*<.*$/, '') });
  }
  return out;
}

function repositoryUrl(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.url === 'string') return value.url;
  return undefined;
}

/** Own properties only: a dependency named __proto__ or constructor stays plain data. */
function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
