/**
 * Reads a package tarball (.tgz) in memory, never on disk: the files npm would install from it
 * (pacote extracts with `strip: 1` and drops links), with what was refused or suspicious about
 * the archive itself. Bounded: limits on total and per-file bytes, entries and the decompression
 * ratio stop reading early instead of exhausting memory.
 */
import { Parser, type ReadEntry } from 'tar';
import type { TarProblem, TarProblemKind } from './model.js';

/** How much of a tarball is read before giving up. */
export interface TarLimits {
  /** Total size of the package's files (their declared sizes, held or not); reading stops beyond it. */
  readonly maxUnpackedBytes: number;
  /** Entries of any type (files, directories, links ...); reading stops beyond it. */
  readonly maxEntries: number;
  /** One file: larger files are listed (size, no bytes) and reported. */
  readonly maxFileBytes: number;
  /** Decompressed / compressed bytes so far (tar's maxDecompressionRatio); reading stops beyond it. */
  readonly maxRatio: number;
}

/** 64 MiB per package, 20,000 entries, 16 MiB per file, a ratio of 200. */
export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxUnpackedBytes: 64 * 1024 * 1024,
  maxEntries: 20_000,
  maxFileBytes: 16 * 1024 * 1024,
  maxRatio: 200,
};

/** A regular file of the package. */
export interface TarFile {
  /** Inside the package: the archive's first segment stripped, `\` and `.` segments normalised. */
  readonly path: string;
  /** Declared in the archive's header. */
  readonly size: number;
  /** Permission bits from the archive's header (npm adds owner read/write and bin executable bits). */
  readonly mode: number;
  /** undefined when over maxFileBytes */
  readonly bytes?: Uint8Array;
}

/** What a tarball holds. */
export interface TarballContents {
  /** By path inside the package (first segment stripped), as npm would install them; sorted. */
  readonly files: readonly TarFile[];
  readonly problems: readonly TarProblem[];
  /** False when a limit stopped reading: the file list is partial. */
  readonly complete: boolean;
}

/** Compressed bytes handed to tar at a time: minizlib inflates a whole write at once, so this bounds one write's output (~16 MiB). */
const WRITE_CHUNK = 16 * 1024;

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const LINK_TYPES = new Set(['Link', 'SymbolicLink']);
const SPECIAL_TYPES = new Set(['CharacterDevice', 'BlockDevice', 'FIFO']);

/** A file whose bytes are still arriving. */
interface Pending {
  readonly path: string;
  readonly size: number;
  readonly mode: number;
  readonly bytes: Uint8Array | undefined;
  received: number;
}

/**
 * Where npm would install an archive path, inside the package directory: `\` read as `/`,
 * the first segment stripped whatever its name, `.` and empty segments dropped. A problem
 * kind instead for `..` and absolute paths; undefined for the package directory itself.
 */
function packagePath(archivePath: string): string | { readonly problem: 'traversal' | 'absolute' } | undefined {
  const p = archivePath.replaceAll('\\', '/');
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return { problem: 'absolute' };
  const parts = p.split('/');
  if (parts.includes('..')) return { problem: 'traversal' };
  const inside = parts.slice(1).filter((s) => s !== '' && s !== '.');
  return inside.length ? inside.join('/') : undefined;
}

/** Never throws for bad input: a corrupt or hostile tarball is a result with problems. */
export function readTarball(tgz: Uint8Array, limits: TarLimits = DEFAULT_TAR_LIMITS): Promise<TarballContents> {
  const files = new Map<string, Pending>();
  const problems: TarProblem[] = [];
  const corrupt = new Set<string>();
  const sawNpmignore = new Set<string>();
  let complete = true;
  let stopped = false;
  let entries = 0;
  let unpacked = 0;

  const parser = new Parser({ maxDecompressionRatio: limits.maxRatio });

  const problem = (kind: TarProblemKind, path: string, detail: string) => problems.push({ kind, path, detail });
  const reportCorrupt = (path: string, detail: string) => {
    complete = false;
    if (corrupt.has(detail)) return;
    corrupt.add(detail);
    problem('corrupt', path, detail);
  };
  const stop = (kind: TarProblemKind, path: string, detail: string) => {
    if (stopped) return;
    stopped = true;
    complete = false;
    problem(kind, path, detail);
    parser.abort(new Error(detail));
  };

  parser.on('entry', (entry: ReadEntry) => {
    if (stopped) return void entry.resume();
    entries++;
    if (entries > limits.maxEntries) {
      entry.resume();
      return stop('too-many-entries', entry.path, `more than ${limits.maxEntries} entries`);
    }
    const type = String(entry.type);
    if (LINK_TYPES.has(type)) {
      problem('link', entry.path, `${type === 'Link' ? 'hard link' : 'symbolic link'} to ${entry.linkpath ?? ''}`);
      return void entry.resume();
    }
    if (SPECIAL_TYPES.has(type)) {
      problem('special', entry.path, type);
      return void entry.resume();
    }
    if (!FILE_TYPES.has(type)) return void entry.resume();
    let path = packagePath(entry.path);
    if (typeof path === 'object') {
      problem(path.problem, entry.path, path.problem === 'traversal' ? "path contains '..'" : 'absolute path');
      return void entry.resume();
    }
    if (path === undefined) return void entry.resume();
    // pacote: a .gitignore is installed as .npmignore unless the archive had one there first
    if (/(^|\/)\.npmignore$/.test(path)) sawNpmignore.add(path);
    else if (/(^|\/)\.gitignore$/.test(path)) {
      const renamed = path.replace(/\.gitignore$/, '.npmignore');
      if (sawNpmignore.has(renamed)) return void entry.resume();
      path = renamed;
    }
    const size = entry.size;
    unpacked += size;
    if (unpacked > limits.maxUnpackedBytes) {
      entry.resume();
      return stop('too-large', entry.path, `more than ${limits.maxUnpackedBytes} bytes unpacked`);
    }
    if (files.has(path)) problem('duplicate', entry.path, `a later entry replaces ${path}`);
    const tooLarge = size > limits.maxFileBytes;
    if (tooLarge) problem('file-too-large', entry.path, `${size} bytes, over ${limits.maxFileBytes}`);
    const pending: Pending = {
      path,
      size,
      mode: (entry.mode ?? 0o644) & 0o7777,
      bytes: tooLarge ? undefined : new Uint8Array(size),
      received: 0,
    };
    files.set(path, pending);
    if (!pending.bytes) return void entry.resume();
    const bytes = pending.bytes;
    // copied, never kept: a chunk is a view of tar's whole inflated block
    entry.on('data', (chunk: Buffer) => {
      const n = Math.min(chunk.length, size - pending.received);
      bytes.set(chunk.subarray(0, n), pending.received);
      pending.received += n;
    });
  });
  parser.on('warn', (code: string, message: string | Error) => {
    const text = typeof message === 'string' ? message : message.message;
    if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ENTRY_INVALID') reportCorrupt('', `${code}: ${text}`);
  });

  return new Promise((resolve) => {
    const done = () =>
      resolve({
        files: [...files.values()]
          .map(
            ({ path, size, mode, bytes, received }): TarFile => ({
              path,
              size,
              mode,
              ...(bytes ? { bytes: received === size ? bytes : bytes.subarray(0, received) } : {}),
            }),
          )
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
        problems,
        complete,
      });
    parser.on('error', (error: Error) => {
      if (stopped) return done();
      stopped = true;
      if (/max decompression ratio exceeded/.test(error.message)) {
        complete = false;
        problem('ratio', '', error.message);
      } else reportCorrupt('', error.message);
      done();
    });
    parser.on('end', done);
    try {
      const input = Buffer.from(tgz.buffer, tgz.byteOffset, tgz.byteLength);
      for (let at = 0; at < input.length && !stopped; at += WRITE_CHUNK) parser.write(input.subarray(at, at + WRITE_CHUNK));
      if (!stopped) parser.end();
    } catch (error) {
      // tar throws for a few malformed inputs instead of warning
      if (!stopped) {
        stopped = true;
        reportCorrupt('', error instanceof Error ? error.message : String(error));
        done();
      }
    }
  });
}
