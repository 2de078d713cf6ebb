import { createHash } from 'node:crypto';
import { RegistryError } from '../errors.js';
import type { PackageFacts, Person, Publisher, VersionFacts } from '../model.js';
import { isRecord } from '../records.js';

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

/** Longest names and emails kept; longer ones are cut (see bounded). */
const MAX_NAME = 256;
/** Longest scripts, deprecation messages, repository URLs and specs kept. */
const MAX_TEXT = 1_000;

/**
 * The compact facts the rules use (PackageFacts), from a full registry document.
 * `detailFor`: the versions whose full details the rules need (all of them when absent). A
 * document that is not `expectedName`'s is a RegistryError (see packumentProblem).
 */
export function extractFacts(doc: unknown, expectedName: string, detailFor?: ReadonlySet<string>): PackageFacts {
  const problem = packumentProblem(doc, expectedName);
  if (problem !== null) throw new RegistryError(expectedName, problem);
  const d = doc as Record<string, unknown>;
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
    name: expectedName,
    createdAt: trustedTime ? parseTime(time.created) : undefined,
    latest: isRecord(d['dist-tags']) && typeof d['dist-tags'].latest === 'string' ? bounded(d['dist-tags'].latest, MAX_NAME) : undefined,
    versions,
    publishTimes,
    missing: { publishers: all.length > 0 && all.every((v) => v.publisher === undefined) },
    unpublished: versions.size === 0 && time !== undefined && isRecord(time.unpublished),
  };
}

/**
 * Why a registry's answer is not the document of `expectedName`, or null when it is one. A 200
 * with `{}`, `null`, a list, another package's document or no `versions` is a registry fault,
 * never "a package without releases": judged as such it would pass every rule. A package
 * unpublished as a whole is the exception: its document keeps `time.unpublished` and no versions.
 */
function packumentProblem(doc: unknown, expectedName: string): string | null {
  if (!isRecord(doc))
    return `registry sent ${doc === null ? 'null' : Array.isArray(doc) ? 'a list' : `a ${typeof doc}`} instead of a package document`;
  if (typeof doc.name !== 'string') return 'registry sent a document without a package name';
  if (doc.name !== expectedName) return `registry sent the document of another package (${JSON.stringify(bounded(doc.name, MAX_NAME))})`;
  const unpublished = isRecord(doc.time) && isRecord(doc.time.unpublished);
  if (!isRecord(doc.versions) && !unpublished) return 'registry sent a document without versions';
  return null;
}

function versionFacts(version: string, m: Record<string, unknown>, publishedAt: number | undefined, detailed: boolean): VersionFacts {
  const scripts = isRecord(m.scripts) ? m.scripts : {};
  const installScripts: Record<string, string> = {};
  for (const s of INSTALL_SCRIPTS) if (typeof scripts[s] === 'string') installScripts[s] = bounded(scripts[s], MAX_TEXT);
  const dist = isRecord(m.dist) ? m.dist : {};
  return {
    version,
    detailed,
    publishedAt,
    publisher: publisher(m._npmUser),
    maintainers: people(m.maintainers),
    dependencies: detailed
      ? Object.fromEntries([...Object.entries(stringRecord(m.dependencies)), ...Object.entries(stringRecord(m.optionalDependencies))])
      : {},
    installScripts,
    gypfile: m.gypfile === true,
    deprecated: detailed && typeof m.deprecated === 'string' && m.deprecated !== '' ? bounded(m.deprecated, MAX_TEXT) : undefined,
    repository: detailed ? repositoryUrl(m.repository) : undefined,
    integrity: detailed && typeof dist.integrity === 'string' ? bounded(dist.integrity, MAX_TEXT) : undefined,
    hasProvenance: isRecord(dist.attestations),
  };
}

/**
 * A registry's strings, cut to `max` characters: a document of 20,000 versions must not cost
 * 20,000 copies of a megabyte-long script. What is cut ends with a digest of the whole, so two
 * values that differ anywhere still differ (a script changed after its first kilobyte is still
 * a changed script).
 */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${text.length} characters, sha256:${createHash('sha256').update(text).digest('hex')}]`;
}

function publisher(value: unknown): Publisher | undefined {
  if (!isRecord(value) || typeof value.name !== 'string' || value.name === '') return undefined;
  const trusted =
    isRecord(value.trustedPublisher) && typeof value.trustedPublisher.id === 'string'
      ? bounded(value.trustedPublisher.id, MAX_NAME)
      : undefined;
  return {
    name: bounded(value.name, MAX_NAME),
    ...(typeof value.email === 'string' ? { email: bounded(value.email, MAX_NAME) } : {}),
    ...(trusted ? { trustedPublisher: trusted } : {}),
  };
}

function people(value: unknown): Person[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: Person[] = [];
  for (const p of value) {
    if (isRecord(p) && typeof p.name === 'string')
      out.push({ name: bounded(p.name, MAX_NAME), ...(typeof p.email === 'string' ? { email: bounded(p.email, MAX_NAME) } : {}) });
    else if (typeof p === 'string') out.push({ name: bounded(p.replace(/\s*<.*$/, ''), MAX_NAME) });
  }
  return out;
}

function repositoryUrl(value: unknown): string | undefined {
  if (typeof value === 'string') return bounded(value, MAX_TEXT);
  if (isRecord(value) && typeof value.url === 'string') return bounded(value.url, MAX_TEXT);
  return undefined;
}

/** Own properties only: a dependency named __proto__ or constructor stays plain data. */
function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).flatMap(([k, v]) => (typeof v === 'string' ? [[bounded(k, MAX_NAME), bounded(v, MAX_TEXT)]] : [])),
  );
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
