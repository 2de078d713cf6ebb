import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { GitError } from '../errors.js';
import { git } from '../git.js';
import { LEFTHOOK_CONFIGS, type RepoFacts } from './managers.js';

/**
 * The work tree's top and the directory git runs its hooks from: `git rev-parse --git-path hooks`
 * honours core.hooksPath (a relative one is relative to the top) and gives linked worktrees the
 * main repository's hooks, as git itself does.
 */
export async function readRepoFacts(cwd: string): Promise<RepoFacts> {
  let out: string;
  try {
    out = await git(cwd, ['rev-parse', '--show-toplevel', '--git-path', 'hooks']);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw new GitError('git is not installed or not on PATH');
    throw new GitError(`${cwd} is not inside a git work tree`);
  }
  const [top = '', hooks = ''] = out.split('\n');
  const huskyDir = path.join(top, '.husky');
  return {
    top,
    hooksDir: path.resolve(cwd, hooks),
    huskyDir: existsSync(huskyDir) && statSync(huskyDir).isDirectory(),
    lefthookConfig: LEFTHOOK_CONFIGS.find((name) => existsSync(path.join(top, name))) ?? null,
  };
}
