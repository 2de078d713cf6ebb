import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ssri from 'ssri';
import type { TarballFetcher } from './analyzer.js';

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
    const file = integrity ? this.#file(integrity) : null;
    if (file) {
      const kept = await readFile(file).catch(() => null);
      if (kept && ssri.checkData(kept, integrity!)) return kept;
    }
    const tgz = await this.inner.tarball(name, version, integrity);
    if (file) await keep(file, tgz);
    return tgz;
  }

  #file(integrity: string): string {
    const key = createHash('sha256').update(integrity).digest('hex');
    return path.join(this.dir, key.slice(0, 2), `${key}.tgz`);
  }
}

async function keep(file: string, tgz: Buffer): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, tgz);
    await rename(tmp, file);
  } catch {
    // a cache that cannot be written only costs a fetch
  }
}
