import path from 'node:path';
import { diffTrees } from '../diff/diff-trees.js';
import { evaluate } from '../engine.js';
import { UsageError } from '../errors.js';
import { isTracked, mergeBase, repoRoot, showFile } from '../lockfile/git.js';
import { loadSnapshot } from '../lockfile/load.js';
import { findLockfile, type FoundLockfile } from '../lockfile/detect.js';
import { parseSourceSpec, readSource, type LockSource } from '../lockfile/source.js';
import { readRegistryConfig, registryHosts } from '../registry/npmrc.js';
import { defaultCacheDir, PacoteClient } from '../registry/pacote-client.js';
import { buildResult, type DiffResult } from '../result.js';
import { AUDIT_RULES, PROJECT_RULES, RULE_IDS, RULES } from '../rules/index.js';
import { loadPolicy, locatePolicy } from '../config/load-policy.js';
import type { Policy } from '../config/policy.js';
import { DEFAULT_MIN_RELEASE_AGE_MS, projectReleaseAge } from '../config/release-age.js';
import { formatDuration } from '../duration.js';
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
  verbose?: boolean;
  offline?: boolean;
}

export interface Environment {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: number;
}

export interface ParsedDiffFlags {
  readonly format: 'text' | 'json';
  readonly failOn: Severity;
  readonly concurrency: number;
  readonly maxLockfileBytes: number;
  readonly now: number;
}

/** Checks the flags; --fail-on falls back to the policy's failOn, then high. */
export function parseDiffFlags(flags: DiffFlags, policy: Policy, now: number): ParsedDiffFlags {
  if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format must be text or json, not '${flags.format}'`);
  const failOn = flags.failOn ?? policy.failOn ?? 'high';
  if (!isSeverity(failOn)) throw new UsageError(`--fail-on must be one of info, low, medium, high, critical, not '${failOn}'`);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be an integer from 1 to 64`);
  const mb = Number(flags.maxLockfileSize);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`--max-lockfile-size must be a positive number of megabytes`);
  let asOf = now;
  if (flags.asOf !== undefined) {
    asOf = Date.parse(flags.asOf);
    if (Number.isNaN(asOf)) throw new UsageError(`--as-of must be a date (YYYY-MM-DD or an ISO time), not '${flags.asOf}'`);
  }
  return { format: flags.format, failOn, concurrency, maxLockfileBytes: Math.floor(mb * 1024 * 1024), now: asOf };
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

export async function runDiff(flags: DiffFlags, environment: Environment, hooks: RunHooks = {}): Promise<{ result: DiffResult; parsed: ParsedDiffFlags }> {
  return analyze('diff', flags, environment, await resolveSides(flags, environment), hooks);
}

/** `depguard audit`: the whole locked tree, as if the base were empty. */
export async function runAudit(flags: DiffFlags, environment: Environment, hooks: RunHooks = {}): Promise<{ result: DiffResult; parsed: ParsedDiffFlags }> {
  const lockfile = flags.lockfile ? { file: path.resolve(environment.cwd, flags.lockfile) } : findLockfile(environment.cwd);
  return analyze('audit', flags, environment, { base: { kind: 'empty', label: '(empty)' }, head: { kind: 'file', ...lockfile } }, hooks);
}

export interface RunHooks {
  /** Called as registry metadata arrives (for a progress line). */
  readonly onProgress?: (done: number, total: number) => void;
}

async function analyze(command: 'diff' | 'audit', flags: DiffFlags, environment: Environment, sides: { base: LockSource; head: LockSource }, hooks: RunHooks): Promise<{ result: DiffResult; parsed: ParsedDiffFlags }> {
  const { cwd, env } = environment;
  const projectDir = projectDirOf(flags, cwd);
  const policy = loadPolicy(locatePolicy(projectDir, flags.config ? path.resolve(cwd, flags.config) : undefined), RULE_IDS);
  const parsed = parseDiffFlags(flags, policy, environment.now);
  const [baseText, headText] = await Promise.all([readSource(sides.base, cwd, parsed.maxLockfileBytes), readSource(sides.head, cwd, parsed.maxLockfileBytes)]);
  if (headText.lockfile === null) throw new UsageError(`${headText.label} does not exist`);
  const [base, head] = await Promise.all([loadSnapshot(baseText), loadSnapshot(headText)]);
  const changes = diffTrees(base, head);
  const projectNpmrc = sides.base.kind === 'git' ? await trustedNpmrc(sides.base) : undefined;
  const config = readRegistryConfig({ projectDir, env, registry: flags.registry, projectNpmrc });
  const client = new PacoteClient({ config, cacheDir: flags.cacheDir ? path.resolve(cwd, flags.cacheDir) : defaultCacheDir(env), offline: flags.offline });
  const releaseAge = policy.minReleaseAgeMs !== undefined ? { ms: policy.minReleaseAgeMs, source: `${policy.source} minReleaseAge` } : (projectReleaseAge(projectDir) ?? { ms: DEFAULT_MIN_RELEASE_AGE_MS, source: 'depguard default' });
  const settings = { minReleaseAgeMs: releaseAge.ms, minReleaseAgeSource: releaseAge.source, registryHosts: registryHosts(config) };
  const rules = command === 'audit' ? AUDIT_RULES : RULES;
  const evaluation = await evaluate(changes, { base, head }, { rules, projectRules: PROJECT_RULES, client, now: parsed.now, concurrency: parsed.concurrency, settings, policy, onProgress: hooks.onProgress });
  const baseLabel = baseText.lockfile === null ? `${baseText.label} (no lockfile)` : baseText.label;
  const result = buildResult(command, baseLabel, headText.label, changes, evaluation, { source: policy.source, minReleaseAge: formatDuration(releaseAge.ms), minReleaseAgeSource: releaseAge.source });
  return { result, parsed };
}

/**
 * A pull request must not choose where metadata comes from, nor where credentials go. With a git
 * base, a tracked project .npmrc that differs from the base revision's is replaced by the base's
 * (null: none). An untracked .npmrc (a developer's own, often git-ignored because it holds a
 * token) is the user's and is read as usual (undefined).
 */
async function trustedNpmrc(base: { rev: string; file: string }): Promise<string | null | undefined> {
  const root = await repoRoot(path.dirname(base.file));
  const file = path.join(path.dirname(base.file), '.npmrc');
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (!(await isTracked(root, rel))) return undefined;
  return showFile(root, base.rev, rel);
}
