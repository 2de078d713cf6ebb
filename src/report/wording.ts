import type { Finding, PathStep } from '../model.js';
import type { DiffResult } from '../result.js';
import { atLeast, type Severity } from '../severity.js';

/**
 * Sentences every human-facing format shares, raw: each reporter escapes them for its medium,
 * so text, Markdown and annotations never disagree.
 */

export interface Verdict {
  readonly status: 'fail' | 'incomplete' | 'pass';
  /** "FAIL: 1 package with findings at or above high" */
  readonly message: string;
}

export function verdictOf(result: DiffResult, failOn: Severity): Verdict {
  const blocking = result.findings.filter((f) => atLeast(f.severity, failOn));
  const packages = new Set(blocking.map((f) => `${f.package.name}@${f.package.version}`));
  if (packages.size) return { status: 'fail', message: `FAIL: ${plural(packages.size, 'package')} with findings at or above ${failOn}` };
  const unavailable = result.unavailable.length;
  if (unavailable) return { status: 'incomplete', message: `INCOMPLETE: ${plural(unavailable, 'changed package')} could not be checked` };
  return { status: 'pass', message: `PASS: no findings at or above ${failOn}` };
}

/** "2 changes: 1 upgraded, 1 added", or "No package changes." */
export function changeSummary(result: DiffResult): string {
  const k = result.summary.changes;
  const total = result.changes.length;
  if (result.command === 'audit') return `${plural(total, 'package')} audited.`;
  if (total === 0) return 'No package changes.';
  const counts: Array<[number, string]> = [
    [k.added, 'added'],
    [k.upgraded, 'upgraded'],
    [k.downgraded, 'downgraded'],
    [k.removed, 'removed'],
    [k['source-changed'], 'source changed'],
  ];
  return `${plural(total, 'change')}: ${counts
    .filter(([n]) => n)
    .map(([n, label]) => `${n} ${label}`)
    .join(', ')}`;
}

/** A finding's version as shown beside its package: a package finding's change of version, a project finding's locked version (if any). */
export function findingVersion(f: Finding): string {
  return f.kind === 'package' ? versionText(f.change, f.previousVersion, f.package.version) : f.package.version;
}

/** "upgraded, direct, dev", "added, transitive", or "project" for a finding about the project as a whole. */
export function findingPlace(f: Finding): string {
  return f.kind === 'package' ? [f.change, f.direct ? 'direct' : 'transitive', ...(f.dev ? ['dev'] : [])].join(', ') : 'project';
}

/** "1.0.0 -> 1.1.0"; a second copy beside an old one is "2.0.3 (alongside 1.0.4)". */
export function versionText(kind: string, previous: string | null, version: string | null): string {
  if (kind === 'removed' || version === null) return previous ?? '';
  if (previous === null || previous === version) return version;
  if (kind === 'added') return `${version} (alongside ${previous})`;
  return `${previous} -> ${version}`;
}

/** "app > parent@1.0.0 > pkg@2.0.0": the project (or workspace) by name, then each package at its version (steps without one, such as a long path's "…", by name). */
export function pathText(path: readonly PathStep[]): string {
  return path.map((s, i) => (i === 0 || s.version === '' ? s.name : `${s.name}@${s.version}`)).join(' > ');
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
