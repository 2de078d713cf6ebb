import semver from 'semver';
import type { Advisory, AdvisorySeverity, AdvisoryView } from '../model.js';
import { isRecord } from '../records.js';

/**
 * npm's bulk advisory endpoint, as npm itself asks it (@npmcli/arborist's audit-report.js):
 * `POST <registry>/-/npm/v1/security/advisories/bulk`, a gzipped JSON body
 * `{ "<name>": ["<version>", ...] }`, and the answer `{ "<name>": [{ id, url, title, severity,
 * vulnerable_versions, cwe, cvss }] }` (a name without advisories is left out).
 */
export const BULK_ADVISORY_PATH = '-/npm/v1/security/advisories/bulk';

/** One request body at most this large (JSON, before gzip): a whole tree's names are sent in several. */
const MAX_BODY_BYTES = 256 * 1024;

/** The request bodies for these names and versions, each under MAX_BODY_BYTES (a name is never split). */
export function bulkBodies(wanted: ReadonlyMap<string, readonly string[]>): Record<string, string[]>[] {
  const bodies: Record<string, string[]>[] = [];
  let body: Record<string, string[]> = {};
  let size = 2;
  for (const [name, versions] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = [...new Set(versions)];
    const entry = JSON.stringify(name).length + JSON.stringify(list).length + 2;
    if (size + entry > MAX_BODY_BYTES && Object.keys(body).length > 0) {
      bodies.push(body);
      body = {};
      size = 2;
    }
    body[name] = list;
    size += entry;
  }
  if (Object.keys(body).length > 0) bodies.push(body);
  return bodies;
}

const SEVERITIES: readonly AdvisorySeverity[] = ['info', 'low', 'moderate', 'high', 'critical'];
const MAX_TITLE = 300;
const MAX_URL = 2_000;
const MAX_ID = 100;
const MAX_CWE = 32;
/** A name with more advisories than this is an answer depguard does not read. */
const MAX_ADVISORIES = 2_000;

const UNREADABLE = 'the advisory endpoint sent an advisory depguard cannot read';

/**
 * The answer for each name asked (names the registry added are left out): its advisories, or
 * why they could not be read. A body that is not the endpoint's object is null. Defaults are
 * npm's own (audit-report.js, metavuln-calculator): no `severity` is high, no
 * `vulnerable_versions` is every version; anything else that is not what the shape says makes
 * that name's check not made, never "no advisories".
 */
export function readBulkResponse(body: unknown, asked: Iterable<string>): Map<string, AdvisoryView> | null {
  // every value of the endpoint's object is a list: `{ "error": "..." }` is some other answer
  if (!isRecord(body) || Object.values(body).some((v) => !Array.isArray(v))) return null;
  const out = new Map<string, AdvisoryView>();
  for (const name of asked) {
    const list = (Object.hasOwn(body, name) ? body[name] : []) as unknown[];
    if (list.length > MAX_ADVISORIES) {
      out.set(name, { unavailable: UNREADABLE });
      continue;
    }
    const advisories = list.map(readAdvisory);
    out.set(name, advisories.every((a) => a !== null) ? { advisories: advisories as Advisory[] } : { unavailable: UNREADABLE });
  }
  return out;
}

function readAdvisory(raw: unknown): Advisory | null {
  if (!isRecord(raw)) return null;
  const { id, url, title, severity = 'high', vulnerable_versions: range = '*', cwe } = raw;
  if (!((typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id !== '' && id.length <= MAX_ID))) return null;
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) return null;
  if (typeof range !== 'string' || semver.validRange(range, { loose: true }) === null) return null;
  return {
    id,
    url: typeof url === 'string' && url.length <= MAX_URL && /^https?:\/\//i.test(url) ? url : null,
    title: typeof title === 'string' ? title.slice(0, MAX_TITLE) : '',
    severity: severity as AdvisorySeverity,
    vulnerableVersions: range,
    cwe: Array.isArray(cwe) ? cwe.filter((c): c is string => typeof c === 'string' && c.length <= 20).slice(0, MAX_CWE) : [],
  };
}
