import { existsSync, statSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { GitError, LockfileError, UsageError } from '../errors.js';
import { repoRoot, showFile } from './git.js';

/** Where one side of a diff comes from. */
export type LockSource =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'git'; readonly rev: string; readonly file: string }
  | { readonly kind: 'index'; readonly file: string }
  /** No lockfile at all: the empty tree (audit, or a base revision before the lockfile existed). */
  | { readonly kind: 'empty'; readonly label: string };

/** A lockfile's text, with the package.json that sat beside it when there was one. */
export interface LockfileText {
  readonly label: string;
  readonly fileName: string;
  readonly lockfile: string | null;
  readonly packageJson: string | null;
}

const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json'];

/** The lockfile npm would use in `dir`: npm-shrinkwrap.json wins over package-lock.json. */
export function findLockfile(dir: string): string {
  for (const name of LOCKFILE_NAMES) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new UsageError(`no package-lock.json or npm-shrinkwrap.json in ${dir} (choose one with --lockfile PATH)`);
}

/**
 * Turns a --base/--head value into a source: an existing file is a lockfile path, anything else
 * is a git revision of the repository holding `lockfile`.
 */
export function parseSourceSpec(spec: string, lockfile: () => string, cwd: string): LockSource {
  const asPath = path.resolve(cwd, spec);
  if (existsSync(asPath)) {
    if (statSync(asPath).isDirectory()) return { kind: 'file', file: findLockfile(asPath) };
    return { kind: 'file', file: asPath };
  }
  if (looksLikePath(spec)) throw new LockfileError(spec, 'no such file');
  return { kind: 'git', rev: spec, file: lockfile() };
}

export function describeSource(source: LockSource, cwd: string): string {
  switch (source.kind) {
    case 'file':
      return shortPath(source.file, cwd);
    case 'git':
      return `${source.rev}:${shortPath(source.file, cwd)}`;
    case 'index':
      return `index:${shortPath(source.file, cwd)}`;
    case 'empty':
      return source.label;
  }
}

export async function readSource(source: LockSource, cwd: string, maxBytes: number): Promise<LockfileText> {
  const label = describeSource(source, cwd);
  switch (source.kind) {
    case 'empty':
      return { label, fileName: 'package-lock.json', lockfile: null, packageJson: null };
    case 'file': {
      let size: number;
      try {
        size = statSync(source.file).size;
      } catch {
        throw new LockfileError(label, 'no such file');
      }
      if (size > maxBytes) throw new LockfileError(label, `is ${mb(size)}, over the ${mb(maxBytes)} limit (raise it with --max-lockfile-size)`);
      const lockfile = await readFile(source.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new LockfileError(label, `cannot be read (${error.code ?? error.message})`);
      });
      const beside = path.join(path.dirname(source.file), 'package.json');
      const packageJson = existsSync(beside) ? await readFile(beside, 'utf8').catch(() => null) : null;
      return { label, fileName: path.basename(source.file), lockfile, packageJson };
    }
    case 'git':
    case 'index': {
      const { root, repoPath: rel } = await inRepository(source.file);
      const rev = source.kind === 'git' ? source.rev : '';
      const lockfile = await showFile(root, rev, rel);
      if (lockfile !== null && Buffer.byteLength(lockfile) > maxBytes) {
        throw new LockfileError(label, `is ${mb(Buffer.byteLength(lockfile))}, over the ${mb(maxBytes)} limit (raise it with --max-lockfile-size)`);
      }
      const pkgRel = path.posix.join(path.posix.dirname(rel), 'package.json');
      const packageJson = lockfile === null ? null : await showFile(root, rev, pkgRel);
      return { label, fileName: path.basename(source.file), lockfile, packageJson };
    }
  }
}

/**
 * The lockfile's path as code scanning and annotations name it: relative to the root of the git
 * work tree holding it, with `/` separators; outside a repository, relative to `cwd`.
 */
export async function repositoryPath(file: string, cwd: string): Promise<string> {
  try {
    return (await inRepository(file)).repoPath;
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return toPosix(path.relative(cwd, file));
  }
}

/** The work tree holding `file`, and the file's path in it (git reports the root with symlinks resolved). */
async function inRepository(file: string): Promise<{ root: string; repoPath: string }> {
  const dir = path.dirname(file);
  const root = await repoRoot(dir);
  const realDir = await realpath(dir).catch(() => dir);
  return { root, repoPath: toPosix(path.relative(root, path.join(realDir, path.basename(file)))) };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Git revisions may contain slashes (origin/main) but do not end like lockfiles or start like paths. */
function looksLikePath(spec: string): boolean {
  return /\.(json|ya?ml|lock|lockb)$/.test(spec) || /^(\.{0,2}\/|~\/|[a-zA-Z]:\\)/.test(spec);
}

function shortPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel === '' || rel.startsWith('..') ? file : rel;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
