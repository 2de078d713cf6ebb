import type { History } from './history.js';

/** What one lockfile revision says about the package: the versions of it that it locks, or why it could not be read. */
export type RevisionAnswer = { readonly versions: readonly string[] } | { readonly error: string };

/** A stretch of one first-parent line during which a lockfile locked a version. */
export interface Window {
  readonly lockfile: string;
  readonly version: string;
  /** The commit that brought the version into the lockfile. */
  readonly entered: string;
  /** The commit that took it out; null when the tip still locks it. */
  readonly left: string | null;
}

/** A lockfile revision on the line that could not be read: the line keeps what the lockfile locked before it. */
export interface Unreadable {
  readonly lockfile: string;
  readonly commit: string;
  readonly reason: string;
}

/**
 * The windows of one first-parent line (`line`, oldest first): walking it commit by commit, each
 * lockfile's matching versions are compared with those of its previous revision; a version that
 * appears opens a window, one that disappears (or whose lockfile is deleted) closes it.
 * `answer(path, blob)` says what a revision locks; `matches` chooses the versions asked about.
 */
export function lineWindows(
  line: readonly string[],
  history: History,
  answer: (path: string, blob: string) => RevisionAnswer,
  matches: (version: string) => boolean,
): { windows: Window[]; unreadable: Unreadable[] } {
  const open = new Map<string, Map<string, string>>(); // lockfile -> version -> commit it entered
  const windows: Window[] = [];
  const unreadable: Unreadable[] = [];
  for (const commit of line) {
    for (const change of history.changes.get(commit) ?? []) {
      const before = open.get(change.path) ?? new Map<string, string>();
      let now: readonly string[];
      if (change.blob === null) now = [];
      else {
        const said = answer(change.path, change.blob);
        if ('error' in said) {
          unreadable.push({ lockfile: change.path, commit, reason: said.error });
          continue;
        }
        now = said.versions.filter(matches);
      }
      const after = new Map<string, string>();
      for (const version of now) after.set(version, before.get(version) ?? commit);
      for (const [version, entered] of before)
        if (!after.has(version)) windows.push({ lockfile: change.path, version, entered, left: commit });
      if (after.size > 0) open.set(change.path, after);
      else open.delete(change.path);
    }
  }
  for (const [lockfile, versions] of open)
    for (const [version, entered] of versions) windows.push({ lockfile, version, entered, left: null });
  return { windows, unreadable };
}
