import { FORMATS } from '../report/index.js';

/**
 * Every flag, declared once: it drives commander, `--help` and the README's flag table.
 */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
}

export const DIFF_OPTIONS: readonly OptionSpec[] = [
  { flags: '--base <rev|path>', description: 'the "before" side: a git revision, or a lockfile path (default: HEAD; on a GitHub pull request, the merge base with $GITHUB_BASE_REF)' },
  { flags: '--head <rev|path>', description: 'the "after" side: a git revision, or a lockfile path (default: the working tree)' },
  { flags: '--staged', description: 'compare HEAD with the index (the pre-commit case)' },
  { flags: '--lockfile <path>', description: 'the lockfile inside the repository (default: npm-shrinkwrap.json or package-lock.json in the current directory)' },
  { flags: '--format <format>', description: `output format: ${FORMATS.join(', ')}`, defaultValue: 'text' },
  { flags: '--output-file <path>', description: 'write the report to this file instead of standard output (text without colour)' },
  { flags: '--fail-on <severity>', description: 'exit 1 when a finding reaches this severity: info, low, medium, high, critical', defaultValue: 'high' },
  { flags: '--registry <url>', description: 'registry URL (default: from .npmrc, else https://registry.npmjs.org/)' },
  { flags: '--cache-dir <dir>', description: 'metadata cache directory (default: $XDG_CACHE_HOME/depguard or ~/.cache/depguard)' },
  { flags: '--concurrency <n>', description: 'registry requests in flight at once', defaultValue: '8' },
  { flags: '--allow-incomplete', description: 'exit 0 instead of 3 when some changed packages could not be checked' },
  { flags: '--max-lockfile-size <mb>', description: 'refuse lockfiles larger than this many megabytes', defaultValue: '256' },
  { flags: '--verbose', description: 'list every change, not only those with findings' },
];
