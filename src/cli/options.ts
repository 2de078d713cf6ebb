import { Option, type Command } from 'commander';
import { FORMATS } from '../report/index.js';

/**
 * Every flag, declared once: it drives commander, `--help` and the README's flag table.
 */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
}

/** Flags of `diff` only. */
const SIDES: readonly OptionSpec[] = [
  { flags: '--base <rev|path>', description: 'the "before" side: a git revision, or a lockfile path (default: HEAD; on a GitHub pull request, the merge base with $GITHUB_BASE_REF)' },
  { flags: '--head <rev|path>', description: 'the "after" side: a git revision, or a lockfile path (default: the working tree)' },
  { flags: '--staged', description: 'compare HEAD with the index (the pre-commit case)' },
];

/** Flags shared by `diff` and `audit`. */
export const AUDIT_OPTIONS: readonly OptionSpec[] = [
  { flags: '--lockfile <path>', description: 'the lockfile inside the repository: package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock or bun.lock (default: the first of those in the current directory)' },
  { flags: '--format <format>', description: `output format: ${FORMATS.join(', ')}`, defaultValue: 'text' },
  { flags: '--output-file <path>', description: 'write the report to this file instead of standard output (text without colour)' },
  { flags: '--fail-on <severity>', description: 'exit 1 when a finding reaches this severity: info, low, medium, high, critical (default: the policy\'s failOn, else high)' },
  { flags: '--config <path>', description: 'policy file (default: depguard.config.json, .depguardrc.json or package.json "depguard" in the project)' },
  { flags: '--as-of <date>', description: 'judge ages (cooldown, package age) as of this date instead of now, to re-run a past review' },
  { flags: '--registry <url>', description: 'registry URL (default: from .npmrc, else https://registry.npmjs.org/)' },
  { flags: '--cache-dir <dir>', description: 'metadata cache directory (default: $XDG_CACHE_HOME/depguard or ~/.cache/depguard)' },
  { flags: '--cache-max-age <duration>', description: 'reuse cached registry facts younger than this (e.g. 30m, 12h, 0 to always ask); a cached entry missing a needed version is always refreshed', defaultValue: '1h' },
  { flags: '--concurrency <n>', description: 'registry requests in flight at once', defaultValue: '8' },
  { flags: '--allow-incomplete', description: 'exit 0 instead of 3 when some changed packages could not be checked' },
  { flags: '--max-lockfile-size <mb>', description: 'refuse lockfiles larger than this many megabytes', defaultValue: '64' },
  { flags: '--max-response-size <mb>', description: 'refuse registry responses larger than this many megabytes', defaultValue: '64' },
  { flags: '--timeout <seconds>', description: 'per registry request', defaultValue: '30' },
  { flags: '--deadline <duration>', description: 'give up on registry work still outstanding this long after the start (e.g. 10m, 1h): packages not judged by then are listed as not checked (exit 3 unless --allow-incomplete)', defaultValue: '10m' },
  { flags: '--retries <n>', description: 'extra attempts after a transient registry failure (timeout, reset, 5xx, a response cut short), with backoff', defaultValue: '2' },
  { flags: '--verbose', description: 'list every change, not only those with findings' },
  { flags: '--offline', description: 'use only cached registry metadata; what is not cached is reported as not checked (exit 3 unless --allow-incomplete)' },
];

export const DIFF_OPTIONS: readonly OptionSpec[] = [...SIDES, ...AUDIT_OPTIONS];

/** Only about the report; `approve` declares its own --config (the policy file it writes, which the analysis also reads). */
const REPORT_ONLY = ['--format', '--output-file', '--fail-on', '--verbose', '--allow-incomplete', '--config'];

/** The flags of `diff` that `approve` runs its analysis with. */
export const APPROVE_OPTIONS: readonly OptionSpec[] = DIFF_OPTIONS.filter((o) => !REPORT_ONLY.includes(o.flags.split(' ')[0]!));

export function addOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    command.addOption(option);
  }
  return command;
}
