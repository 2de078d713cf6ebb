import { statSync } from 'node:fs';
import path from 'node:path';
import { loadPolicy, locatePolicy, policyEdits, policyOf, readPolicySide, type PolicyEdit } from './config/load-policy.js';
import { validatePolicy, type Policy } from './config/policy.js';
import { readProjectFiles, type ProjectFiles } from './config/project-files.js';
import { DEFAULT_MIN_RELEASE_AGE_MS, projectReleaseAge, type ReleaseAge } from './config/release-age.js';
import { ConfigError, GitError, UsageError } from './errors.js';
import { isRevision, isTracked, mergeBase, repoRoot } from './git.js';
import { pushEventOf, readEvent } from './github/event.js';
import { BUN_BINARY, chooseLockfile, findLockfile, LOCKFILE_NAMES, noLockfile, type FoundLockfile } from './lockfile/detect.js';
import { projectFolder } from './lockfile/project-folder.js';
import { describeSource, folderInRepository, parseSpec, type LockSource } from './lockfile/source.js';
import { diskView, revisionView, type ProjectView } from './project-view.js';
import type { NpmrcSources } from './registry/npmrc.js';
import type { ProjectChange } from './rules/project-change.js';

/**
 * Every decision about who decides. The change under review controls the head lockfile,
 * package.json, the project's .npmrc and the policy file: that is what is judged, never how.
 * Which lockfiles are compared, the policy, the cooldown, the registry, where credentials go and
 * which dependencies may run install scripts come from the base revision, the user (options,
 * ~/.npmrc, the environment) or the CI owner. See docs/security.md.
 */

/** Environment variables, passed in as data (the library never reads process.env). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * One side as the caller names it: a string is read as `--base`/`--head` read theirs (an
 * existing file or folder is a lockfile path, anything else a git revision); `{ rev }` and
 * `{ file }` say which.
 */
export type SideSpec = string | { readonly rev: string } | { readonly file: string };

/** The policy the user chose: a policy file, or the content of one. Applied as it is. */
export type PolicyChoice = string | { readonly json: unknown; readonly source?: string };

export interface TrustRequest {
  /** 'diff' compares two sides; 'audit' judges the whole head tree against an empty base. */
  readonly command: 'diff' | 'audit';
  /** Relative paths are resolved against it; the project folder unless `lockfile` names one elsewhere. */
  readonly cwd: string;
  readonly env: Env;
  /**
   * Default: HEAD; on a GitHub pull request (GITHUB_BASE_REF) the merge base with its base
   * branch; on a GitHub push (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH) the commit before the push.
   */
  readonly base?: SideSpec;
  /** Default: the working tree. */
  readonly head?: SideSpec;
  /** HEAD against the index (a pre-commit hook). */
  readonly staged?: boolean;
  /** The lockfile inside the repository; default: the project's, found upward from `cwd` as npm finds it. */
  readonly lockfile?: string;
  /** The user's policy (--config); default: the project's, from the base revision when there is one. */
  readonly policy?: PolicyChoice;
  /** The rule ids a policy may name. */
  readonly ruleIds: readonly string[];
  /**
   * The project's files as they stand are the user's own, not a change under review (`depguard
   * preview`: what is judged is the command the user typed): a tracked `.npmrc` is then read in
   * full, registries included, as an untracked one is.
   */
  readonly ownProject?: boolean;
}

/** What is compared: one pair of sides per lockfile audited. */
interface Plan {
  readonly pairs: ReadonlyArray<{ readonly base: LockSource; readonly head: LockSource }>;
  /** The lockfiles each side has, when depguard chose them from a git base (else null). */
  readonly lockfiles: ProjectChange['lockfiles'];
}

/**
 * How a change is judged, and who decided it.
 */
interface Judge {
  /** The base revision's policy (or the user's); with no base revision, the project's. */
  readonly policy: Policy;
  /** Where the change edits the policy: not applied, and reported (policy-changed). */
  readonly policyEdits: readonly PolicyEdit[];
  /**
   * The project files that may name a registry, a cooldown or the dependencies allowed to run
   * install scripts, as far as they can be trusted: a tracked file as the base revision has it.
   */
  readonly projectFiles: ProjectFiles;
  /**
   * The same files as the change has them (the developer's own untracked files as they are). Never
   * what judges: read only to see where the change would let more run than the base does.
   */
  readonly headProjectFiles: ProjectFiles;
  /** Whether the project .npmrc among them was checked against a base (see readRegistryConfig). */
  readonly npmrcChecked: boolean;
  /** The cooldown: the policy's minReleaseAge, else the project's own setting, else depguard's default. */
  readonly releaseAge: ReleaseAge;
}

export interface Trust {
  readonly plan: Plan;
  /** The project folder: that of `lockfile`, else the one found upward from `cwd` (projectFolder). */
  readonly projectDir: string;
  /** The git work tree holding it; null outside one. */
  readonly repository: string | null;
  /** Files read from disk must resolve inside it: the repository, else the project folder. */
  readonly root: string;
  readonly judge: Judge;
}

/** Decides what is compared and what judges it. */
export async function decideTrust(request: TrustRequest): Promise<Trust> {
  const projectDir = await projectDirOf(request.cwd, request.lockfile);
  const plan = request.command === 'audit' ? planAudit(request, projectDir) : await planDiff(request, projectDir);
  const repository = await repoRoot(projectDir).catch(() => null);
  const sources = await judgeSources(plan, projectDir, repository, request);
  const explicitPolicy = request.policy === undefined ? undefined : userPolicy(request.policy, request.cwd, request.ruleIds);
  const judge = await judgeOf({ ...sources, ownProject: request.ownProject === true, ...(explicitPolicy ? { explicitPolicy } : {}) });
  return { plan, projectDir, repository, root: repository ?? projectDir, judge };
}

/** The project folder: that of the lockfile the user named, else the one found upward from the current directory. */
async function projectDirOf(cwd: string, lockfile: string | undefined): Promise<string> {
  return lockfile ? path.dirname(path.resolve(cwd, lockfile)) : projectFolder(cwd);
}

/** The project .npmrc as far as it can be trusted, for readRegistryConfig. */
export function npmrcSources(trust: Trust, env: Env, registry: string | undefined): NpmrcSources {
  return {
    projectDir: trust.projectDir,
    env,
    registry,
    projectNpmrc: trust.judge.projectFiles['.npmrc'],
    projectNpmrcChecked: trust.judge.npmrcChecked,
  };
}

/** `audit`: the whole locked tree, as if the base were empty. */
function planAudit(request: TrustRequest, projectDir: string): Plan {
  if (request.base !== undefined || request.head !== undefined || request.staged)
    throw new UsageError('an audit judges one lockfile as it stands: base, head and staged are for a diff');
  const lockfile = chooseLockfile(request.cwd, request.lockfile, projectDir);
  return { pairs: [{ base: { kind: 'empty', label: 'nothing' }, head: { kind: 'file', ...lockfile } }], lockfiles: null };
}

/** A single side's lockfile (`depguard why --head`): a revision's copy of `lockfile`, or the file named. */
export function lockSourceOf(spec: SideSpec, cwd: string, lockfile: () => FoundLockfile): LockSource {
  const side = sideOf(spec, cwd);
  return side.kind === 'git'
    ? { kind: 'git', rev: side.rev, ...lockfile() }
    : side.kind === 'named'
      ? side.source
      : { kind: 'file', ...lockfile() };
}

/** One side before its lockfile is chosen: a revision, the index, the working tree, or a path the user named. */
type Side =
  | { readonly kind: 'git'; readonly rev: string }
  | { readonly kind: 'index' }
  | { readonly kind: 'worktree' }
  | { readonly kind: 'named'; readonly source: LockSource };

function sideOf(spec: SideSpec, cwd: string): Side {
  if (typeof spec === 'string') {
    const parsed = parseSpec(spec, cwd);
    return 'rev' in parsed ? { kind: 'git', rev: parsed.rev } : { kind: 'named', source: parsed.source };
  }
  if ('rev' in spec) return { kind: 'git', rev: spec.rev };
  const file = path.resolve(cwd, spec.file);
  return { kind: 'named', source: { kind: 'file', ...(isFolder(file) ? findLockfile(file) : { file }) } };
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** `diff`: what the two sides are, from the request and the workflow we are in. */
async function planDiff(request: TrustRequest, projectDir: string): Promise<Plan> {
  const { cwd, env } = request;
  if (request.staged && (request.base !== undefined || request.head !== undefined))
    throw new UsageError('--staged compares HEAD with the index: it cannot be combined with --base or --head');
  let base: Side;
  let head: Side;
  if (request.staged) {
    base = { kind: 'git', rev: 'HEAD' };
    head = { kind: 'index' };
  } else {
    head = request.head !== undefined ? sideOf(request.head, cwd) : { kind: 'worktree' };
    if (request.base !== undefined) base = sideOf(request.base, cwd);
    else if (env.GITHUB_BASE_REF) base = { kind: 'git', rev: await mergeBase(await repoRoot(projectDir), env.GITHUB_BASE_REF) };
    else if (env.GITHUB_EVENT_NAME === 'push' && env.GITHUB_EVENT_PATH)
      base = await pushBase(await repoRoot(projectDir), env.GITHUB_EVENT_PATH);
    else base = { kind: 'git', rev: 'HEAD' };
  }
  // With a git base, the base decides which lockfiles are audited, unless the user named one.
  if (base.kind === 'git' && head.kind !== 'named' && !request.lockfile) return lockfilesOfBoth(projectDir, base.rev, head);
  let found: FoundLockfile | undefined;
  const lockfile = (): FoundLockfile => (found ??= chooseLockfile(cwd, request.lockfile, projectDir));
  const sourceOf = (side: Side): LockSource => {
    switch (side.kind) {
      case 'git':
        return { kind: 'git', rev: side.rev, ...lockfile() };
      case 'index':
        return { kind: 'index', ...lockfile() };
      case 'worktree':
        return { kind: 'file', ...lockfile() };
      case 'named':
        return side.source;
    }
  };
  return { pairs: [{ base: sourceOf(base), head: sourceOf(head) }], lockfiles: null };
}

/**
 * On a GitHub `push`, what the push changed: the commit the branch pointed at before it (not
 * HEAD, which is the pushed commit itself). A new branch or tag has no such commit: it is
 * compared with its merge base with the default branch, and the default branch's own first
 * push with nothing. A force push's earlier commit is in no branch a clone fetches: a branch is
 * then compared with its merge base with the default branch, and the default branch refused.
 */
async function pushBase(root: string, eventPath: string): Promise<Side> {
  const push = pushEventOf(readEvent(eventPath));
  if (push === null) throw new ConfigError(`GITHUB_EVENT_PATH ${eventPath}: not a push event (no 'before' commit or 'ref')`);
  if (push.before !== null && (await isRevision(root, push.before))) return { kind: 'git', rev: push.before };
  const { defaultBranch } = push;
  const isDefault = defaultBranch !== null && push.ref === `refs/heads/${defaultBranch}`;
  if (push.before === null && isDefault)
    return { kind: 'named', source: { kind: 'empty', label: `nothing (the first push of ${defaultBranch})` } };
  if (defaultBranch === null || isDefault)
    throw new GitError(
      push.before === null
        ? `a new ref was pushed (${push.ref}) and the event names no default branch to compare it with: pass --base`
        : `the commit before this push (${push.before}) is not in this clone (after a force push it is in no branch): check out with fetch-depth: 0, or pass --base`,
    );
  return { kind: 'git', rev: await mergeBase(root, defaultBranch, "the repository's default branch") };
}

/**
 * Every lockfile either side has in `dir`: a `package-lock.json` added beside a pnpm project's
 * lockfile must not become the one audited (npm would install from it), nor escape the audit.
 */
async function lockfilesOfBoth(dir: string, baseRev: string, head: Exclude<Side, { kind: 'named' }>): Promise<Plan> {
  const root = await repoRoot(dir);
  const rel = await folderInRepository(root, dir);
  const headView = head.kind === 'worktree' ? diskView(dir, root, dir) : revisionView(root, head.kind === 'index' ? '' : head.rev, rel);
  const [baseNames, headNames] = await Promise.all([revisionView(root, baseRev, rel).names(), headView.names()]);
  const inBase = LOCKFILE_NAMES.filter((n) => baseNames.includes(n));
  const inHead = LOCKFILE_NAMES.filter((n) => headNames.includes(n));
  let names: string[] = LOCKFILE_NAMES.filter((n) => inBase.includes(n) || inHead.includes(n));
  if (names.length === 0) {
    if (![...baseNames, ...headNames].includes(BUN_BINARY)) throw noLockfile(dir);
    names = [BUN_BINARY]; // refused with what to do instead
  }
  const headSource = (file: string): LockSource =>
    head.kind === 'worktree'
      ? { kind: 'file', file }
      : head.kind === 'index'
        ? { kind: 'index', file }
        : { kind: 'git', rev: head.rev, file };
  const pairs = names.map((name) => {
    const file = path.join(dir, name);
    const h = headSource(file);
    const gone = name !== BUN_BINARY && !headNames.includes(name);
    return {
      base: { kind: 'git', rev: baseRev, file } as const,
      head: gone ? ({ kind: 'empty', label: describeSource(h, dir) } as const) : h,
    };
  });
  return { pairs, lockfiles: { base: inBase, head: inHead } };
}

interface JudgeSources {
  /** The project folder at the base revision; null when the base is no revision (two lockfile files, an audit). */
  readonly base: ProjectView | null;
  /** The project folder as the change has it (working tree, index or head revision). */
  readonly head: ProjectView;
  /** The project folder on disk. */
  readonly disk: ProjectView;
  /**
   * Whether git tracks a file of the project folder; null outside a repository. A file git does
   * not track is a developer's own (an .npmrc holding a token, often git-ignored): no change
   * under review brought it.
   */
  readonly tracked: ((name: string) => Promise<boolean>) | null;
  /** The user's own policy (--config), used as it is. */
  readonly explicitPolicy?: Policy;
  readonly ruleIds: readonly string[];
  /** See TrustRequest.ownProject. */
  readonly ownProject?: boolean;
}

/**
 * Where the policy and project files come from. With a git base, the base revision's copies
 * decide; the head's (working tree, index or head revision) is only compared with them.
 */
async function judgeSources(plan: Plan, projectDir: string, repository: string | null, request: TrustRequest): Promise<JudgeSources> {
  const { cwd } = request;
  const disk = diskView(projectDir, repository ?? projectDir, cwd);
  const sources = { disk, ruleIds: request.ruleIds, tracked: null };
  if (repository === null) {
    if (plan.pairs[0]!.base.kind === 'git') await repoRoot(projectDir); // says why there is no revision to read
    return { ...sources, base: null, head: disk };
  }
  const rel = await folderInRepository(repository, projectDir);
  const tracked = (name: string): Promise<boolean> => isTracked(repository, path.posix.join(rel, name));
  const base = plan.pairs[0]!.base;
  if (base.kind !== 'git') return { ...sources, tracked, base: null, head: disk };
  const head = plan.pairs.map((p) => p.head).find((h) => h.kind !== 'empty');
  const headView =
    head?.kind === 'index' ? revisionView(repository, '', rel) : head?.kind === 'git' ? revisionView(repository, head.rev, rel) : disk;
  return { ...sources, tracked, base: revisionView(repository, base.rev, rel), head: headView };
}

/** The policy the user chose, loaded and validated. */
function userPolicy(choice: PolicyChoice, cwd: string, ruleIds: readonly string[]): Policy {
  if (typeof choice !== 'string') return validatePolicy(choice.json, choice.source ?? 'the policy option', ruleIds);
  const file = path.resolve(cwd, choice);
  return loadPolicy(locatePolicy(path.dirname(file), file), ruleIds);
}

async function judgeOf(sources: JudgeSources): Promise<Judge> {
  const { base, head, disk, tracked, explicitPolicy, ruleIds, ownProject } = sources;
  // asked once per file: both sides' project files depend on it
  const owned = new Map<string, Promise<boolean>>();
  const own = (name: string): Promise<boolean> => {
    const known = owned.get(name);
    if (known !== undefined) return known;
    const answer = tracked === null ? Promise.resolve(false) : tracked(name).then((t) => !t);
    owned.set(name, answer);
    return answer;
  };
  let policy: Policy;
  let edits: PolicyEdit[] = [];
  let projectFiles: ProjectFiles;
  let headProjectFiles: ProjectFiles;
  let npmrcChecked: boolean;
  if (base === null) {
    // nothing to check the project's files against: the policy is the one beside the lockfiles
    // the user pointed at, and an .npmrc that is not the developer's own may only bind
    // credentials (see readRegistryConfig)
    projectFiles = await readProjectFiles((name) => disk.read(name));
    headProjectFiles = projectFiles;
    policy = explicitPolicy ?? policyOf(await readPolicySide(head), ruleIds);
    npmrcChecked = projectFiles['.npmrc'] !== null && (ownProject === true || (await own('.npmrc')));
  } else {
    if (explicitPolicy !== undefined) policy = explicitPolicy;
    else {
      const [then, now] = await Promise.all([readPolicySide(base), readPolicySide(head)]);
      policy = policyOf(then, ruleIds);
      edits = policyEdits(then, now);
    }
    // a tracked file is read as the base had it, whatever the change did to it
    const side = (view: ProjectView) => readProjectFiles(async (name) => ((await own(name)) ? disk.read(name) : view.read(name)));
    [projectFiles, headProjectFiles] = await Promise.all([side(base), side(head)]);
    npmrcChecked = true;
  }
  return { policy, policyEdits: edits, projectFiles, headProjectFiles, npmrcChecked, releaseAge: releaseAgeOf(policy, projectFiles) };
}

/** The cooldown: the (trusted) policy's, else the (trusted) project files', else depguard's default. */
function releaseAgeOf(policy: Policy, projectFiles: ProjectFiles): ReleaseAge {
  if (policy.minReleaseAgeMs !== undefined) return { ms: policy.minReleaseAgeMs, source: `${policy.source} minReleaseAge` };
  return projectReleaseAge(projectFiles) ?? { ms: DEFAULT_MIN_RELEASE_AGE_MS, source: 'depguard default' };
}
