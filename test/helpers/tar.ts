import fs from 'node:fs';
import zlib from 'node:zlib';
import { expect, vi } from 'vitest';

/** One hand-written tar entry: anything a hostile archive may hold. */
export interface RawEntry {
  path: string;
  /** tar type flag: '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' directory, '6' FIFO. */
  type?: string;
  body?: string | Uint8Array;
  linkpath?: string;
  mode?: number;
  /** A size for the header other than the body's (a body streamed separately). */
  size?: number;
}

/** A ustar header (512 bytes) for `e`. */
function tarHeader(e: RawEntry): Buffer {
  const size = e.size ?? (e.body === undefined ? 0 : Buffer.byteLength(e.body));
  const header = Buffer.alloc(512);
  header.write(e.path, 0, 100, 'utf8');
  header.write(`${(e.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('14000000000\0', 136);
  header.write('        ', 148);
  header.write(e.type ?? '0', 156);
  if (e.linkpath) header.write(e.linkpath, 157, 100, 'utf8');
  header.write('ustar\x0000', 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** An uncompressed tar archive of `entries`, with its end-of-archive blocks. */
export function tarArchive(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    blocks.push(tarHeader(e));
    if (e.body !== undefined) {
      const body = Buffer.from(e.body);
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A gzipped tar archive of `entries`. */
export function tgz(entries: readonly RawEntry[]): Buffer {
  return zlib.gzipSync(tarArchive(entries));
}

/**
 * A gzip bomb, built without holding it: one file `package/bomb.bin` declared `bytes` long, all
 * zeros, compressed as it is generated (200 MB of zeros gzip to ~200 KB).
 */
export async function gzipBomb(bytes: number): Promise<Buffer> {
  const gzip = zlib.createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const finished = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  const write = (chunk: Buffer) => new Promise<void>((resolve) => (gzip.write(chunk) ? resolve() : gzip.once('drain', resolve)));
  await write(tarHeader({ path: 'package/bomb.bin', size: bytes }));
  for (let left = bytes; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  gzip.end(Buffer.alloc(1024));
  await finished;
  return Buffer.concat(out);
}

/** Runs `fn` and fails if it opened, created or linked anything through node:fs, or changed `dirs`' listings. */
export async function expectNoDiskWrites<T>(dirs: readonly string[], fn: () => Promise<T>): Promise<T> {
  const listing = () => dirs.map((d) => fs.readdirSync(d).sort().join('\n'));
  const before = listing();
  const methods = [
    'open',
    'openSync',
    'writeFile',
    'writeFileSync',
    'mkdir',
    'mkdirSync',
    'createWriteStream',
    'symlink',
    'symlinkSync',
    'link',
    'linkSync',
  ] as const;
  const spies = methods.map((m) => vi.spyOn(fs, m));
  const promiseSpies = (['open', 'writeFile', 'mkdir', 'symlink', 'link'] as const).map((m) => vi.spyOn(fs.promises, m));
  try {
    const result = await fn();
    for (const spy of [...spies, ...promiseSpies]) expect(spy).not.toHaveBeenCalled();
    expect(listing()).toEqual(before);
    return result;
  } finally {
    for (const spy of [...spies, ...promiseSpies]) spy.mockRestore();
  }
}
