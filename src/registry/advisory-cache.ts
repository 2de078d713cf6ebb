import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Advisory, AdvisoryView } from '../model.js';
import type { AdvisorySource } from './advisory-client.js';
import { withoutCredentials } from './facts-cache.js';

const FORMAT = 1;
/**
 * Advisories are asked again after this long at most: containment needs fresh answers (a
 * malware advisory published a minute ago must reach the next run), so the cache only spares a
 * burst of runs (a hook, then CI) the same request. A shorter --cache-max-age shortens it.
 */
export const ADVISORY_MAX_AGE_MS = 5 * 60_000;
/** Entries older than this are dropped when the file is written (only --offline would still read them). */
const KEEP_MS = 7 * 86_400_000;

interface Entry {
  readonly fetchedAt: number;
  /** Every advisory the registry returned for the name, when it was asked about this version. */
  readonly advisories: readonly Advisory[];
}

interface Stored {
  readonly format: number;
  readonly entries: Record<string, Entry>;
}

export interface AdvisoryCacheOptions {
  /** depguard's cache directory. */
  readonly dir: string;
  /** The registry a name's advisories come from (its scoped registry): a different registry is a different entry. */
  readonly registryOf: (name: string) => string;
  readonly maxAgeMs: number;
  /** --offline: cached answers only, however old; nothing is asked. */
  readonly offline: boolean;
  readonly now: () => number;
}

/**
 * The endpoint's answers by registry, name and version, in one small file of depguard's cache
 * directory, kept for a few minutes (ADVISORY_MAX_AGE_MS). Only answers are kept: a registry
 * without the endpoint, or a failed request, is asked again next run.
 */
export class CachedAdvisories implements AdvisorySource {
  readonly #file: string;
  #stored: Promise<Stored> | undefined;
  readonly #written = new Map<string, Entry>();

  constructor(
    private readonly inner: AdvisorySource,
    private readonly options: AdvisoryCacheOptions,
  ) {
    this.#file = path.join(options.dir, `advisories-v${FORMAT}.json`);
  }

  async advisories(wanted: ReadonlyMap<string, readonly string[]>): Promise<Map<string, AdvisoryView>> {
    const { entries } = await this.#load();
    const { offline, maxAgeMs, now } = this.options;
    const out = new Map<string, AdvisoryView>();
    const ask = new Map<string, readonly string[]>();
    for (const [name, versions] of wanted) {
      const cached = versions.map((v) => entries[this.#key(name, v)]);
      if (cached.every((e) => e !== undefined && (offline || now() - e.fetchedAt < maxAgeMs))) {
        out.set(name, { advisories: union(cached as Entry[]) });
      } else if (offline) {
        out.set(name, { unavailable: 'advisories not in the cache (--offline)' });
      } else ask.set(name, versions);
    }
    if (ask.size === 0) return out;
    const fetchedAt = now();
    for (const [name, view] of await this.inner.advisories(ask)) {
      out.set(name, view);
      if ('advisories' in view)
        for (const v of ask.get(name) ?? []) this.#written.set(this.#key(name, v), { fetchedAt, advisories: view.advisories });
    }
    return out;
  }

  /** Writes what this run learned, merged with what other runs wrote meanwhile. Call once, after the run. */
  async flush(): Promise<void> {
    if (this.#written.size === 0) return;
    const current = await readStored(this.#file);
    const settled = this.options.now() - KEEP_MS;
    const entries = Object.fromEntries(
      Object.entries({ ...current.entries, ...Object.fromEntries(this.#written) }).filter(([, e]) => e.fetchedAt > settled),
    );
    try {
      await mkdir(this.options.dir, { recursive: true });
      const tmp = `${this.#file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, JSON.stringify({ format: FORMAT, entries } satisfies Stored));
      await rename(tmp, this.#file);
    } catch {
      // a cache that cannot be written only costs a request
    }
  }

  #load(): Promise<Stored> {
    this.#stored ??= readStored(this.#file);
    return this.#stored;
  }

  #key(name: string, version: string): string {
    return `${withoutCredentials(this.options.registryOf(name))} ${name}@${version}`;
  }
}

/** Each advisory once (by id), whichever version's entry it came with. */
function union(entries: readonly Entry[]): Advisory[] {
  const byId = new Map<string, Advisory>();
  for (const e of entries) for (const a of e.advisories) byId.set(String(a.id), a);
  return [...byId.values()];
}

async function readStored(file: string): Promise<Stored> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
    if (stored.format === FORMAT && stored.entries && typeof stored.entries === 'object') return stored;
  } catch {
    // no cache yet, or an unreadable one: start empty
  }
  return { format: FORMAT, entries: {} };
}
