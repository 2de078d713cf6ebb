import type { AuditOptions } from '../audit.js';
import type { Environment } from './environment.js';
import type { DiffValues } from './options.js';

/** The flags the analysis reads: `diff`'s, `audit`'s (no sides) or `approve`'s (no report flags). */
export type AnalysisValues = Pick<
  DiffValues,
  | 'lockfile'
  | 'config'
  | 'asOf'
  | 'registry'
  | 'cacheDir'
  | 'cacheMaxAge'
  | 'offline'
  | 'concurrency'
  | 'maxLockfileSize'
  | 'maxResponseSize'
  | 'timeout'
  | 'retries'
  | 'deadline'
> &
  Partial<Pick<DiffValues, 'base' | 'head' | 'staged' | 'code'>>;

/** The flags as audit() options: the CLI adds nothing to the analysis but the process's cwd, environment and clock. */
export function auditOptions(command: 'diff' | 'audit', flags: AnalysisValues, environment: Environment): AuditOptions {
  const { cwd, env, now } = environment;
  return {
    command,
    cwd,
    env,
    ...(flags.base !== undefined ? { base: flags.base } : {}),
    ...(flags.head !== undefined ? { head: flags.head } : {}),
    ...(flags.staged ? { staged: true } : {}),
    ...(flags.code === false ? { code: false as const } : {}),
    ...(flags.lockfile ? { lockfile: flags.lockfile } : {}),
    ...(flags.config ? { policy: flags.config } : {}),
    ...(flags.registry !== undefined ? { registry: flags.registry } : {}),
    cache: { ...(flags.cacheDir ? { dir: flags.cacheDir } : {}), maxAgeMs: flags.cacheMaxAge, offline: flags.offline },
    now: flags.asOf ?? now,
    limits: {
      concurrency: flags.concurrency,
      maxLockfileBytes: flags.maxLockfileSize,
      maxResponseBytes: flags.maxResponseSize,
      timeoutMs: flags.timeout,
      retries: flags.retries,
    },
    deadlineMs: flags.deadline,
  };
}
