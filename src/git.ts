import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileError, GitError } from './errors.js';
import { mb } from './files.js';

const MAX_BUFFER = 1024 * 1024 * 1024;

/**
 * Runs git in `cwd`; rejects with git's first stderr line, `code` being the exit status or ENOENT.
 * `input` is written to its standard input (commands that take `--stdin`); `signal` kills it.
 */
export function git(cwd: string, args: string[], options: { input?: string; signal?: AbortSignal } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, maxBuffer: MAX_BUFFER, encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) },
      (error, stdout, stderr) => {
        if (error) {
          const detail = (stderr || error.message).trim().split('\n')[0] ?? '';
          reject(Object.assign(new Error(detail), { code: error.code }));
        } else resolve(stdout);
      },
    );
    // git may exit before reading all of it (a bad argument): the callback reports that, not EPIPE
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
  });
}

/** Work-tree roots already asked for, by directory: one run asks for the same few several times. */
const roots = new Map<string, Promise<string>>();

/** The top of the work tree that contains `dir`. */
export function repoRoot(dir: string): Promise<string> {
  let root = roots.get(dir);
  if (!root) {
    root = findRepoRoot(dir);
    roots.set(dir, root);
  }
  return root;
}

async function findRepoRoot(dir: string): Promise<string> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      // spawning in a folder that does not exist fails the same way as a missing git
      if (!existsSync(dir)) throw new FileError(dir, 'does not exist');
      throw new GitError('git is not installed or not on PATH');
    }
    throw new GitError(`${dir} is not inside a git repository (pass lockfile paths to --base and --head instead)`);
  }
}

/** Whether `rev` names a commit this clone has. */
export async function isRevision(root: string, rev: string): Promise<boolean> {
  if (rev.startsWith('-')) return false;
  try {
    await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * HEAD before the first commit (an unborn branch): the base of the first commit is the empty
 * tree, as a revision without a lockfile already is.
 */
async function isUnbornHead(root: string, rev: string): Promise<boolean> {
  if (rev !== 'HEAD') return false;
  try {
    await git(root, ['symbolic-ref', '--quiet', 'HEAD']);
  } catch {
    return false;
  }
  return !(await isRevision(root, rev));
}

/** Symbolic links inside a revision are followed this many times, then refused. */
const MAX_LINK_HOPS = 8;

/** The most bytes a file read from git may have when the caller sets no limit. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A file's content at a revision (`rev`), or in the index (`rev` = ''). Null when the revision
 * exists but does not contain the file. Only blobs are read: a symbolic link is followed inside
 * the tree (never out of it, and its target's name is never taken for content), and a
 * directory, a submodule or a blob over `maxBytes` is refused.
 */
export async function showFile(
  root: string,
  rev: string,
  repoPath: string,
  maxBytes = DEFAULT_MAX_BYTES,
  limitHint?: string,
): Promise<string | null> {
  const label = `${rev === '' ? 'index' : rev}:${repoPath}`;
  let current = repoPath;
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    const entry = await treeEntry(root, rev, current);
    if (entry === null) return null;
    if (entry.mode === '120000') {
      const target = await git(root, ['cat-file', 'blob', entry.object]);
      const next = path.posix.normalize(path.posix.join(path.posix.dirname(current), target));
      if (target.startsWith('/') || next === '..' || next.startsWith('../'))
        throw new FileError(label, 'is a symbolic link out of the repository: refused');
      current = next;
      continue;
    }
    if (entry.mode !== '100644' && entry.mode !== '100755') throw new FileError(label, `is not a file (git mode ${entry.mode}): refused`);
    const size = entry.size ?? Number((await git(root, ['cat-file', '-s', entry.object])).trim());
    if (size > maxBytes) throw new FileError(label, `is ${mb(size)}, over the ${mb(maxBytes)} limit${limitHint ? ` (${limitHint})` : ''}`);
    return git(root, ['cat-file', 'blob', entry.object]);
  }
  throw new FileError(label, 'is a chain of symbolic links: refused');
}

interface TreeEntry {
  readonly mode: string;
  readonly object: string;
  /** Known for a revision (ls-tree -l), not for the index. */
  readonly size?: number;
}

/** The entry for exactly `repoPath` at `rev` ('' = the index); null when there is none. */
async function treeEntry(root: string, rev: string, repoPath: string): Promise<TreeEntry | null> {
  if (rev === '') {
    const out = await git(root, ['--literal-pathspecs', 'ls-files', '-s', '-z', '--', repoPath]);
    const match = /^(\d+) ([0-9a-f]+) (\d+)\t/.exec(out);
    // stages 1-3: a merge left the file unmerged; stage 1 is the common ancestor, not what is staged
    if (match && match[3] !== '0')
      throw new FileError(`index:${repoPath}`, 'is unmerged (a merge conflict in progress): resolve it and git add it first');
    return match ? { mode: match[1]!, object: match[2]! } : null;
  }
  if (rev.startsWith('-')) throw new GitError(`unknown git revision '${rev}'`);
  let out: string;
  try {
    out = await git(root, ['--literal-pathspecs', 'ls-tree', '-l', '-z', rev, '--', repoPath]);
  } catch (error) {
    if (await isUnbornHead(root, rev)) return null;
    if (!(await isRevision(root, rev))) throw new GitError(`unknown git revision '${rev}'`);
    throw error;
  }
  // "<mode> <type> <object> <size>\t<path>\0"; only the entry named exactly (not a folder's content)
  for (const line of out.split('\0')) {
    const match = /^(\d+) \w+ ([0-9a-f]+) +(-|\d+)\t(.*)$/s.exec(line);
    if (match && match[4] === repoPath)
      return { mode: match[1]!, object: match[2]!, ...(match[3] === '-' ? {} : { size: Number(match[3]) }) };
  }
  return null;
}

/**
 * The merge base of HEAD and `ref` (GitHub's pull-request base, or the default branch), tried
 * as a remote branch first; `what` names where `ref` came from in errors.
 */
export async function mergeBase(root: string, ref: string, what = 'GITHUB_BASE_REF'): Promise<string> {
  for (const candidate of [`origin/${ref}`, ref]) {
    if (!(await isRevision(root, candidate))) continue;
    try {
      return (await git(root, ['merge-base', 'HEAD', candidate])).trim();
    } catch {
      throw new GitError(`no merge base between HEAD and '${candidate}' (fetch with enough history: fetch-depth: 0)`);
    }
  }
  throw new GitError(`${what} is '${ref}' but neither origin/${ref} nor ${ref} exists in this clone (fetch with fetch-depth: 0)`);
}

/** "Name <email>" from git config, for the audit trail of approvals; null outside git or unset. */
export async function userIdentity(dir: string): Promise<string | null> {
  const get = (key: string): Promise<string> =>
    git(dir, ['config', '--get', key]).then(
      (s) => s.trim(),
      () => '',
    );
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (!name && !email) return null;
  return email ? `${name || email} <${email}>` : name;
}

/** The names of the files and folders directly in `dirRel` at `rev` ('' = the index). */
export async function listFolder(root: string, rev: string, dirRel: string): Promise<string[]> {
  const prefix = dirRel === '.' || dirRel === '' ? '' : `${dirRel}/`;
  if (rev === '') {
    const files = (await git(root, ['--literal-pathspecs', 'ls-files', '-z', '--', prefix || '.'])).split('\0');
    return [
      ...new Set(files.filter((f) => f.startsWith(prefix) && f.length > prefix.length).map((f) => f.slice(prefix.length).split('/')[0]!)),
    ];
  }
  if (rev.startsWith('-') || !(await isRevision(root, rev))) {
    if (await isUnbornHead(root, rev)) return [];
    throw new GitError(`unknown git revision '${rev}'`);
  }
  const entries = (await git(root, ['--literal-pathspecs', 'ls-tree', '-z', '--name-only', rev, '--', prefix || '.'])).split('\0');
  return entries.filter((f) => f.startsWith(prefix) && f.length > prefix.length).map((f) => f.slice(prefix.length));
}

/** Whether git tracks `repoPath` (in the index). */
export async function isTracked(root: string, repoPath: string): Promise<boolean> {
  try {
    await git(root, ['ls-files', '--error-unmatch', '--', repoPath]);
    return true;
  } catch {
    return false;
  }
}
