import semver from 'semver';
import { explainPackage } from '../diff/explain.js';
import { DepguardError, GitError, InterruptedError, LockfileError, UsageError } from '../errors.js';
import { mb } from '../files.js';
import { git } from '../git.js';
import { type GitObject, ObjectReader } from '../git-objects.js';
import { BUN_BINARY } from '../lockfile/detect.js';
import { loadSnapshot } from '../lockfile/load.js';
import { lockedVersions } from '../lockfile/locked-versions.js';
import { isPackageName } from '../lockfile/names.js';
import { readFromGit } from '../lockfile/source.js';
import type { PathStep } from '../model.js';
import { type Branch, branchesToWalk, firstParentLine, type History, isShallow, readHistory } from './history.js';
import { lineWindows, type RevisionAnswer, type Unreadable, type Window } from './windows.js';

export type { Unreadable } from './windows.js';

export interface ExposureOptions {
  readonly cwd: string;
  /** The registry name of the package. */
  readonly name: string;
  /** Only versions in this semver range (or this version); default: any version. */
  readonly range?: string;
  /** Every branch (local and remote-tracking) instead of the current one. */
  readonly all?: boolean;
  /** Only windows that overlap this period (epoch milliseconds, inclusive). */
  readonly since?: number;
  readonly until?: number;
  /** Lockfile revisions larger than this are not read (listed as unreadable). Default: 64 MB. */
  readonly maxLockfileBytes?: number;
  /** Stops the walk: rejects with InterruptedError. */
  readonly signal?: AbortSignal;
}

/** A commit that opened or closed a window. */
export interface CommitRef {
  readonly commit: string;
  /** The committer date, ISO 8601 (UTC). */
  readonly date: string;
  /** The first paragraph of its message, on one line, as `git log --format=%s` gives it. */
  readonly subject: string;
}

/** A stretch of history during which a lockfile locked a matching version. */
export interface ExposureWindow {
  readonly package: { readonly name: string; readonly version: string };
  /** The lockfile's path in the repository. */
  readonly lockfile: string;
  readonly entered: CommitRef;
  /** Null: the tip of the branch still locks it. */
  readonly left: CommitRef | null;
  /** The branches whose first-parent history has this window (the same entry and exit). */
  readonly branches: readonly string[];
  /** The shortest paths that brought it in, at the commit it entered (at most three). */
  readonly paths: readonly (readonly PathStep[])[];
  /** How many paths were found (up to 50 for each copy). */
  readonly pathCount: number;
  /** Why the paths could not be had, when they could not. */
  readonly pathsError?: string;
}

export interface ExposureResult {
  readonly package: string;
  readonly range: string | null;
  /** The branches walked. */
  readonly branches: readonly string[];
  readonly all: boolean;
  readonly since: string | null;
  readonly until: string | null;
  /** A shallow clone: history stops short, and a window that seems to start at its oldest commit may have started before. */
  readonly shallow: boolean;
  readonly walked: {
    /** Commits on the first-parent lines walked. */
    readonly commits: number;
    /** Every lockfile path those commits changed. */
    readonly lockfiles: readonly string[];
    /** Distinct lockfile revisions (blobs), each read once. */
    readonly revisions: number;
    /** Those that mention the package and were parsed. */
    readonly parsed: number;
  };
  /** Oldest first. */
  readonly windows: readonly ExposureWindow[];
  /** Lockfile revisions that mention the package but could not be read. */
  readonly unreadable: readonly Unreadable[];
}

const MB = 1024 * 1024;
/** Blob requests kept outstanding: git decompresses the next ones while this process parses one. */
const LOOKAHEAD = 8;
const BACKSLASH = 0x5c;

/**
 * `depguard exposure NAME[@RANGE]`: every window, in the first-parent history of the current
 * branch (or of every branch), during which a lockfile anywhere in the repository locked a
 * matching version. History is read from git's object store (nothing is checked out); each
 * distinct lockfile revision is read once, through one `git cat-file --batch`, and parsed only
 * when its text mentions the package.
 */
export async function exposure(options: ExposureOptions): Promise<ExposureResult> {
  try {
    return await walk(options);
  } catch (error) {
    // whatever failed once the signal fired (a git killed by it) failed because of it
    if (options.signal?.aborted) throw new InterruptedError(INTERRUPTED);
    throw error;
  }
}

const INTERRUPTED = 'interrupted: the history walk stopped before it was done; nothing was reported';

async function walk(options: ExposureOptions): Promise<ExposureResult> {
  const { name, range, signal } = options;
  checkSpec(name, range);
  const root = await repositoryTop(options.cwd);
  const maxBytes = options.maxLockfileBytes ?? 64 * MB;
  const branches = await branchesToWalk(root, options.all === true);
  const tips = [...new Set(branches.map((b) => b.tip))];
  const [history, shallow] = await Promise.all([readHistory(root, tips, signal), isShallow(root)]);
  const lines = new Map(tips.map((tip) => [tip, firstParentLine(history, tip)]));
  const reader = new ObjectReader(root, maxBytes, signal);
  try {
    const { revisions, lockfiles } = revisionsOn(history, lines);
    const { answers, parsed } = await readRevisions(reader, revisions, name, maxBytes, signal);
    const matches = (version: string): boolean =>
      range === undefined || semver.satisfies(version, range, { includePrerelease: true, loose: true });
    const found = windowsOf(branches, lines, history, answers, matches);
    const inPeriod = found.windows.filter(({ window }) => overlaps(window, history, options.since, options.until));
    const windows = await describe(reader, root, history, inPeriod, name, maxBytes);
    return {
      package: name,
      range: range ?? null,
      branches: branches.map((b) => b.name),
      all: options.all === true,
      since: options.since === undefined ? null : new Date(options.since).toISOString(),
      until: options.until === undefined ? null : new Date(options.until).toISOString(),
      shallow,
      walked: {
        commits: new Set([...lines.values()].flat()).size,
        lockfiles,
        revisions: revisions.length,
        parsed,
      },
      windows,
      unreadable: found.unreadable,
    };
  } finally {
    reader.close();
  }
}

function checkSpec(name: string, range: string | undefined): void {
  if (!isPackageName(name)) throw new UsageError(`'${name}' is not a package name`);
  if (range !== undefined && semver.validRange(range, { loose: true }) === null)
    throw new UsageError(`'${range}' is not a version or a version range (exposure takes NAME or NAME@RANGE)`);
}

async function repositoryTop(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT')
      throw new GitError(`git is not installed or not on PATH (or ${cwd} does not exist)`);
    throw new GitError(`${cwd} is not inside a git work tree: depguard exposure reads the history of one`);
  }
}

interface Revision {
  /** Blob and file name: a format is told by the name, so the same bytes under two names are two revisions. */
  readonly key: string;
  readonly blob: string;
  readonly path: string;
}

/** Every lockfile revision the lines reach, in the order they are first met, and every lockfile path they change. */
function revisionsOn(history: History, lines: ReadonlyMap<string, readonly string[]>): { revisions: Revision[]; lockfiles: string[] } {
  const revisions = new Map<string, Revision>();
  const lockfiles = new Set<string>();
  for (const line of lines.values()) {
    for (const commit of line) {
      for (const { path, blob } of history.changes.get(commit) ?? []) {
        lockfiles.add(path);
        if (blob === null) continue;
        const key = revisionKey(path, blob);
        if (!revisions.has(key)) revisions.set(key, { key, blob, path });
      }
    }
  }
  return { revisions: [...revisions.values()], lockfiles: [...lockfiles].sort() };
}

const revisionKey = (path: string, blob: string): string => `${blob} ${path.slice(path.lastIndexOf('/') + 1)}`;

/**
 * Reads each revision once, `LOOKAHEAD` requests ahead of the parsing. A revision whose bytes do
 * not contain the name (nor a backslash, which could spell it with an escape) cannot lock it and
 * is not parsed.
 */
async function readRevisions(
  reader: ObjectReader,
  jobs: readonly Revision[],
  name: string,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<{ answers: Map<string, RevisionAnswer>; parsed: number }> {
  const answers = new Map<string, RevisionAnswer>();
  const needle = Buffer.from(name);
  let parsed = 0;
  const inFlight: Promise<GitObject>[] = [];
  let next = 0;
  const request = (): void => {
    if (next >= jobs.length) return;
    const pending = reader.read(jobs[next++]!.blob);
    // answered in order: a failure is seen when its turn comes, never as an unhandled rejection
    pending.catch(() => {});
    inFlight.push(pending);
  };
  for (let i = 0; i < LOOKAHEAD; i++) request();
  for (const job of jobs) {
    const object = await inFlight.shift()!;
    request();
    if (signal?.aborted) throw new InterruptedError(INTERRUPTED);
    const fileName = job.path.slice(job.path.lastIndexOf('/') + 1);
    if (object.kind === 'missing') answers.set(job.key, { error: 'git does not have this revision (a partial clone?)' });
    else if (object.kind === 'too-large')
      answers.set(job.key, { error: `is ${mb(object.size)}, over the ${mb(maxBytes)} limit (raise it with --max-lockfile-size)` });
    else if (fileName !== BUN_BINARY && object.content.indexOf(needle) === -1 && object.content.indexOf(BACKSLASH) === -1)
      answers.set(job.key, { versions: [] });
    else {
      parsed++;
      answers.set(job.key, await parse(object.content, job.path, fileName, name));
    }
  }
  return { answers, parsed };
}

async function parse(bytes: Buffer, path: string, fileName: string, name: string): Promise<RevisionAnswer> {
  try {
    return { versions: await lockedVersions({ label: path, fileName, bytes }, name) };
  } catch (error) {
    if (!(error instanceof DepguardError)) throw error;
    return { error: error instanceof LockfileError ? error.message.slice(`${error.file}: `.length) : error.message };
  }
}

interface Found {
  readonly window: Window;
  readonly branches: string[];
}

/** Each line's windows, the same window on several lines (shared history) kept once with every branch it is on. */
function windowsOf(
  branches: readonly Branch[],
  lines: ReadonlyMap<string, readonly string[]>,
  history: History,
  answers: ReadonlyMap<string, RevisionAnswer>,
  matches: (version: string) => boolean,
): { windows: Found[]; unreadable: Unreadable[] } {
  const byKey = new Map<string, Found>();
  const unreadable = new Map<string, Unreadable>();
  const answer = (path: string, blob: string): RevisionAnswer => answers.get(revisionKey(path, blob)) ?? { versions: [] };
  const perTip = new Map<string, ReturnType<typeof lineWindows>>();
  for (const branch of branches) {
    let result = perTip.get(branch.tip);
    if (!result) {
      result = lineWindows(lines.get(branch.tip) ?? [], history, answer, matches);
      perTip.set(branch.tip, result);
    }
    for (const window of result.windows) {
      const key = [window.lockfile, window.version, window.entered, window.left ?? ''].join('\0');
      const found = byKey.get(key) ?? { window, branches: [] };
      found.branches.push(branch.name);
      byKey.set(key, found);
    }
    for (const u of result.unreadable) unreadable.set(`${u.lockfile}\0${u.commit}`, u);
  }
  const time = (commit: string): number => history.commits.get(commit)?.time ?? 0;
  const windows = [...byKey.values()].sort(
    (a, b) =>
      time(a.window.entered) - time(b.window.entered) ||
      compare(a.window.lockfile, b.window.lockfile) ||
      (semver.valid(a.window.version) && semver.valid(b.window.version)
        ? semver.compare(a.window.version, b.window.version)
        : compare(a.window.version, b.window.version)) ||
      time(a.window.left ?? '') - time(b.window.left ?? ''),
  );
  return { windows, unreadable: [...unreadable.values()].sort((a, b) => time(a.commit) - time(b.commit)) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Whether a window overlaps the period: it entered by `until`, and had not left by `since`. */
function overlaps(window: Window, history: History, since: number | undefined, until: number | undefined): boolean {
  const at = (commit: string): number => (history.commits.get(commit)?.time ?? 0) * 1000;
  if (until !== undefined && at(window.entered) > until) return false;
  if (since !== undefined && window.left !== null && at(window.left) <= since) return false;
  return true;
}

/** The windows as reported: commits with their dates and subjects, and the paths at the commit each entered. */
async function describe(
  reader: ObjectReader,
  root: string,
  history: History,
  found: readonly Found[],
  name: string,
  maxBytes: number,
): Promise<ExposureWindow[]> {
  const subjects = new Map<string, string>();
  for (const { window } of found)
    for (const commit of [window.entered, window.left])
      if (commit !== null && !subjects.has(commit)) subjects.set(commit, subjectOf(await reader.read(commit)));
  const ref = (commit: string): CommitRef => ({
    commit,
    date: new Date((history.commits.get(commit)?.time ?? 0) * 1000).toISOString(),
    subject: subjects.get(commit) ?? '',
  });
  const explained = new Map<string, Promise<PathsAt>>();
  const out: ExposureWindow[] = [];
  for (const { window, branches } of found) {
    const at = `${window.entered}\0${window.lockfile}`;
    let paths = explained.get(at);
    if (!paths) {
      paths = pathsAt(root, window.entered, window.lockfile, name, maxBytes);
      explained.set(at, paths);
    }
    const { byVersion, error } = await paths;
    const all = [...(byVersion.get(window.version) ?? [])].sort((a, b) => a.length - b.length);
    out.push({
      package: { name, version: window.version },
      lockfile: window.lockfile,
      entered: ref(window.entered),
      left: window.left === null ? null : ref(window.left),
      branches,
      paths: all.slice(0, 3),
      pathCount: all.length,
      ...(error !== undefined ? { pathsError: error } : {}),
    });
  }
  return out;
}

/** A commit object's subject: the first paragraph of its message, on one line. */
function subjectOf(object: GitObject): string {
  if (object.kind !== 'found') return '';
  const text = object.content.toString('utf8');
  const body = text.indexOf('\n\n');
  if (body === -1) return '';
  const message = text.slice(body + 2);
  const end = message.search(/\n[ \t]*\n/);
  return (end === -1 ? message : message.slice(0, end)).trim().replace(/\s*\n\s*/g, ' ');
}

interface PathsAt {
  readonly byVersion: ReadonlyMap<string, readonly (readonly PathStep[])[]>;
  readonly error?: string;
}

/** Every path to each version of the package in the lockfile at `commit`, read with its package.json and workspaces as `why` reads them. */
async function pathsAt(root: string, commit: string, lockfile: string, name: string, maxBytes: number): Promise<PathsAt> {
  try {
    const text = await readFromGit(root, commit, lockfile, `${commit.slice(0, 12)}:${lockfile}`, maxBytes);
    const byVersion = new Map<string, (readonly PathStep[])[]>();
    for (const copy of explainPackage(await loadSnapshot(text), name)) {
      if (copy.workspace || copy.name !== name) continue;
      byVersion.set(copy.version, [...(byVersion.get(copy.version) ?? []), ...copy.paths]);
    }
    return { byVersion };
  } catch (error) {
    if (!(error instanceof DepguardError)) throw error;
    return { byVersion: new Map(), error: error.message };
  }
}
