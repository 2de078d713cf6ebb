import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where depguard keeps what never changes for one integrity (a tarball, its analysis): a file
 * named by the integrity's sha256 under `dir`, never by a URL (a registry URL may carry
 * credentials).
 */
export function fileFor(dir: string, integrity: string, extension: string): string {
  const key = createHash('sha256').update(integrity).digest('hex');
  return path.join(dir, key.slice(0, 2), `${key}${extension}`);
}

/** Writes `file` whole or not at all (a temporary file, renamed); a cache that cannot be written only costs speed. */
export async function keep(file: string, data: string | Uint8Array): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch {
    // a read-only or full disk: the next run fetches again
  }
}
