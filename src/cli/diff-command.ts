import path from 'node:path';
import { diffTrees } from '../diff/diff-trees.js';
import { evaluate } from '../engine.js';
import { UsageError } from '../errors.js';
import { isTracked, mergeBase, repoRoot } from '../git.js';
import { loadSnapshot } from '../lockfile/load.js';
import type { Snapshot } from '../lockfile/snapshot.js';
import { BUN_BINARY, findLockfile, LOCKFILE_NAMES, noLockfile, type FoundLockfile } from '../lockfile/detect.js';
import { describeSource, folderInRepository, parseSpec, readSource, repositoryPath, type LockSource } from '../lockfile/source.js';
import { readRegistryConfig, registryUrls } from '../registry/npmrc.js';
import { PacoteClient, type FetchLimits } from '../registry/pacote-client.js';
import { isFormat, FORMATS, type Format } from '../report/index.js';
import { buildResult, type DiffResult } from '../result.js';
import { AUDIT_RULES, PROJECT_RULES, RULE_IDS, RULES } from '../rules/index.js';
import type { Policy } from '../config/policy.js';
import { DEFAULT_MIN_RELEASE_AGE_MS, projectReleaseAge } from '../config/release-age.js';
import { formatDuration, parseDuration } from '../duration.js';
import { CachedClient, defaultCacheDir } from '../registry/facts-cache.js';
import { isSeverity, type Severity } from '../severity.js';
import { DeadlineClient, deadlineSignal } from '../registry/deadline.js';
import { diskView, revisionView } from '../project-view.js';
import type { ProjectChange } from '../rules/project-change.js';
import { judgeOf, type JudgeSources } from '../trust.js';

export interface DiffFlags {
  base?: string;
  head?: string;
  staged?: boolean;
  lockfile?: string;
  format: string;
  failOn?: string;
  config?: string;
  asOf?: string;
  registry?: string;
  cacheDir?: string;
  concurrency: string;
  allowIncomplete?: boolean;
  maxLockfileSize: string;
  maxResponseSize: string;
  cacheMaxAge: string;
  timeout: string;
  retries: string;
  deadline: string;
  verbose?: boolean;
  offline?: boolean;
  outputFile?: string;
}

export interface Environment {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: number;
}

export interface ParsedDiffFlags {
  readonly format: Format;
  readonly failOn: Severity;
  readonly concurrency: number;
  readonly maxLockfileBytes: number;
  readonly limits: FetchLimits;
  readonly cacheMaxAgeMs: number;
  /** --deadline: registry work still outstanding this long after the start is abandoned. */
  readonly deadlineMs: number;
  readonly now: number;
}

/** Timers cannot wait longer (2^31 - 1 ms, about 24.8 days). */
const MAX_DEADLINE_MS = 24 * 86_400_000;

/** Checks the flags; --fail-on falls back to the policy's failOn, then high. */
export function parseDiffFlags(flags: DiffFlags, policy: Policy, now: number): ParsedDiffFlags {
  if (!isFormat(flags.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${flags.format}'`);
  const failOn = flags.failOn ?? policy.failOn ?? 'high';
  if (!isSeverity(failOn)) throw new UsageError(`--fail-on must be one of info, low, medium, high, critical, not '${failOn}'`);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be an integer from 1 to 64`);
  const mb = positive(flags.maxLockfileSize, '--max-lockfile-size', 'a positive number of megabytes');
  const responseMb = positive(flags.maxResponseSize, '--max-response-size', 'a positive number of megabytes');
  const timeout = positive(flags.timeout, '--timeout', 'a positive number of seconds');
  const cacheMaxAgeMs = flags.cacheMaxAge === '0' ? 0 : parseDuration(flags.cacheMaxAge);
  if (cacheMaxAgeMs === null) throw new UsageError(`--cache-max-age must be a duration like 30m, 12h, 7d or 0, not '${flags.cacheMaxAge}'`);
  const deadlineMs = parseDuration(flags.deadline);
  if (deadlineMs === null || deadlineMs < 1000 || deadlineMs > MAX_DEADLINE_MS) throw new UsageError(`--deadline must be a duration from 1s to 24d, like 10m or 1h, not '${flags.deadline}'`);
  const retries = Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new UsageError('--retries must be an integer from 0 to 10');
  let asOf = now;
  if (flags.asOf !== undefined) {
    asOf = Date.parse(flags.asOf);
    if (Number.isNaN(asOf)) throw new UsageError(`--as-of must be a date (YYYY-MM-DD or an ISO time), not '${flags.asOf}'`);
  }
  return {
    format: flags.format,
    failOn,
    concurrency,
    maxLockfileBytes: Math.floor(mb * 1024 * 1024),
    limits: { timeoutMs: Math.round(timeout * 1000), retries, maxResponseBytes: Math.floor(responseMb * 1024 * 1024) },
    cacheMaxAgeMs,
    deadlineMs,
    now: asOf,
  };
}

function positive(value: string, flag: string, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be ${what}`);
  return n;
}

/** The project folder: that of --lockfile, else the current directory. */
export function projectDirOf(flags: DiffFlags, cwd: string): string {
  return flags.lockfile ? path.dirname(path.resolve(cwd, flags.lockfile)) : cwd;
}

/** One side before its lockfile is chosen: a revision, the index, the working tree, or a path the user named. */
type Side = { readonly kind: 'git'; readonly rev: string } | { readonly kind: 'index' } | { readonly kind: 'worktree' } | { readonly kind: 'named'; readonly source: LockSource };

/** What is compared: one pair of sides per lockfile audited. */
export interface Plan {
  readonly pairs: ReadonlyArray<{ readonly base: LockSource; readonly head: LockSource }>;
  /** The lockfiles each side has, when depguard chose them from a git base (else null). */
  readonly lockfiles: ProjectChange['lockfiles'];
}

/** Decides what the two sides are, from flags and the workflow we are in. */
export async function resolveSides(flags: DiffFlags, environment: Environment): Promise<Plan> {
  const { cwd, env } = environment;
  if (flags.staged && (flags.base !== undefined || flags.head !== undefined)) throw new UsageError('--staged compares HEAD with the index: it cannot be combined with --base or --head');
  const sideOf = (spec: string): Side => {
    const parsed = parseSpec(spec, cwd);
    return 'rev' in parsed ? { kind: 'git', rev: parsed.rev } : { kind: 'named', source: parsed.source };
  };
  let base: Side;
  let head: Side;
  if (flags.staged) {
    base = { kind: 'git', rev: 'HEAD' };
    head = { kind: 'index' };
  } else {
    head = flags.head !== undefined ? sideOf(flags.head) : { kind: 'worktree' };
    if (flags.base !== undefined) base = sideOf(flags.base);
    else if (env.GITHUB_BASE_REF) base = { kind: 'git', rev: await mergeBase(await repoRoot(projectDirOf(flags, cwd)), env.GITHUB_BASE_REF) };
    else base = { kind: 'git', rev: 'HEAD' };
  }
  // With a git base, the base decides which lockfiles are audited, unless the user named one.
  if (base.kind === 'git' && head.kind !== 'named' && !flags.lockfile) return lockfilesOfBoth(cwd, base.rev, head);
  let found: FoundLockfile | undefined;
  const lockfile = (): FoundLockfile => (found ??= flags.lockfile ? { file: path.resolve(cwd, flags.lockfile), passedOver: [] } : findLockfile(cwd));
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
  const headSource = (file: string): LockSource => (head.kind === 'worktree' ? { kind: 'file', file } : head.kind === 'index' ? { kind: 'index', file } : { kind: 'git', rev: head.rev, file });
  const pairs = names.map((name) => {
    const file = path.join(dir, name);
    const h = headSource(file);
    const gone = name !== BUN_BINARY && !headNames.includes(name);
    return { base: { kind: 'git', rev: baseRev, file } as const, head: gone ? ({ kind: 'empty', label: describeSource(h, dir) } as const) : h };
  });
  return { pairs, lockfiles: { base: inBase, head: inHead } };
}

/** What a run gives the reporters: the result and the flags as parsed. */
export interface Run {
  readonly result: DiffResult;
  readonly parsed: ParsedDiffFlags;
  /** The head side as read, for `approve` (which copies of a version it locks). */
  readonly head: Snapshot;
  /** The repository (or project folder) the run read: --output-file must not be linked out of it. */
  readonly root: string;
}

export async function runDiff(flags: DiffFlags, environment: Environment, hooks: RunHooks = {}): Promise<Run> {
  return analyze('diff', flags, environment, await resolveSides(flags, environment), hooks);
}

/** `depguard audit`: the whole locked tree, as if the base were empty. */
export async function runAudit(flags: DiffFlags, environment: Environment, hooks: RunHooks = {}): Promise<Run> {
  const lockfile = flags.lockfile ? { file: path.resolve(environment.cwd, flags.lockfile) } : findLockfile(environment.cwd);
  return analyze('audit', flags, environment, { pairs: [{ base: { kind: 'empty', label: 'nothing' }, head: { kind: 'file', ...lockfile } }], lockfiles: null }, hooks);
}

export interface RunHooks {
  /** Called as registry metadata arrives (for a progress line). */
  readonly onProgress?: (done: number, total: number) => void;
}

async function analyze(command: 'diff' | 'audit', flags: DiffFlags, environment: Environment, plan: Plan, hooks: RunHooks): Promise<Run> {
  const { cwd, env } = environment;
  const projectDir = projectDirOf(flags, cwd);
  const repository = await repoRoot(projectDir).catch(() => null);
  // files inside it must resolve inside it (see readRegularFile)
  const root = repository ?? projectDir;
  const judge = await judgeOf(await judgeSources(plan, projectDir, repository, cwd, flags.config));
  const parsed = parseDiffFlags(flags, judge.policy, environment.now);
  const deadline = deadlineSignal(parsed.deadlineMs);
  const texts = await Promise.all(plan.pairs.map((pair) => Promise.all([readSource(pair.base, cwd, parsed.maxLockfileBytes, root), readSource(pair.head, cwd, parsed.maxLockfileBytes, root)])));
  // the lockfile the reporters point into (and lockfile-out-of-sync reads): one both sides have, else the head's first
  const both = texts.findIndex(([b, h]) => b.lockfile !== null && h.lockfile !== null);
  const primary = both !== -1 ? both : texts.findIndex(([, h]) => h.lockfile !== null);
  if (primary === -1) throw new UsageError(`${texts[0]![1].label} does not exist`);
  const trees = await Promise.all(texts.map(async ([b, h]) => ({ base: await loadSnapshot(b), head: await loadSnapshot(h) })));
  // each change points into the lockfile it came from (several are compared when the sides disagree on which exist)
  const lockfilePaths = await Promise.all(plan.pairs.map((pair) => (pair.head.kind !== 'empty' ? repositoryPath(pair.head.file, cwd) : pair.base.kind !== 'empty' ? repositoryPath(pair.base.file, cwd) : '')));
  const changes = trees.flatMap((t, i) => diffTrees(t.base, t.head).map((change) => ({ ...change, lockfile: lockfilePaths[i]! })));
  const config = readRegistryConfig({ projectDir, env, registry: flags.registry, projectNpmrc: judge.projectFiles['.npmrc'], projectNpmrcChecked: judge.npmrcChecked });
  const cacheDir = flags.cacheDir ? path.resolve(cwd, flags.cacheDir) : defaultCacheDir(env);
  const registryClient = new DeadlineClient(new PacoteClient({ config, limits: parsed.limits, maxSockets: parsed.concurrency, signal: deadline }), deadline);
  const client = new CachedClient(registryClient, { dir: cacheDir, registry: config.registry, maxAgeMs: parsed.cacheMaxAgeMs, offline: Boolean(flags.offline), now: Date.now });
  const { policy } = judge;
  const releaseAge = policy.minReleaseAgeMs !== undefined ? { ms: policy.minReleaseAgeMs, source: `${policy.source} minReleaseAge` } : (projectReleaseAge(judge.projectFiles) ?? { ms: DEFAULT_MIN_RELEASE_AGE_MS, source: 'depguard default' });
  const settings = { minReleaseAgeMs: releaseAge.ms, minReleaseAgeSource: releaseAge.source, registries: registryUrls(config) };
  const rules = command === 'audit' ? AUDIT_RULES : RULES;
  const project = { lockfiles: plan.lockfiles, policyEdits: judge.policyEdits };
  const lockfilePath = lockfilePaths[primary]!;
  const evaluation = await evaluate(changes, trees[primary]!, { rules, projectRules: PROJECT_RULES, client, now: parsed.now, concurrency: parsed.concurrency, settings, policy, project, lockfilePath, onProgress: hooks.onProgress });
  await client.flush();
  // a side without this lockfile says so; the empty base of an audit is just "nothing"
  const label = (i: number, side: 0 | 1): string => {
    const text = texts[i]![side];
    return text.lockfile === null && (side === 1 || plan.pairs[i]!.base.kind !== 'empty') ? `${text.label} (no lockfile)` : text.label;
  };
  const result = buildResult(command, texts.map((_, i) => label(i, 0)).join(', '), texts.map((_, i) => label(i, 1)).join(', '), changes, evaluation, {
    source: policy.source,
    minReleaseAge: formatDuration(releaseAge.ms),
    minReleaseAgeSource: releaseAge.source,
    changedByThisChange: judge.policyEdits.length > 0,
  });
  return { result, parsed, head: trees[primary]!.head, root };
}

/**
 * Where the policy and project files come from. With a git base, the base revision's copies
 * decide; the head's (working tree, index or head revision) is only compared with them.
 */
async function judgeSources(plan: Plan, projectDir: string, repository: string | null, cwd: string, config: string | undefined): Promise<JudgeSources> {
  const disk = diskView(projectDir, repository ?? projectDir, cwd);
  const sources = { disk, ruleIds: RULE_IDS, tracked: null, ...(config ? { explicitPolicy: path.resolve(cwd, config) } : {}) };
  if (repository === null) {
    if (plan.pairs[0]!.base.kind === 'git') await repoRoot(projectDir); // says why there is no revision to read
    return { ...sources, base: null, head: disk };
  }
  const rel = await folderInRepository(repository, projectDir);
  const tracked = (name: string): Promise<boolean> => isTracked(repository, path.posix.join(rel, name));
  const base = plan.pairs[0]!.base;
  if (base.kind !== 'git') return { ...sources, tracked, base: null, head: disk };
  const head = plan.pairs.map((p) => p.head).find((h) => h.kind !== 'empty');
  const headView = head?.kind === 'index' ? revisionView(repository, '', rel) : head?.kind === 'git' ? revisionView(repository, head.rev, rel) : disk;
  return { ...sources, tracked, base: revisionView(repository, base.rev, rel), head: headView };
}
