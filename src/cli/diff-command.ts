import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diffTrees } from '../diff/diff-trees.js';
import { evaluate } from '../engine.js';
import { UsageError } from '../errors.js';
import { isTracked, mergeBase, repoRoot, showFile } from '../lockfile/git.js';
import { loadSnapshot } from '../lockfile/load.js';
import type { Snapshot } from '../lockfile/snapshot.js';
import { findLockfile, type FoundLockfile } from '../lockfile/detect.js';
import { parseSourceSpec, readSource, repositoryPath, type LockSource } from '../lockfile/source.js';
import { readRegistryConfig, registryUrls } from '../registry/npmrc.js';
import { PacoteClient, type FetchLimits } from '../registry/pacote-client.js';
import { isFormat, FORMATS, type Format } from '../report/index.js';
import { buildResult, type DiffResult } from '../result.js';
import { AUDIT_RULES, PROJECT_RULES, RULE_IDS, RULES } from '../rules/index.js';
import { loadPolicy, locatePolicy } from '../config/load-policy.js';
import type { Policy } from '../config/policy.js';
import { DEFAULT_MIN_RELEASE_AGE_MS, projectReleaseAge, readProjectFiles, RELEASE_AGE_FILES, type ProjectFiles } from '../config/release-age.js';
import { formatDuration, parseDuration } from '../duration.js';
import { CachedClient, defaultCacheDir } from '../registry/facts-cache.js';
import { isSeverity, type Severity } from '../severity.js';

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
  readonly now: number;
}

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
    now: asOf,
  };
}

function positive(value: string, flag: string, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be ${what}`);
  return n;
}

/** The policy file of the project: --config, else next to --lockfile, else in the current directory. */
export function projectDirOf(flags: DiffFlags, cwd: string): string {
  return flags.lockfile ? path.dirname(path.resolve(cwd, flags.lockfile)) : cwd;
}

/** Decides what the two sides are, from flags and the workflow we are in. */
export async function resolveSides(flags: DiffFlags, environment: Environment): Promise<{ base: LockSource; head: LockSource }> {
  const { cwd, env } = environment;
  if (flags.staged && (flags.base !== undefined || flags.head !== undefined)) throw new UsageError('--staged compares HEAD with the index: it cannot be combined with --base or --head');
  let lockfile: FoundLockfile | undefined;
  const theLockfile = (): FoundLockfile => (lockfile ??= flags.lockfile ? { file: path.resolve(cwd, flags.lockfile), passedOver: [] } : findLockfile(cwd));
  if (flags.staged) return { base: { kind: 'git', rev: 'HEAD', ...theLockfile() }, head: { kind: 'index', ...theLockfile() } };
  const head: LockSource = flags.head !== undefined ? parseSourceSpec(flags.head, theLockfile, cwd) : { kind: 'file', ...theLockfile() };
  let base: LockSource;
  if (flags.base !== undefined) {
    base = parseSourceSpec(flags.base, theLockfile, cwd);
  } else if (env.GITHUB_BASE_REF) {
    const root = await repoRoot(path.dirname(theLockfile().file));
    base = { kind: 'git', rev: await mergeBase(root, env.GITHUB_BASE_REF), ...theLockfile() };
  } else {
    base = { kind: 'git', rev: 'HEAD', ...theLockfile() };
  }
  return { base, head };
}

/** What a run gives the reporters: the result and the flags as parsed. */
export interface Run {
  readonly result: DiffResult;
  readonly parsed: ParsedDiffFlags;
  /** The head side as read, for `approve` (which copies of a version it locks). */
  readonly head: Snapshot;
}

export async function runDiff(flags: DiffFlags, environment: Environment, hooks: RunHooks = {}): Promise<Run> {
  return analyze('diff', flags, environment, await resolveSides(flags, environment), hooks);
}

/** `depguard audit`: the whole locked tree, as if the base were empty. */
export async function runAudit(flags: DiffFlags, environment: Environment, hooks: RunHooks = {}): Promise<Run> {
  const lockfile = flags.lockfile ? { file: path.resolve(environment.cwd, flags.lockfile) } : findLockfile(environment.cwd);
  return analyze('audit', flags, environment, { base: { kind: 'empty', label: 'nothing' }, head: { kind: 'file', ...lockfile } }, hooks);
}

export interface RunHooks {
  /** Called as registry metadata arrives (for a progress line). */
  readonly onProgress?: (done: number, total: number) => void;
}

async function analyze(command: 'diff' | 'audit', flags: DiffFlags, environment: Environment, sides: { base: LockSource; head: LockSource }, hooks: RunHooks): Promise<Run> {
  const { cwd, env } = environment;
  const projectDir = projectDirOf(flags, cwd);
  const policyLocation = locatePolicy(projectDir, flags.config ? path.resolve(cwd, flags.config) : undefined);
  const policy = loadPolicy(policyLocation, RULE_IDS);
  const parsed = parseDiffFlags(flags, policy, environment.now);
  const [baseText, headText] = await Promise.all([readSource(sides.base, cwd, parsed.maxLockfileBytes), readSource(sides.head, cwd, parsed.maxLockfileBytes)]);
  if (headText.lockfile === null || sides.head.kind === 'empty') throw new UsageError(`${headText.label} does not exist`);
  const [base, head, lockfilePath] = await Promise.all([loadSnapshot(baseText), loadSnapshot(headText), repositoryPath(sides.head.file, cwd)]);
  const changes = diffTrees(base, head);
  // A pull request must not choose where metadata comes from, where credentials go, nor relax
  // the team's cooldown: with a git base, project files the change modified are read as the base had them.
  const projectFiles = sides.base.kind === 'git' ? await trustedProjectFiles(sides.base, projectDir) : readProjectFiles(projectDir);
  const projectNpmrc = projectFiles['.npmrc'];
  const config = readRegistryConfig({ projectDir, env, registry: flags.registry, projectNpmrc });
  const cacheDir = flags.cacheDir ? path.resolve(cwd, flags.cacheDir) : defaultCacheDir(env);
  const registryClient = new PacoteClient({ config, limits: parsed.limits, maxSockets: parsed.concurrency });
  const client = new CachedClient(registryClient, { dir: cacheDir, registry: config.registry, maxAgeMs: parsed.cacheMaxAgeMs, offline: Boolean(flags.offline), now: Date.now });
  const releaseAge = policy.minReleaseAgeMs !== undefined ? { ms: policy.minReleaseAgeMs, source: `${policy.source} minReleaseAge` } : (projectReleaseAge(projectFiles) ?? { ms: DEFAULT_MIN_RELEASE_AGE_MS, source: 'depguard default' });
  const settings = { minReleaseAgeMs: releaseAge.ms, minReleaseAgeSource: releaseAge.source, registries: registryUrls(config) };
  const rules = command === 'audit' ? AUDIT_RULES : RULES;
  const evaluation = await evaluate(changes, { base, head }, { rules, projectRules: PROJECT_RULES, client, now: parsed.now, concurrency: parsed.concurrency, settings, policy, lockfilePath, onProgress: hooks.onProgress });
  await client.flush();
  const baseLabel = baseText.lockfile === null && sides.base.kind !== 'empty' ? `${baseText.label} (no lockfile)` : baseText.label;
  const changedByThisChange = sides.base.kind === 'git' && policyLocation.kind !== 'none' && (await changedSinceBase(sides.base, policyLocation.file));
  const result = buildResult(command, baseLabel, headText.label, changes, evaluation, {
    source: policy.source,
    minReleaseAge: formatDuration(releaseAge.ms),
    minReleaseAgeSource: releaseAge.source,
    changedByThisChange,
  });
  return { result, parsed, head };
}

/**
 * The policy stays the head's (a reviewer's `depguard approve` must take effect on the pull
 * request it reviews), but a policy file the change itself edits is said out loud.
 */
async function changedSinceBase(base: { rev: string; file: string }, file: string): Promise<boolean> {
  try {
    const root = await repoRoot(path.dirname(base.file));
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel.startsWith('..')) return false;
    const then = await showFile(root, base.rev, rel);
    return then !== readFileSync(file, 'utf8');
  } catch {
    return false;
  }
}

/**
 * The project's .npmrc, pnpm-workspace.yaml and .yarnrc.yml as the base revision had them when
 * git tracks them (a tracked file the change modified is not trusted); an untracked file (a
 * developer's own .npmrc, often git-ignored because it holds a token) is read from disk.
 */
async function trustedProjectFiles(base: { rev: string; file: string }, projectDir: string): Promise<ProjectFiles> {
  const root = await repoRoot(path.dirname(base.file));
  const onDisk = readProjectFiles(projectDir);
  const entries = await Promise.all(
    RELEASE_AGE_FILES.map(async (name) => {
      const rel = path.relative(root, path.join(projectDir, name)).split(path.sep).join('/');
      return [name, (await isTracked(root, rel)) ? await showFile(root, base.rev, rel) : onDisk[name]] as const;
    }),
  );
  return Object.fromEntries(entries) as ProjectFiles;
}
