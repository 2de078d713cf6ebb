import path from 'node:path';
import { diffTrees } from '../diff/diff-trees.js';
import { evaluate } from '../engine.js';
import { UsageError } from '../errors.js';
import { mergeBase, repoRoot } from '../lockfile/git.js';
import { loadSnapshot } from '../lockfile/load.js';
import { findLockfile, parseSourceSpec, readSource, repositoryPath, type LockSource } from '../lockfile/source.js';
import { readRegistryConfig } from '../registry/npmrc.js';
import { defaultCacheDir, PacoteClient } from '../registry/pacote-client.js';
import { isFormat, FORMATS, type Format } from '../report/index.js';
import { buildResult, type DiffResult, type HeadLockfile } from '../result.js';
import { RULES } from '../rules/index.js';
import { isSeverity, type Severity } from '../severity.js';

export interface DiffFlags {
  base?: string;
  head?: string;
  staged?: boolean;
  lockfile?: string;
  format: string;
  failOn: string;
  registry?: string;
  cacheDir?: string;
  concurrency: string;
  allowIncomplete?: boolean;
  maxLockfileSize: string;
  verbose?: boolean;
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
}

export function parseDiffFlags(flags: DiffFlags): ParsedDiffFlags {
  if (!isFormat(flags.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${flags.format}'`);
  if (!isSeverity(flags.failOn)) throw new UsageError(`--fail-on must be one of info, low, medium, high, critical, not '${flags.failOn}'`);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency must be an integer from 1 to 64`);
  const mb = Number(flags.maxLockfileSize);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`--max-lockfile-size must be a positive number of megabytes`);
  if (flags.staged && (flags.base !== undefined || flags.head !== undefined)) throw new UsageError('--staged compares HEAD with the index: it cannot be combined with --base or --head');
  return { format: flags.format, failOn: flags.failOn, concurrency, maxLockfileBytes: Math.floor(mb * 1024 * 1024) };
}

/** Decides what the two sides are, from flags and the workflow we are in. */
export async function resolveSides(flags: DiffFlags, environment: Environment): Promise<{ base: LockSource; head: LockSource }> {
  const { cwd, env } = environment;
  let lockfile: string | undefined;
  const theLockfile = (): string => (lockfile ??= flags.lockfile ? path.resolve(cwd, flags.lockfile) : findLockfile(cwd));
  if (flags.staged) return { base: { kind: 'git', rev: 'HEAD', file: theLockfile() }, head: { kind: 'index', file: theLockfile() } };
  const head: LockSource = flags.head !== undefined ? parseSourceSpec(flags.head, theLockfile, cwd) : { kind: 'file', file: theLockfile() };
  let base: LockSource;
  if (flags.base !== undefined) {
    base = parseSourceSpec(flags.base, theLockfile, cwd);
  } else if (env.GITHUB_BASE_REF) {
    const root = await repoRoot(path.dirname(theLockfile()));
    base = { kind: 'git', rev: await mergeBase(root, env.GITHUB_BASE_REF), file: theLockfile() };
  } else {
    base = { kind: 'git', rev: 'HEAD', file: theLockfile() };
  }
  return { base, head };
}

/** What a diff gives the reporters: the result, and the head lockfile they may point into. */
export interface DiffRun {
  readonly result: DiffResult;
  readonly lockfile: HeadLockfile;
}

export async function runDiff(flags: DiffFlags, parsed: ParsedDiffFlags, environment: Environment): Promise<DiffRun> {
  const { cwd, env } = environment;
  const sides = await resolveSides(flags, environment);
  const [baseText, headText] = await Promise.all([readSource(sides.base, cwd, parsed.maxLockfileBytes), readSource(sides.head, cwd, parsed.maxLockfileBytes)]);
  if (headText.lockfile === null || sides.head.kind === 'empty') throw new UsageError(`${headText.label} does not exist`);
  const [base, head, lockfilePath] = await Promise.all([loadSnapshot(baseText), loadSnapshot(headText), repositoryPath(sides.head.file, cwd)]);
  const changes = diffTrees(base, head);
  const config = readRegistryConfig({ projectDir: cwd, env, registry: flags.registry });
  const client = new PacoteClient({ config, cacheDir: flags.cacheDir ? path.resolve(cwd, flags.cacheDir) : defaultCacheDir(env) });
  const evaluation = await evaluate(changes, { rules: RULES, client, now: environment.now, concurrency: parsed.concurrency });
  const result = buildResult(baseText.lockfile === null ? `${baseText.label} (no lockfile)` : baseText.label, headText.label, changes, evaluation);
  return { result, lockfile: { lockfilePath, lockfileText: headText.lockfile } };
}
