import { execFile } from 'node:child_process';
import { GitError } from '../errors.js';

const MAX_BUFFER = 1024 * 1024 * 1024;

/** Runs git in `cwd`; rejects with git's first stderr line, `code` being the exit status or ENOENT. */
export function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: MAX_BUFFER, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const detail = (stderr || error.message).trim().split('\n')[0] ?? '';
        reject(Object.assign(new Error(detail), { code: error.code }));
      } else resolve(stdout);
    });
  });
}

/** The top of the work tree that contains `dir`. */
export async function repoRoot(dir: string): Promise<string> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw new GitError('git is not installed or not on PATH');
    throw new GitError(`${dir} is not inside a git repository (pass lockfile paths to --base and --head instead)`);
  }
}

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
 * A file's content at a revision (`rev`), or in the index (`rev` = ''). Null when the revision
 * exists but does not contain the file.
 */
export async function showFile(root: string, rev: string, repoPath: string): Promise<string | null> {
  if (rev !== '' && !(await isRevision(root, rev))) throw new GitError(`unknown git revision '${rev}'`);
  try {
    return await git(root, ['show', `${rev}:${repoPath}`]);
  } catch {
    return null;
  }
}

/** The merge base of HEAD and `ref` (GitHub's pull-request base), tried as a remote branch first. */
export async function mergeBase(root: string, ref: string): Promise<string> {
  for (const candidate of [`origin/${ref}`, ref]) {
    if (!(await isRevision(root, candidate))) continue;
    try {
      return (await git(root, ['merge-base', 'HEAD', candidate])).trim();
    } catch {
      throw new GitError(`no merge base between HEAD and '${candidate}' (fetch with enough history: fetch-depth: 0)`);
    }
  }
  throw new GitError(`GITHUB_BASE_REF is '${ref}' but neither origin/${ref} nor ${ref} exists in this clone`);
}

/** "Name <email>" from git config, for the audit trail of approvals; null outside git or unset. */
export async function userIdentity(dir: string): Promise<string | null> {
  const get = (key: string): Promise<string> => git(dir, ['config', '--get', key]).then((s) => s.trim(), () => '');
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  if (!name && !email) return null;
  return email ? `${name || email} <${email}>` : name;
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
