import type { ExposureResult } from '../exposure/exposure.js';
import type { DiffResult } from '../result.js';
import { atLeast, type Severity } from '../severity.js';

/** Documented exit codes (README, `depguard --help`). */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  incomplete: 3,
  /** Stopped by Ctrl-C (SIGINT), as a shell reports it: 128 + 2. */
  interrupted: 130,
  /** The reader of standard output went away (`depguard audit | head`), as a shell reports SIGPIPE: 128 + 13. */
  outputClosed: 141,
} as const;

/** 1 when a finding reaches --fail-on; else 3 when a changed package could not be checked; else 0. */
export function exitCodeFor(result: DiffResult, failOn: Severity, allowIncomplete: boolean): number {
  if (result.findings.some((f) => atLeast(f.severity, failOn))) return EXIT.findings;
  if (result.unavailable.length > 0 && !allowIncomplete) return EXIT.incomplete;
  return EXIT.ok;
}

/** One exit code for several audits run in one command (a lockfile each): findings first, then incomplete, else 0. */
export function combinedExitCode(codes: readonly number[]): number {
  if (codes.includes(EXIT.findings)) return EXIT.findings;
  if (codes.includes(EXIT.incomplete)) return EXIT.incomplete;
  return EXIT.ok;
}

/** `depguard exposure`: 1 when a matching version was locked; else 3 when revisions that mention the package could not be read; else 0. */
export function exposureExitCode(result: ExposureResult): number {
  if (result.windows.length > 0) return EXIT.findings;
  if (result.unreadable.length > 0) return EXIT.incomplete;
  return EXIT.ok;
}
