import { existsSync, readdirSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { GitError, LockfileError } from '../errors.js';
import { readRegularFile } from '../files.js';
import { findLockfile } from './detect.js';
import { git, repoRoot, showFile } from '../git.js';
import { matchWorkspaces, workspacePatterns } from './workspaces.js';

/** Where one side of a diff comes from; `passedOver` names other lockfiles beside the one chosen. */
export type LockSource =
  | { readonly kind: 'file'; readonly file: string; readonly passedOver?: readonly string[] }
  | { readonly kind: 'git'; readonly rev: string; readonly file: string; readonly passedOver?: readonly string[] }
  | { readonly kind: 'index'; readonly file: string; readonly passedOver?: readonly string[] }
  /** No lockfile at all: the empty tree (audit, or a base revision before the lockfile existed). */
  | { readonly kind: 'empty'; readonly label: string };

/** A lockfile's text, with the package.json that sat beside it when there was one. */
export interface LockfileText {
  readonly label: string;
  readonly fileName: string;
  readonly lockfile: string | null;
  readonly packageJson: string | null;
  /** The package.json of each workspace folder the root package.json declares, by folder. */
  readonly workspaceManifests: Readonly<Record<string, string>>;
}

/** Candidate workspace folders are looked for this deep below the project root. */
const MAX_WORKSPACE_DEPTH = 5;

/**
 * A --base/--head value: an existing file is a lockfile path (a folder, the lockfile in it),
 * anything else a git revision (whose lockfile the caller chooses, see src/trust.ts).
 */
export function parseSpec(spec: string, cwd: string): { readonly rev: string } | { readonly source: LockSource } {
  const asPath = path.resolve(cwd, spec);
  if (existsSync(asPath)) {
    if (statSync(asPath).isDirectory()) return { source: { kind: 'file', ...findLockfile(asPath) } };
    return { source: { kind: 'file', file: asPath } };
  }
  if (looksLikePath(spec)) throw new LockfileError(spec, 'no such file');
  return { rev: spec };
}

export function describeSource(source: LockSource, cwd: string): string {
  if (source.kind === 'empty') return source.label;
  const chosen = source.passedOver?.length ? ` (chosen over ${source.passedOver.join(', ')})` : '';
  switch (source.kind) {
    case 'file':
      return shortPath(source.file, cwd) + chosen;
    case 'git':
      return `${source.rev}:${shortPath(source.file, cwd)}${chosen}`;
    case 'index':
      return `index:${shortPath(source.file, cwd)}${chosen}`;
  }
}

/** Said when a lockfile is over the limit. */
const LIMIT_HINT = 'raise it with --max-lockfile-size';

/**
 * Reads one side. Files on disk are opened only when regular, and those inside `root` (the
 * repository, by default the lockfile's folder) only when they resolve inside it; files in git
 * only when they are blobs (see showFile).
 */
export async function readSource(source: LockSource, cwd: string, maxBytes: number, root?: string): Promise<LockfileText> {
  const label = describeSource(source, cwd);
  switch (source.kind) {
    case 'empty':
      return { label, fileName: 'package-lock.json', lockfile: null, packageJson: null, workspaceManifests: {} };
    case 'file': {
      const dir = path.dirname(source.file);
      const within = root ?? dir;
      const lockfile = readRegularFile(source.file, { root: within, maxBytes, label, limitHint: LIMIT_HINT });
      if (lockfile === null) throw new LockfileError(label, 'no such file');
      const read = async (rel: string): Promise<string | null> =>
        readRegularFile(path.join(dir, rel), { root: within, maxBytes, label: shortPath(path.join(dir, rel), cwd) });
      const packageJson = await read('package.json');
      const workspaceManifests = await readWorkspaceManifests(packageJson, () => foldersOnDisk(dir), read);
      return { label, fileName: path.basename(source.file), lockfile, packageJson, workspaceManifests };
    }
    case 'git':
    case 'index': {
      const { root: repo, repoPath: rel } = await inRepository(source.file);
      return readFromGit(repo, source.kind === 'git' ? source.rev : '', rel, label, maxBytes);
    }
  }
}

/**
 * The lockfile at `repoPath` in the repository `repo`, at revision `rev` ('' = the index), with
 * the package.json and workspace manifests beside it at the same revision; `label` names it.
 */
export async function readFromGit(repo: string, rev: string, repoPath: string, label: string, maxBytes: number): Promise<LockfileText> {
  const lockfile = await showFile(repo, rev, repoPath, maxBytes, LIMIT_HINT);
  const dirRel = path.posix.dirname(repoPath);
  const read = (file: string): Promise<string | null> => showFile(repo, rev, path.posix.join(dirRel, file), maxBytes);
  const packageJson = lockfile === null ? null : await read('package.json');
  const workspaceManifests = await readWorkspaceManifests(packageJson, () => foldersInGit(repo, rev, dirRel), read);
  return { label, fileName: path.posix.basename(repoPath), lockfile, packageJson, workspaceManifests };
}

async function readWorkspaceManifests(
  packageJson: string | null,
  folders: () => Promise<string[]> | string[],
  read: (file: string) => Promise<string | null>,
): Promise<Record<string, string>> {
  const patterns = await workspacePatterns(packageJson, await read('pnpm-workspace.yaml'));
  if (patterns.length === 0) return {};
  const out: Record<string, string> = {};
  for (const folder of matchWorkspaces(patterns, await folders())) {
    const text = await read(`${folder}/package.json`);
    if (text !== null) out[folder] = text;
  }
  return out;
}

/** Folders below `dir` that hold a package.json (outside node_modules and dot-folders). */
function foldersOnDisk(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string, depth: number): void => {
    if (depth > MAX_WORKSPACE_DEPTH) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name === 'package.json' && rel !== '') found.push(rel);
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
        walk(rel === '' ? entry.name : `${rel}/${entry.name}`, depth + 1);
    }
  };
  walk('', 0);
  return found;
}

/** The same, at a revision ('' = the index), from git's list of files. */
async function foldersInGit(root: string, rev: string, dirRel: string): Promise<string[]> {
  const prefix = dirRel === '.' ? '' : `${dirRel}/`;
  const args = rev === '' ? ['ls-files', '-z', '--', prefix || '.'] : ['ls-tree', '-r', '-z', '--name-only', rev, '--', prefix || '.'];
  const files = (await git(root, args).catch(() => '')).split('\0');
  return files
    .filter((f) => f.startsWith(prefix) && f.endsWith('/package.json'))
    .map((f) => f.slice(prefix.length, -'/package.json'.length));
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
  return { root, repoPath: path.posix.join(await folderInRepository(root, dir), path.basename(file)) };
}

/** `dir`'s path inside the work tree `root` (posix; '.' for the root itself). */
export async function folderInRepository(root: string, dir: string): Promise<string> {
  const realDir = await realpath(dir).catch(() => dir);
  return toPosix(path.relative(root, realDir)) || '.';
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
