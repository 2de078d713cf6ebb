import { readFile } from 'node:fs/promises';
import ssri from 'ssri';
import type { TarballFetcher } from './analyzer.js';
import { fileFor, keep } from './by-integrity.js';

/**
 * Tarballs kept in depguard's own cache directory by integrity (never by URL: a registry URL may
 * carry credentials), checked again on every read. A tarball never changes for one integrity; one
 * fetched without an integrity is not kept.
 */
export class StoredTarballs implements TarballFetcher {
  constructor(
    private readonly inner: TarballFetcher,
    private readonly dir: string,
  ) {}

  async tarball(name: string, version: string, integrity: string | null): Promise<Buffer> {
    const file = integrity ? fileFor(this.dir, integrity, '.tgz') : null;
    if (file) {
      const kept = await readFile(file).catch(() => null);
      if (kept && ssri.checkData(kept, integrity!)) return kept;
    }
    const tgz = await this.inner.tarball(name, version, integrity);
    if (file) await keep(file, tgz);
    return tgz;
  }
}
