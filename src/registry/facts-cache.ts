import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MetadataClient } from './client.js';
import type { PackageFacts, VersionFacts } from './facts.js';

const FORMAT = 1;

interface Stored {
  readonly format: number;
  readonly registry: string;
  readonly name: string;
  readonly fetchedAt: number;
  readonly facts: Omit<PackageFacts, 'versions' | 'publishTimes'> & { versions: VersionFacts[]; publishTimes: Array<[string, number]> };
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
 * again on every run). A cached entry that lacks a version the run needs is stale whatever its
 * age: a new release is exactly what must not be missed. Writes go to depguard's cache directory
 * only, atomically (write, then rename).
 */
export class CachedClient implements MetadataClient {
  constructor(
    private readonly inner: MetadataClient,
    private readonly options: FactsCacheOptions,
  ) {}

  async packageFacts(name: string, versions: readonly string[] = []): Promise<PackageFacts> {
    const file = this.#file(name);
    const cached = await this.#read(file, name);
    if (cached && (this.options.offline || (this.options.now() - cached.fetchedAt < this.options.maxAgeMs && versions.every((v) => cached.facts.versions.has(v) || cached.facts.publishTimes.has(v))))) {
      return cached.facts;
    }
    const facts = await this.inner.packageFacts(name, versions);
    await this.#write(file, name, facts).catch(() => undefined); // a cache that cannot be written only costs speed
    return facts;
  }

  #file(name: string): string {
    const key = createHash('sha256').update(`${this.options.registry}\n${name}`).digest('hex');
    return path.join(this.options.dir, `facts-v${FORMAT}`, key.slice(0, 2), `${key}.json`);
  }

  async #read(file: string, name: string): Promise<{ fetchedAt: number; facts: PackageFacts } | null> {
    let stored: Stored;
    try {
      stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
    } catch {
      return null;
    }
    if (stored.format !== FORMAT || stored.name !== name || stored.registry !== this.options.registry) return null;
    const f = stored.facts;
    return { fetchedAt: stored.fetchedAt, facts: { ...f, versions: new Map(f.versions.map((v) => [v.version, v])), publishTimes: new Map(f.publishTimes) } };
  }

  async #write(file: string, name: string, facts: PackageFacts): Promise<void> {
    const stored: Stored = {
      format: FORMAT,
      registry: this.options.registry,
      name,
      fetchedAt: this.options.now(),
      facts: { ...facts, versions: [...facts.versions.values()], publishTimes: [...facts.publishTimes] },
    };
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored));
    await rename(tmp, file);
  }
}
