import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { FileError } from './errors.js';

/**
 * The one way depguard opens a file it did not create: lockfiles, the files beside them, policy
 * files, .npmrc, and the report it writes. A repository is written by strangers, so:
 * - only regular files are opened: a FIFO would hang the run, a device would never end;
 * - a path inside `root` must resolve inside it: a committed symbolic link to /etc/passwd or
 *   ~/.npmrc is refused before a byte is read, so no error message can quote it;
 * - reads are bounded.
 * A path outside `root` is the user's own (they named it on the command line) and is followed.
 */
export interface FileOptions {
  /** The repository (or project) a stranger may have written. */
  readonly root?: string;
  /** How the file is named in errors (default: its path). */
  readonly label?: string;
}

export interface ReadOptions extends FileOptions {
  readonly maxBytes: number;
  /** Said after "over the N MB limit", e.g. how to raise it. */
  readonly limitHint?: string;
}

/** The file's text; null when nothing is there (a dangling link counts as nothing). */
export function readRegularFile(file: string, options: ReadOptions): string | null {
  const label = options.label ?? file;
  const real = resolveInside(file, options.root, label);
  if (real === null) return null;
  checkKind(lstatOrNull(real, label), label);
  let fd: number;
  try {
    // O_NONBLOCK: should the file have become a FIFO since the check, opening it does not wait
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    if (isMissing(error)) return null;
    throw new FileError(label, `cannot be read (${codeOf(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    checkKind(stat, label);
    if (stat.size > options.maxBytes)
      throw new FileError(
        label,
        `is ${mb(stat.size)}, over the ${mb(options.maxBytes)} limit${options.limitHint ? ` (${options.limitHint})` : ''}`,
      );
    // one byte more than it should hold: a file that grows while it is read is not read on and on
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) throw new FileError(label, 'changed while it was read');
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(label, `cannot be read (${codeOf(error)})`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes (creates or replaces) a regular file. An existing FIFO, device or directory is refused,
 * and so is a path inside `root` that resolves outside it: a committed `report.sarif` linking to
 * ~/.bashrc must not be overwritten.
 */
export function writeRegularFile(file: string, text: string, options: FileOptions): void {
  const label = options.label ?? file;
  let target: string;
  if (lstatOrNull(file, label) === null) {
    target = path.join(resolveDirInside(path.dirname(path.resolve(file)), options.root, label), path.basename(file));
  } else {
    const real = resolveInside(file, options.root, label);
    if (real === null) throw new FileError(label, 'is a symbolic link to nothing: refused');
    checkKind(lstatOrNull(real, label), label);
    target = real;
  }
  let fd: number;
  try {
    fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o666);
  } catch (error) {
    throw new FileError(label, `cannot be written (${codeOf(error)})`);
  }
  try {
    checkKind(fstatSync(fd), label);
    const buffer = Buffer.from(text);
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(label, `cannot be written (${codeOf(error)})`);
  } finally {
    closeSync(fd);
  }
}

/** The real path of `file`; null when it does not exist. Refused when it leaves `root` from inside it. */
function resolveInside(file: string, root: string | undefined, label: string): string | null {
  if (lstatOrNull(file, label) === null) return null;
  const real = realpathOrNull(file);
  if (real === null) return null; // a link to nothing
  if (root !== undefined && isUnder(file, root) && !inside(real, realRoot(root)))
    throw new FileError(label, 'is a symbolic link to a file outside the repository: refused');
  return real;
}

/** The same for a directory a new file is created in. */
function resolveDirInside(dir: string, root: string | undefined, label: string): string {
  const real = realpathOrNull(dir);
  if (real === null) throw new FileError(label, 'cannot be written (ENOENT)');
  if (root !== undefined && isUnder(path.join(dir, 'x'), root) && !inside(real, realRoot(root)))
    throw new FileError(label, 'is in a directory that links outside the repository: refused');
  return real;
}

/** Whether the path was named inside `root`, spelled either way, or sits in a directory that really is. */
function isUnder(file: string, root: string): boolean {
  const abs = path.resolve(file);
  const parent = realpathOrNull(path.dirname(abs));
  return inside(abs, root) || inside(abs, realRoot(root)) || (parent !== null && inside(parent, realRoot(root)));
}

function realRoot(root: string): string {
  return realpathOrNull(root) ?? path.resolve(root);
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function checkKind(stat: Stats | null, label: string): void {
  if (stat === null || stat.isFile()) return;
  const kind = stat.isFIFO()
    ? 'a FIFO'
    : stat.isSocket()
      ? 'a socket'
      : stat.isCharacterDevice() || stat.isBlockDevice()
        ? 'a device'
        : stat.isDirectory()
          ? 'a directory'
          : 'not a file';
  throw new FileError(label, `is ${kind}, not a regular file: refused`);
}

function lstatOrNull(file: string, label: string): Stats | null {
  try {
    return lstatSync(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw new FileError(label, `cannot be read (${codeOf(error)})`);
  }
}

function realpathOrNull(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
