import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { type FileHandle, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RegistryError } from '../errors.js';
import type { MetadataClient } from './client.js';
import type { PackageFacts, VersionFacts } from '../model.js';

const FORMAT = 4;
/** A pack file this old that no index mentions is garbage, not a run still writing. */
const STALE_PACK_MS = 3_600_000;

/**
 * One package's facts as stored: a document of 20,000 versions repeats the same publisher,
 * maintainer list and install scripts 20,000 times, so each distinct value is stored once in
 * `values` and versions refer to it by index; each version's publish time is stored once, in
 * `publishTimes`; and only detailed versions carry their details.
 */
interface StoredFacts extends Omit<PackageFacts, 'versions' | 'publishTimes'> {
  readonly publishTimes: Array<[string, number]>;
  readonly values: unknown[];
  readonly versions: StoredVersion[];
}

/** [version, flags, publisher, maintainers, install scripts, details]: -1 for "absent". */
type StoredVersion = [string, number, number, number, number, StoredDetails?];
type StoredDetails = Pick<VersionFacts, 'dependencies' | 'deprecated' | 'repository' | 'integrity'> & { publishedAt?: number };

const DETAILED = 1;
const GYPFILE = 2;
const PROVENANCE = 4;

/** Where one package's facts sit: a byte range of a pack file. */
interface Entry {
  readonly pack: string;
  readonly offset: number;
  readonly length: number;
  readonly fetchedAt: number;
}

interface Index {
  readonly format: number;
  readonly entries: Record<string, Entry>;
}

export interface FactsCacheOptions {
  readonly dir: string;
  /** The registry the facts came from: a different registry is a different cache entry. */
  readonly registry: string;
  /** Facts younger than this are used without asking the registry. */
  readonly maxAgeMs: number;
  /** --offline: any cached facts, however old. */
  readonly offline: boolean;
  readonly now: () => number;
}

/**
 * depguard's own freshness policy in front of the registry: the compact facts of each package,
 * kept for `maxAgeMs` (registries here send no cache headers, so HTTP caching alone would ask
 * again on every run). A cached entry that lacks a version the run needs, or has it only in
 * outline, is stale whatever its age: a new release is exactly what must not be missed.
 *
 * Storage is one pack file per run (facts appended as they arrive) and one index of byte
 * ranges: thousands of packages cost one file, not thousands, and a small diff reads only the
 * ranges it needs. Writes stay inside depguard's cache directory; the index is replaced
 * atomically, and a run that loses a race with another only loses cache entries.
 */
export class CachedClient implements MetadataClient {
  readonly #dir: string;
  #index: Promise<Index> | undefined;
  /** Packs read this run, each opened once: a warm audit reads thousands of entries from a few packs. */
  readonly #packs = new Map<string, Promise<FileHandle>>();
  #pack: { name: string; stream: WriteStream; offset: number } | undefined;
  readonly #written = new Map<string, Entry>();

  constructor(
    private readonly inner: MetadataClient,
    private readonly options: FactsCacheOptions,
  ) {
    this.#dir = path.join(options.dir, `facts-v${FORMAT}`);
  }

  async packageFacts(name: string, versions: readonly string[] = []): Promise<PackageFacts> {
    const cached = await this.#read(name);
    if (
      cached &&
      (this.options.offline || this.options.now() - cached.fetchedAt < this.options.maxAgeMs) &&
      versions.every((v) => covers(cached.facts, v))
    ) {
      return cached.facts;
    }
    if (this.options.offline) {
      const lacking = cached ? versions.filter((v) => !covers(cached.facts, v)).map((v) => `${name}@${v}`) : [];
      throw new RegistryError(
        name,
        lacking.length > 0 ? `cached facts lack ${lacking.join(', ')} (--offline)` : 'not in the cache (--offline)',
      );
    }
    const facts = await this.inner.packageFacts(name, versions);
    this.#append(name, facts);
    return facts;
  }

  /** Writes the index for what this run fetched. Call once, after the last request. */
  async flush(): Promise<void> {
    const handles = [...this.#packs.values()];
    this.#packs.clear();
    await Promise.all(handles.map(async (handle) => (await handle.catch(() => null))?.close()));
    const pack = this.#pack;
    if (!pack) return;
    await new Promise<void>((resolve, reject) => pack.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    // merge with what other runs may have written meanwhile
    const current = await loadIndex(this.#dir);
    const entries = { ...current.entries, ...Object.fromEntries(this.#written) };
    const tmp = path.join(this.#dir, `index.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify({ format: FORMAT, entries } satisfies Index));
    await rename(tmp, path.join(this.#dir, 'index.json'));
    await this.#collect(entries);
  }

  #key(name: string): string {
    return `${withoutCredentials(this.options.registry)} ${name}`;
  }

  async #read(name: string): Promise<{ fetchedAt: number; facts: PackageFacts } | null> {
    this.#index ??= loadIndex(this.#dir);
    const entry = (await this.#index).entries[this.#key(name)];
    if (!entry) return null;
    try {
      let handle = this.#packs.get(entry.pack);
      if (!handle) {
        handle = open(path.join(this.#dir, entry.pack), 'r');
        this.#packs.set(entry.pack, handle);
      }
      const buffer = Buffer.alloc(entry.length);
      await (await handle).read(buffer, 0, entry.length, entry.offset);
      const stored = JSON.parse(buffer.toString('utf8')) as StoredFacts;
      if (stored.name !== name) return null;
      return { fetchedAt: entry.fetchedAt, facts: decode(stored) };
    } catch {
      return null; // a pack removed or cut short: a cache miss, nothing worse
    }
  }

  #append(name: string, facts: PackageFacts): void {
    if (!this.#pack) {
      const packName = `pack-${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}.ndjson`;
      // created once, synchronously, so that appends may start at once
      mkdirSync(this.#dir, { recursive: true });
      const stream = createWriteStream(path.join(this.#dir, packName), { flags: 'a' });
      stream.on('error', () => undefined); // a cache that cannot be written only costs speed
      this.#pack = { name: packName, stream, offset: 0 };
    }
    const line = Buffer.from(`${JSON.stringify(encode(facts))}\n`);
    this.#written.set(this.#key(name), {
      pack: this.#pack.name,
      offset: this.#pack.offset,
      length: line.length - 1,
      fetchedAt: this.options.now(),
    });
    this.#pack.offset += line.length;
    this.#pack.stream.write(line);
  }

  /** Removes pack files no index entry points to any more (and old enough not to be another run's, in progress). */
  async #collect(entries: Record<string, Entry>): Promise<void> {
    const live = new Set(Object.values(entries).map((e) => e.pack));
    const settled = this.options.now() - STALE_PACK_MS;
    for (const file of await readdir(this.#dir).catch(() => [] as string[])) {
      const started = Number(/^pack-(\d+)-/.exec(file)?.[1]);
      if (!live.has(file) && started < settled) await rm(path.join(this.#dir, file), { force: true });
    }
  }
}

export function encode(facts: PackageFacts): StoredFacts {
  const values: unknown[] = [];
  const indexOf = new Map<string, number>();
  const ref = (value: unknown): number => {
    if (value === undefined) return -1;
    const key = JSON.stringify(value);
    let i = indexOf.get(key);
    if (i === undefined) {
      i = values.push(value) - 1;
      indexOf.set(key, i);
    }
    return i;
  };
  const versions = [...facts.versions.values()].map((v): StoredVersion => {
    const flags = (v.detailed ? DETAILED : 0) | (v.gypfile ? GYPFILE : 0) | (v.hasProvenance ? PROVENANCE : 0);
    const scripts = Object.keys(v.installScripts).length ? ref(v.installScripts) : -1;
    const row: StoredVersion = [v.version, flags, ref(v.publisher), ref(v.maintainers), scripts];
    const ownTime = v.publishedAt !== facts.publishTimes.get(v.version);
    if (v.detailed || ownTime)
      row.push({
        dependencies: v.dependencies,
        deprecated: v.deprecated,
        repository: v.repository,
        integrity: v.integrity,
        ...(ownTime ? { publishedAt: v.publishedAt } : {}),
      });
    return row;
  });
  const { versions: _versions, publishTimes, ...rest } = facts;
  return { ...rest, publishTimes: [...publishTimes], values, versions };
}

export function decode(stored: StoredFacts): PackageFacts {
  const { values, versions: rows, publishTimes: times, ...rest } = stored;
  const publishTimes = new Map(times);
  const at = <T>(i: number): T | undefined => (i === -1 ? undefined : (values[i] as T));
  const versions = new Map<string, VersionFacts>();
  for (const [version, flags, publisher, maintainers, scripts, details] of rows) {
    versions.set(version, {
      version,
      detailed: (flags & DETAILED) !== 0,
      publishedAt: details && 'publishedAt' in details ? details.publishedAt : publishTimes.get(version),
      publisher: at(publisher),
      maintainers: at(maintainers),
      dependencies: details?.dependencies ?? {},
      installScripts: at(scripts) ?? {},
      gypfile: (flags & GYPFILE) !== 0,
      deprecated: details?.deprecated,
      repository: details?.repository,
      integrity: details?.integrity,
      hasProvenance: (flags & PROVENANCE) !== 0,
    });
  }
  return { ...rest, versions, publishTimes };
}

/** The registry as a cache key: a URL's user and password (https://user:pass@host/) stay out of the index. */
export function withoutCredentials(registry: string): string {
  const url = new URL(registry);
  url.username = '';
  url.password = '';
  return url.toString();
}

/** The facts hold `version` in full (not only in outline), or know it was withdrawn. */
function covers(facts: PackageFacts, version: string): boolean {
  const v = facts.versions.get(version);
  return v ? v.detailed : facts.publishTimes.has(version);
}

async function loadIndex(dir: string): Promise<Index> {
  try {
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as Index;
    if (index.format === FORMAT && index.entries && typeof index.entries === 'object') return index;
  } catch {
    // no cache yet, or an unreadable one: start empty
  }
  return { format: FORMAT, entries: {} };
}

/** $XDG_CACHE_HOME/depguard, else ~/.cache/depguard: depguard's own, never npm's. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME ?? path.join(env.HOME ?? os.homedir(), '.cache');
  return path.join(base, 'depguard');
}
