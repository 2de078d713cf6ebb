import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEADLINE_PASSED } from '../registry/deadline.js';
import { RegistryError } from '../errors.js';
import type { FileAnalysis } from './model.js';
import { analysePackage, type PackageAnalysis } from './package.js';
import { fileFor, keep } from './by-integrity.js';
import { AnalyzerPool } from './pool.js';
import { readTarball, type TarLimits } from './tarball.js';

/** Where the engine gets a package version's code analysis. */
export interface CodeSource {
  /**
   * The analysis of name@version as the registry serves it, checked against `integrity` (the
   * lockfile's, else the registry's). Rejects with RegistryError (the check is then listed as
   * not made) or IntegrityMismatchError.
   */
  analysis(name: string, version: string, integrity: string | null): Promise<PackageAnalysis>;
}

/** What fetches a tarball: PacoteClient, or a test's own. */
export interface TarballFetcher {
  tarball(name: string, version: string, integrity: string | null): Promise<Buffer>;
}

export interface AnalyzerOptions {
  /** depguard's cache directory; analyses are kept under it by integrity. Undefined: none. */
  readonly cacheDir?: string;
  /** Only cached analyses: nothing is fetched. */
  readonly offline: boolean;
  readonly limits?: TarLimits;
  /** The run's deadline (or its interruption): a tarball that arrives after it is kept, not analysed. */
  readonly signal?: AbortSignal;
}

const FORMAT = 1;
/** Tarballs held unpacked in memory at once (each up to the limits' maxUnpackedBytes). */
const READING_AT_ONCE = 4;
/** File analyses kept across packages in one run (two versions share most files). */
const MEMO_ENTRIES = 20_000;

/**
 * Fetches, reads in memory and analyses tarballs; an analysis never changes for one integrity, so
 * it is cached by it (a warm run neither fetches nor parses).
 */
export class TarballAnalyzer implements CodeSource {
  readonly #memo = new Map<string, Promise<FileAnalysis>>();
  readonly #pool = new AnalyzerPool();
  readonly #dir: string | undefined;
  readonly #reading = new Slots(READING_AT_ONCE);

  constructor(
    private readonly fetcher: TarballFetcher,
    private readonly options: AnalyzerOptions,
  ) {
    this.#dir = options.cacheDir === undefined ? undefined : path.join(options.cacheDir, `code-v${FORMAT}`);
  }

  async analysis(name: string, version: string, integrity: string | null): Promise<PackageAnalysis> {
    const cached = integrity ? await this.#read(integrity) : null;
    if (cached) return cached;
    if (this.options.offline) throw new RegistryError(name, `no code analysis of ${name}@${version} in the cache (--offline)`);
    const tgz = await this.fetcher.tarball(name, version, integrity);
    if (this.options.signal?.aborted) throw new RegistryError(name, DEADLINE_PASSED);
    const analysis = await this.#reading.run(async () => {
      const contents = await readTarball(tgz, this.options.limits);
      if (this.#memo.size > MEMO_ENTRIES) this.#memo.clear();
      return analysePackage(contents, (p, b) => this.#pool.analyze(p, b), this.#memo);
    });
    await this.#write(integrity ?? `sha512-${createHash('sha512').update(tgz).digest('base64')}`, analysis);
    return analysis;
  }

  /** Stops the analyzer threads (the run's last tarball is read). */
  close(): Promise<void> {
    return this.#pool.close();
  }

  async #read(integrity: string): Promise<PackageAnalysis | null> {
    if (!this.#dir) return null;
    try {
      const stored = JSON.parse(await readFile(fileFor(this.#dir, integrity, '.json'), 'utf8')) as {
        integrity: string;
        analysis: PackageAnalysis;
      };
      return stored.integrity === integrity ? stored.analysis : null;
    } catch {
      return null; // absent or damaged: a miss
    }
  }

  async #write(integrity: string, analysis: PackageAnalysis): Promise<void> {
    if (this.#dir) await keep(fileFor(this.#dir, integrity, '.json'), JSON.stringify({ integrity, analysis }));
  }
}

/** At most `size` tasks at once; the others wait their turn in order. */
class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
