/**
 * Where a lockfile's `resolved` says a package comes from, read the same way by the engine
 * (whether there is a registry document to fetch) and by source-changed (whether the source is
 * one to worry about).
 */

export type LocalSource = 'git' | 'file' | 'patch';

/** git, a local file or folder, or a project's own patch of a registry package; null for a URL or nothing. */
export function localOrGitSource(resolved: string | null | undefined): LocalSource | null {
  if (!resolved) return null;
  if (/^git(\+[a-z]+)?:|^(github|gitlab|bitbucket):/.test(resolved)) return 'git';
  if (resolved.startsWith('file:')) return 'file';
  if (resolved.startsWith('patch:')) return 'patch';
  return null;
}

/** A registry serves a package's tarballs as `<name>/-/<file>.tgz`. */
export const TARBALL_DIR = '/-/';

/**
 * git, file and remote-tarball sources have no registry document to compare: what the package is
 * instead, or null when it is (or may be) a registry package. A patch is of a registry package.
 */
export function nonRegistrySource(resolved: string | null | undefined): 'git' | 'file' | 'remote tarball' | null {
  if (!resolved) return null;
  const local = localOrGitSource(resolved);
  if (local === 'git' || local === 'file') return local;
  if (/^https?:/.test(resolved) && !resolved.includes(TARBALL_DIR)) return 'remote tarball';
  return null;
}
