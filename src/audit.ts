import path from 'node:path';
import semver from 'semver';
import { TarballAnalyzer, type CodeSource, type TarballFetcher } from './code/analyzer.js';
import { packageDiff } from './code/show.js';
import { StoredTarballs } from './code/tarball-store.js';
import { diffTrees } from './diff/diff-trees.js';
import { explainPackage, type Explanation } from './diff/explain.js';
import { formatDuration } from './duration.js';
import { evaluate } from './engine.js';
import { InterruptedError, RegistryError, UsageError } from './errors.js';
import type { ProjectFiles } from './config/project-files.js';
import { readScriptPolicies } from './config/script-allowlist.js';
import { chooseLockfile, yarnBerryLockfileVersion } from './lockfile/detect.js';
import { projectFolder } from './lockfile/project-folder.js';
import { loadSnapshot } from './lockfile/load.js';
import type { Snapshot } from './model.js';
import { readSource, repositoryPath, type LockfileText, type LockSource } from './lockfile/source.js';
import { BulkAdvisoryClient, type AdvisorySource } from './registry/advisory-client.js';
import { ADVISORY_MAX_AGE_MS, CachedAdvisories } from './registry/advisory-cache.js';
import type { MetadataClient } from './registry/client.js';
import { DeadlineClient, deadlineSignal } from './registry/deadline.js';
import { CachedClient, defaultCacheDir } from './registry/facts-cache.js';
import { readRegistryConfig, registryFor, registryUrls, type RegistryConfig } from './registry/npmrc.js';
import { PacoteClient } from './registry/pacote-client.js';
import { buildResult, type DiffResult } from './result.js';
import { AUDIT_RULES, PROJECT_RULES, RULE_IDS, RULES } from './rules/index.js';
import type { ScriptPolicySides } from './rules/script-gate.js';
import type { Severity } from './severity.js';
import { decideTrust, lockSourceOf, npmrcSources, type Env, type PolicyChoice, type SideSpec } from './trust.js';

const MB = 1024 * 1024;

/** What `audit()` uses for what its options leave out; the CLI's flags default to the same. */
export const AUDIT_DEFAULTS = {
  /** Registry requests in flight at once. */
  concurrency: 8,
  /** Lockfiles larger than this are refused. */
  maxLockfileBytes: 64 * MB,
  /** Registry responses larger than this are refused. */
  maxResponseBytes: 64 * MB,
  /** Per registry request. */
  timeoutMs: 30_000,
  /** Extra attempts after a transient registry failure. */
  retries: 2,
  /** Registry work still outstanding this long after the start is abandoned (listed as not checked). */
  deadlineMs: 10 * 60_000,
  /** Cached registry facts younger than this are used without asking. */
  cacheMaxAgeMs: 60 * 60_000,
} as const;

export interface AuditLimits {
  readonly concurrency: number;
  readonly maxLockfileBytes: number;
  readonly maxResponseBytes: number;
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface CacheOptions {
  /** Default: $XDG_CACHE_HOME/depguard, else ~/.cache/depguard (from `env`). */
  readonly dir?: string;
  /** Default: AUDIT_DEFAULTS.cacheMaxAgeMs. A cached entry missing a needed version is always refreshed. */
  readonly maxAgeMs?: number;
  /** Only cached facts; what is not cached is reported as unavailable. */
  readonly offline?: boolean;
}

export interface AuditOptions {
  /** 'diff' (default) compares `base` with `head`; 'audit' judges the whole lockfile, as if the base were empty. */
  readonly command?: 'diff' | 'audit';
  /** The directory relative paths are resolved against and labels are relative to: the project folder, unless `lockfile` is elsewhere. */
  readonly cwd: string;
  /**
   * Environment variables, as data: GITHUB_BASE_REF, HOME, XDG_CACHE_HOME, npm_config_*. Pass
   * `process.env` to behave as the CLI does; default: none (then ~/.npmrc is still read).
   */
  readonly env?: Env;
  /** The "before" side (diff): default HEAD, or the merge base with $GITHUB_BASE_REF on a pull request. */
  readonly base?: SideSpec;
  /** The "after" side (diff): default the working tree. */
  readonly head?: SideSpec;
  /** HEAD against the index, the pre-commit case (diff). */
  readonly staged?: boolean;
  /** The lockfile inside the repository; default: the project's, found upward from `cwd` as npm finds it. */
  readonly lockfile?: string;
  /**
   * The policy, as the user's own choice (like --config): a policy file's path, or its content.
   * Default: the project's, as the base revision has it when the base is one.
   */
  readonly policy?: PolicyChoice;
  /** The project's files as they stand are the user's own (see TrustRequest.ownProject): `preview()`. */
  readonly ownProject?: boolean;
  /** The registry URL, over .npmrc and npm_config_registry (like --registry). */
  readonly registry?: string;
  /**
   * Registry metadata from a client of your own instead of depguard's (pacote behind the facts
   * cache and the deadline). The registry configuration is still read: `resolved` URLs are
   * checked against its registries.
   */
  readonly client?: MetadataClient;
  /**
   * The code stage (tarballs of what changed, fetched from the registry and analysed): false
   * turns it off (like --no-code); a CodeSource of your own replaces depguard's. Default:
   * depguard's, unless `client` is given (then off) or the policy says `"code": false`.
   */
  readonly code?: false | CodeSource;
  /**
   * The registry's advisories (known-malicious, known-vulnerable): false turns them off; an
   * AdvisorySource of your own replaces depguard's. Default: depguard's (the bulk advisory
   * endpoint of each package's registry, behind a cache of a few minutes), unless `client` is
   * given (then none: the advisory rules do not apply).
   */
  readonly advisories?: false | AdvisorySource;
  /** depguard's facts cache; false: none. Ignored with `client`. */
  readonly cache?: CacheOptions | false;
  /** Ages (cooldown, package age) are judged as of this time (ms since the epoch); default now. */
  readonly now?: number;
  readonly limits?: Partial<AuditLimits>;
  /** Default AUDIT_DEFAULTS.deadlineMs; ignored with `client`. */
  readonly deadlineMs?: number;
  /** Called as registry metadata arrives. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Stops the run when it aborts (the CLI's Ctrl-C): registry work still outstanding is
   * abandoned, what was fetched stays in the cache, and audit() rejects with InterruptedError.
   */
  readonly signal?: AbortSignal;
}

export interface AuditRun {
  /** What `depguard diff --format json` prints. */
  readonly result: DiffResult;
  /** The head side of the lockfile the result points into, as read (`approve` locks the integrity of its copies). */
  readonly head: Snapshot;
  /** The repository (or project folder) the run read: files written for it must not be linked out of it. */
  readonly root: string;
  /** The project folder: that of `lockfile`, else `cwd` (where `approve` looks for the policy file to write). */
  readonly projectDir: string;
  /** The severity at which the policy applied fails a run: its failOn, else high. */
  readonly failOn: Severity;
}

/**
 * The pipeline: sources -> snapshots -> change set -> registry facts -> rules -> result. Reads
 * files and git, asks the registry, writes only its cache; never prints, exits or reads
 * process.env. Known failures are DepguardErrors (see errors.ts).
 */
export async function audit(options: AuditOptions): Promise<AuditRun> {
  const command = options.command ?? 'diff';
  const read = await readChanges(options);
  stopIfInterrupted(options);
  const { trust, env, limits, deadline, texts, trees, changes, lockfilePaths, primary } = read;
  const { plan, root, judge } = trust;
  const { policy, releaseAge } = judge;
  const config = readRegistryConfig(npmrcSources(trust, env, options.registry));
  const registry = options.client ? null : registryClients(options, env, config, limits, deadline!);
  const client = options.client ?? registry!.client;
  const code = codeStage(options, policy.code, registry?.code);
  const advisories = options.advisories === false ? undefined : (options.advisories ?? registry?.advisories);
  const settings = {
    minReleaseAgeMs: releaseAge.ms,
    minReleaseAgeSource: releaseAge.source,
    registries: registryUrls(config),
    // an audit has no change: nothing appeared that an allowlist lets run
    scriptPolicies: command === 'audit' ? null : scriptPoliciesOf(judge.projectFiles, judge.headProjectFiles, texts),
  };
  const rules = command === 'audit' ? AUDIT_RULES : RULES;
  const project = { lockfiles: plan.lockfiles, policyEdits: judge.policyEdits };
  const lockfilePath = lockfilePaths[primary]!;
  const now = options.now ?? Date.now();
  const evaluation = await evaluate(changes, trees[primary]!, {
    rules,
    projectRules: PROJECT_RULES,
    client,
    now,
    concurrency: limits.concurrency,
    settings,
    policy,
    project,
    lockfilePath,
    ...(code.source ? { code: code.source } : {}),
    ...(advisories ? { advisories } : {}),
    onProgress: options.onProgress,
  }).finally(() => registry?.code.close());
  if (client instanceof CachedClient) await client.flush();
  if (advisories instanceof CachedAdvisories) await advisories.flush();
  stopIfInterrupted(options);

  // a side without this lockfile says so; the empty base of an audit is just "nothing"
  const label = (i: number, side: 0 | 1): string => {
    const text = texts[i]![side];
    return text.lockfile === null && (side === 1 || plan.pairs[i]!.base.kind !== 'empty') ? `${text.label} (no lockfile)` : text.label;
  };
  const result = buildResult(
    command,
    texts.map((_, i) => label(i, 0)).join(', '),
    texts.map((_, i) => label(i, 1)).join(', '),
    changes,
    evaluation,
    {
      source: policy.source,
      minReleaseAge: formatDuration(releaseAge.ms),
      minReleaseAgeSource: releaseAge.source,
      changedByThisChange: judge.policyEdits.length > 0,
    },
    code.off ? { checked: false, reason: code.off } : { checked: true },
  );
  return { result, head: trees[primary]!.head, root, projectDir: trust.projectDir, failOn: policy.failOn ?? 'high' };
}

/** The install-script policies of each side: the base's project files judge, the change's only show what it would let run. */
function scriptPoliciesOf(
  base: ProjectFiles,
  head: ProjectFiles,
  texts: ReadonlyArray<readonly [LockfileText, LockfileText]>,
): ScriptPolicySides {
  const yarnVersion = (side: 0 | 1): number | null =>
    texts.map((pair) => yarnBerryLockfileVersion(pair[side].lockfile)).find((v) => v !== null) ?? null;
  return {
    base: readScriptPolicies(base, { yarnLockfileVersion: yarnVersion(0) }),
    head: readScriptPolicies(head, { yarnLockfileVersion: yarnVersion(1) }),
  };
}

/** What both audit() and showCode() start with: the trust decision, both sides read, the change set. */
async function readChanges(options: AuditOptions) {
  const command = options.command ?? 'diff';
  const { cwd } = options;
  const env = options.env ?? {};
  const { concurrency, maxLockfileBytes, maxResponseBytes, timeoutMs, retries } = AUDIT_DEFAULTS;
  const limits: AuditLimits = { concurrency, maxLockfileBytes, maxResponseBytes, timeoutMs, retries, ...defined(options.limits ?? {}) };
  checkLimits(limits, options.deadlineMs);
  const trust = await decideTrust({
    command,
    cwd,
    env,
    ruleIds: RULE_IDS,
    ...defined(pick(options, ['base', 'head', 'staged', 'lockfile', 'policy', 'ownProject'])),
  });
  const { plan, root } = trust;
  // the deadline counts from here, before any lockfile is read
  const deadline = options.client ? null : deadlineSignal(options.deadlineMs ?? AUDIT_DEFAULTS.deadlineMs, options.signal);

  const texts = await Promise.all(
    plan.pairs.map((pair) =>
      Promise.all([readSource(pair.base, cwd, limits.maxLockfileBytes, root), readSource(pair.head, cwd, limits.maxLockfileBytes, root)]),
    ),
  );
  // the lockfile the reporters point into (and lockfile-out-of-sync reads): one both sides have, else the head's first
  const both = texts.findIndex(([b, h]) => b.lockfile !== null && h.lockfile !== null);
  const primary = both !== -1 ? both : texts.findIndex(([, h]) => h.lockfile !== null);
  if (primary === -1) throw new UsageError(`${texts[0]![1].label} does not exist`);
  const trees = await Promise.all(texts.map(async ([b, h]) => ({ base: await loadSnapshot(b), head: await loadSnapshot(h) })));
  // each change points into the lockfile it came from (several are compared when the sides disagree on which exist)
  const lockfilePaths = await Promise.all(
    plan.pairs.map((pair) =>
      pair.head.kind !== 'empty'
        ? repositoryPath(pair.head.file, cwd)
        : pair.base.kind !== 'empty'
          ? repositoryPath(pair.base.file, cwd)
          : '',
    ),
  );
  const changes = trees.flatMap((t, i) => diffTrees(t.base, t.head).map((change) => ({ ...change, lockfile: lockfilePaths[i]! })));
  return { trust, env, limits, deadline, texts, trees, changes, lockfilePaths, primary };
}

/**
 * `depguard diff --show-code <name>`: the unified diff of the package's files between its two
 * versions in the change set (each tarball fetched from the registry as the code stage does),
 * escaped for the terminal.
 */
export async function showCode(options: AuditOptions, name: string): Promise<string> {
  const { trust, env, limits, deadline, changes } = await readChanges({ ...options, command: 'diff' });
  stopIfInterrupted(options);
  const wanted = changes.filter((c) => c.name === name && c.after !== null);
  if (wanted.length === 0) throw new UsageError(`${name} has no new version in this change (see depguard diff)`);
  const config = readRegistryConfig(npmrcSources(trust, env, options.registry));
  const { timeoutMs, retries, maxResponseBytes } = limits;
  const pacote = new PacoteClient({
    config,
    limits: { timeoutMs, retries, maxResponseBytes },
    maxSockets: limits.concurrency,
    signal: deadline!,
  });
  // --offline: only the tarballs kept by earlier runs
  const offline: TarballFetcher = {
    tarball: (pkg, version) => Promise.reject(new RegistryError(pkg, `no tarball of ${pkg}@${version} in the cache (--offline)`)),
  };
  const tarballs = storedTarballs(
    options.cache !== false && options.cache?.offline ? offline : pacote,
    cacheDirOf(options.cache, options.cwd, env),
  );
  const parts: string[] = [];
  for (const change of wanted) parts.push(await packageDiff(tarballs, change));
  stopIfInterrupted(options);
  return parts.join('\n');
}

/** The caller stopped the run: nothing is judged on what little arrived (the cache keeps it). */
function stopIfInterrupted(options: AuditOptions): void {
  if (options.signal?.aborted) throw new InterruptedError();
}

/** Timers cannot wait longer (2^31 - 1 ms, about 24.8 days). */
const MAX_DEADLINE_MS = 24 * 86_400_000;

/** A limit that cannot work is the caller's mistake, said before anything is read (the CLI checks its flags first, in its own words). */
function checkLimits(limits: AuditLimits, deadlineMs: number | undefined): void {
  const fail = (what: string): never => {
    throw new UsageError(`audit(): ${what}`);
  };
  if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1) fail('limits.concurrency must be a positive integer');
  if (!Number.isInteger(limits.retries) || limits.retries < 0) fail('limits.retries must be an integer, 0 or more');
  for (const key of ['maxLockfileBytes', 'maxResponseBytes', 'timeoutMs'] as const)
    if (!(limits[key] > 0)) fail(`limits.${key} must be a positive number`);
  if (deadlineMs !== undefined && !(deadlineMs >= 1 && deadlineMs <= MAX_DEADLINE_MS))
    fail(`deadlineMs must be from 1 to ${MAX_DEADLINE_MS} (24 days)`);
}

/** Whether the code stage runs, and on what; `off` says why not. */
function codeStage(
  options: AuditOptions,
  policyCode: boolean | undefined,
  own: CodeSource | undefined,
): { source?: CodeSource; off?: string } {
  if (options.code === false) return { off: 'turned off (--no-code)' };
  if (policyCode === false) return { off: 'turned off by the policy ("code": false)' };
  if ((options.command ?? 'diff') === 'audit') return { off: 'not run by audit (it reads the code of what a change brings)' };
  const source = options.code ?? own;
  return source ? { source } : { off: 'no tarball source with a custom metadata client' };
}

/** pacote, stopped at the deadline, behind depguard's facts cache; and the code stage on the same connections and limits. */
function registryClients(
  options: AuditOptions,
  env: Env,
  config: RegistryConfig,
  limits: AuditLimits,
  deadline: AbortSignal,
): { client: MetadataClient; code: TarballAnalyzer; advisories: AdvisorySource } {
  const bulk = new BulkAdvisoryClient(httpOptions(config, limits, deadline));
  const { raw, client, cache } = factsClient(config, limits, deadline, { options: options.cache, cwd: options.cwd, env });
  const dir = cache?.dir;
  const code = new TarballAnalyzer(storedTarballs(raw, dir), { cacheDir: dir, offline: Boolean(cache?.offline), signal: deadline });
  if (cache === null) return { client, code, advisories: bulk };
  const advisories = new CachedAdvisories(bulk, {
    dir: cache.dir,
    registryOf: (name) => registryFor(config, name),
    maxAgeMs: Math.min(cache.maxAgeMs, ADVISORY_MAX_AGE_MS),
    offline: cache.offline,
    now: Date.now,
  });
  return { client, code, advisories };
}

/**
 * How depguard reaches registry metadata (audit, sbom): pacote on the run's limits, stopped at the
 * deadline, behind the facts cache unless `cache.options` is false. `raw` is pacote itself (for
 * tarballs); `cache` the cache settings in force, null without one.
 */
export function factsClient(
  config: RegistryConfig,
  limits: HttpLimits,
  deadline: AbortSignal,
  cache: { readonly options: CacheOptions | false | undefined; readonly cwd: string; readonly env: Env },
): {
  raw: PacoteClient;
  client: MetadataClient;
  cache: { readonly dir: string; readonly maxAgeMs: number; readonly offline: boolean; readonly client: CachedClient } | null;
} {
  const raw = new PacoteClient(httpOptions(config, limits, deadline));
  const pacote = new DeadlineClient(raw, deadline);
  if (cache.options === false) return { raw, client: pacote, cache: null };
  const maxAgeMs = cache.options?.maxAgeMs ?? AUDIT_DEFAULTS.cacheMaxAgeMs;
  const offline = Boolean(cache.options?.offline);
  const dir = cacheDirOf(cache.options, cache.cwd, cache.env)!;
  const client = new CachedClient(pacote, { dir, registry: config.registry, maxAgeMs, offline, now: Date.now });
  return { raw, client, cache: { dir, maxAgeMs, offline, client } };
}

/** The limits a registry client is built with. */
type HttpLimits = Pick<AuditLimits, 'timeoutMs' | 'retries' | 'maxResponseBytes' | 'concurrency'>;

/** What every registry client of a run is built with: the registries, the run's limits, its sockets and deadline. */
function httpOptions(config: RegistryConfig, limits: HttpLimits, deadline: AbortSignal) {
  const { timeoutMs, retries, maxResponseBytes } = limits;
  return { config, limits: { timeoutMs, retries, maxResponseBytes }, maxSockets: limits.concurrency, signal: deadline };
}

/** depguard's cache directory as the options choose it; undefined with `cache: false`. */
function cacheDirOf(cache: CacheOptions | false | undefined, cwd: string, env: Env): string | undefined {
  if (cache === false) return undefined;
  return cache?.dir !== undefined ? path.resolve(cwd, cache.dir) : defaultCacheDir(env);
}

/** Tarballs through depguard's own store by integrity, when there is a cache directory. */
function storedTarballs(fetcher: TarballFetcher, dir: string | undefined): TarballFetcher {
  return dir === undefined ? fetcher : new StoredTarballs(fetcher, path.join(dir, 'tarballs-v1'));
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, object[k]])) as Pick<T, K>;
}

/** The entries that are set: an option given as undefined leaves the default in place. */
function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface WhyOptions {
  readonly cwd: string;
  /** The package name (a workspace's name finds the workspace). */
  readonly name: string;
  /** Only the copies of this version, or of versions in this semver range; default: every copy. */
  readonly version?: string;
  /** The lockfile; default: the project's, found upward from `cwd` as npm finds it. */
  readonly lockfile?: string;
  /** The lockfile at a git revision, or another lockfile (as `diff`'s head); default: the lockfile on disk. */
  readonly head?: SideSpec;
  /** Default: 256 MB. */
  readonly maxLockfileBytes?: number;
}

export interface WhyResult {
  /** The lockfile read, as messages name it. */
  readonly lockfile: string;
  readonly package: string;
  /** The version or range asked for, when there was one. */
  readonly version?: string;
  /** Every copy of the package in the tree (of the versions asked for), with the paths that bring it in; empty when it is not there. */
  readonly copies: readonly Explanation[];
  /** The versions of the package the tree has that `version` left out, when it was given. */
  readonly otherVersions?: readonly string[];
}

/** `depguard why`: every path that brings a package into the tree, from the snapshot the diff uses. */
export async function why(options: WhyOptions): Promise<WhyResult> {
  const { cwd, version } = options;
  if (version !== undefined && semver.validRange(version) === null)
    throw new UsageError(`'${version}' is not a version or a version range (why takes NAME or NAME@VERSION)`);
  const folder = options.lockfile ? cwd : await projectFolder(cwd);
  const lockfile = () => chooseLockfile(cwd, options.lockfile, folder);
  const source: LockSource = options.head !== undefined ? lockSourceOf(options.head, cwd, lockfile) : { kind: 'file', ...lockfile() };
  const text = await readSource(source, cwd, options.maxLockfileBytes ?? 256 * MB);
  if (text.lockfile === null) throw new UsageError(`${text.label} does not exist`);
  const all = explainPackage(await loadSnapshot(text), options.name);
  const result = { lockfile: text.label, package: options.name };
  if (version === undefined) return { ...result, copies: all };
  const wanted = (c: Explanation): boolean => semver.satisfies(c.version, version, { includePrerelease: true });
  const others = [...new Set(all.filter((c) => !wanted(c)).map((c) => c.version))];
  return { ...result, version, copies: all.filter(wanted), otherVersions: others.sort(semver.compareLoose) };
}
