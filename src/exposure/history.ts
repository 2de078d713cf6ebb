import { BUN_BINARY, LOCKFILE_NAMES } from '../lockfile/detect.js';
import { GitError } from '../errors.js';
import { git } from '../git.js';

/** A branch to walk, by the name it is shown under, and the commit it points at. */
export interface Branch {
  readonly name: string;
  readonly tip: string;
}

/** A lockfile a commit changes, and its blob afterwards: null when the commit deletes it (or makes it a link or a submodule). */
interface LockfileChange {
  readonly path: string;
  readonly blob: string | null;
}

interface CommitInfo {
  /** Committer time, in seconds. */
  readonly time: number;
  /** The first parent; null for a root commit, and at the edge of a shallow clone. */
  readonly parent: string | null;
}

/** The first-parent lines of history that end at the walked tips, and what each commit did to lockfiles. */
export interface History {
  readonly commits: ReadonlyMap<string, CommitInfo>;
  /** Only commits that change a lockfile are here, each with the lockfiles it changes against its first parent. */
  readonly changes: ReadonlyMap<string, readonly LockfileChange[]>;
}

/** The lockfile names a history walk reads, anywhere in the repository: every supported format, and Bun's binary one (to say it was not read). */
const WALKED_NAMES: ReadonlySet<string> = new Set([...LOCKFILE_NAMES, BUN_BINARY]);

/** Whether a path in the repository is a lockfile the walk reads: by its name, outside node_modules (a committed dependency's own lockfile is not the project's). */
function isWalkedLockfile(repoPath: string): boolean {
  const parts = repoPath.split('/');
  return WALKED_NAMES.has(parts.at(-1)!) && !parts.includes('node_modules');
}

/**
 * The current branch (HEAD, shown as its branch name, or `HEAD` when detached), or with `all`
 * every local and remote-tracking branch (symbolic refs such as origin/HEAD left out), plus HEAD
 * when it is detached. Tags are not branches and are not walked. An unborn HEAD has no commits: none.
 */
export async function branchesToWalk(root: string, all: boolean): Promise<Branch[]> {
  const head = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
    (s) => s.trim(),
    () => null,
  );
  const current = await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']).then(
    (s) => s.trim(),
    () => null,
  );
  const detached = head !== null && current === null ? [{ name: 'HEAD', tip: head }] : [];
  if (!all) return head === null ? [] : [{ name: current ?? 'HEAD', tip: head }];
  const refs = await git(root, [
    'for-each-ref',
    '--format=%(objectname)%00%(refname)%00%(symref)%00%(objecttype)',
    'refs/heads',
    'refs/remotes',
  ]);
  const branches: Branch[] = [];
  for (const line of refs.split('\n')) {
    const [tip, ref, symref, type] = line.split('\0');
    if (!tip || !ref || symref || type !== 'commit') continue;
    branches.push({ name: ref.replace(/^refs\/(?:heads|remotes)\//, ''), tip });
  }
  return [...branches, ...detached];
}

/**
 * Walks the first-parent history of every tip (one `git rev-list` for all of them), then diffs
 * each of those commits against its first parent (one `git diff-tree --stdin`), keeping the
 * lockfiles. Nothing is checked out; only commit ids are handed to git.
 */
export async function readHistory(root: string, tips: readonly string[], signal?: AbortSignal): Promise<History> {
  const commits = new Map<string, CommitInfo>();
  if (tips.length === 0) return { commits, changes: new Map() };
  const listed = await run(root, ['rev-list', '--first-parent', '--parents', '--timestamp', '--stdin'], `${tips.join('\n')}\n`, signal);
  for (const line of listed.split('\n')) {
    const [time, id, parent] = line.split(' ');
    if (!time || !id) continue;
    commits.set(id, { time: Number(time), parent: parent ?? null });
  }
  // a shallow clone's oldest commits name parents it does not have
  const pairs = [...commits].map(([id, c]) => (c.parent !== null && commits.has(c.parent) ? `${id} ${c.parent}` : id));
  const diffs = await run(root, ['diff-tree', '--stdin', '-r', '-z', '--raw', '--no-renames', '--root'], `${pairs.join('\n')}\n`, signal);
  return { commits, changes: lockfileChanges(diffs) };
}

async function run(root: string, args: string[], input: string, signal?: AbortSignal): Promise<string> {
  try {
    return await git(root, args, { input, ...(signal ? { signal } : {}) });
  } catch (error) {
    throw new GitError(`git ${args[0]} failed: ${(error as Error).message}`);
  }
}

/**
 * `git diff-tree --stdin -z --raw` output: each commit's id, then a `:<modes> <blobs> <status>`
 * token and a path token per changed file. A file that is not a regular blob afterwards (a
 * deletion, a link, a submodule) has no lockfile there any more.
 */
function lockfileChanges(output: string): Map<string, LockfileChange[]> {
  const changes = new Map<string, LockfileChange[]>();
  const tokens = output.split('\0');
  let commit: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith(':')) {
      if (token !== '') commit = token.trim();
      continue;
    }
    const path = tokens[++i] ?? '';
    const [, newMode, , newBlob] = token.slice(1).split(' ');
    if (commit === null || !isWalkedLockfile(path)) continue;
    const regular = newMode === '100644' || newMode === '100755';
    const list = changes.get(commit) ?? [];
    list.push({ path, blob: regular ? newBlob! : null });
    changes.set(commit, list);
  }
  return changes;
}

/** The commits of `tip`'s first-parent line, oldest first (back to the root, or to the edge of a shallow clone). */
export function firstParentLine(history: History, tip: string): string[] {
  const line: string[] = [];
  for (let at: string | null = tip; at !== null; at = history.commits.get(at)?.parent ?? null) {
    if (!history.commits.has(at)) break;
    line.push(at);
  }
  return line.reverse();
}

/** Whether this is a shallow clone: its history stops short, and what entered before the cut looks as if it entered at it. */
export async function isShallow(root: string): Promise<boolean> {
  return (await git(root, ['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim() === 'true';
}
