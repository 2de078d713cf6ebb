import type { Finding, PathStep, RegistryField } from '../model.js';
import type { DiffResult } from '../result.js';
import { atLeast, type Severity } from '../severity.js';
import type { NewPackages, SkippedGroup } from './group.js';

/**
 * Sentences every human-facing format shares, raw: each reporter escapes them for its medium,
 * so text, Markdown and annotations never disagree.
 */

export interface Verdict {
  /** `partial`: a pass on which most rules could not run (see mostRulesNotRun); the exit code is a pass's. */
  readonly status: 'fail' | 'incomplete' | 'partial' | 'pass';
  /** "FAIL: 1 package with findings at or above high" */
  readonly message: string;
}

export function verdictOf(result: DiffResult, failOn: Severity): Verdict {
  const blocking = result.findings.filter((f) => atLeast(f.severity, failOn));
  const packages = new Set(blocking.map((f) => `${f.package.name}@${f.package.version}`));
  if (packages.size) return { status: 'fail', message: `FAIL: ${plural(packages.size, 'package')} with findings at or above ${failOn}` };
  const unavailable = result.unavailable.length;
  if (unavailable) return { status: 'incomplete', message: `INCOMPLETE: ${plural(unavailable, 'changed package')} could not be checked` };
  const { applied, notRun } = result.summary.rules;
  if (mostRulesNotRun(result))
    return {
      status: 'partial',
      message: `PASS, but most checks were not made (${notRun.length} of ${applied} rules could not run in full): no findings at or above ${failOn}`,
    };
  return { status: 'pass', message: `PASS: no findings at or above ${failOn}` };
}

/**
 * More than half of the package rules that had a changed package to judge could not run, in
 * full, on any of them (each such check is listed under "Checks not made"): a registry that
 * strips publishers, maintainers and publish times does this. A pass then says so.
 */
function mostRulesNotRun(result: DiffResult): boolean {
  const { applied, notRun } = result.summary.rules;
  return notRun.length * 2 > applied;
}

const FIELD_WORDS: Readonly<Record<RegistryField, string>> = { _npmUser: 'publishers', maintainers: 'maintainers', time: 'publish times' };

/**
 * One cause of checks not made, as a sentence (raw; without the advice, which each format words):
 * "this registry leaves out publishers and publish times: 7 rules could not fully check 89
 * packages", "the registry does not list both versions: 4 rules could not fully check 2 packages
 * (a, b)". Package names are listed when there are at most `listUpTo`.
 */
export function skippedSentence(group: SkippedGroup, listUpTo: number): string {
  const cause = group.fields.length ? `this registry leaves out ${and(group.fields.map((f) => FIELD_WORDS[f]))}` : group.reason;
  const rules = group.rules.length === 1 ? group.rules[0]! : `${group.rules.length} rules`;
  const names = group.packages.length <= listUpTo ? ` (${group.packages.join(', ')})` : '';
  return `${cause}: ${rules} could not fully check ${plural(group.packages.length, 'package')}${names}`;
}

/**
 * A block of new packages as one line (raw): "request 2.88.2 (new, direct) brings 43 new
 * packages; none with findings above info". Members are named when there are at most `listUpTo`.
 */
export function newPackagesSentence(block: NewPackages, listUpTo: number): string {
  const { parent, parentChange, members, flagged } = block;
  const version = parentChange ? versionText(parentChange.kind, parentChange.previousVersion, parentChange.version) : parent.version;
  const label = `${parent.name}${version ? ` ${version}` : ''}${block.parentIsNew ? ` (new, ${parentChange?.direct ? 'direct' : 'transitive'}${block.parentFlagged ? '; shown above' : ''})` : ''}`;
  const named =
    members.length > 0 && members.length <= listUpTo ? `: ${members.map((m) => `${m.name} ${m.version ?? ''}`).join(', ')}` : '';
  const names = flagged.slice(0, 5).map((m) => m.name);
  const findings =
    flagged.length > 0
      ? `${flagged.length} with findings above info, shown above (${names.join(', ')}${flagged.length > names.length ? ', …' : ''})`
      : members.length > 0
        ? 'none with findings above info'
        : 'no findings above info';
  // a new direct dependency that brings nothing new of its own
  if (members.length === 0) return `${label}: ${findings}`;
  return `${label} brings ${plural(members.length, 'new package')}${named}; ${findings}`;
}

/** "a", "a and b", "a, b and c" */
function and(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
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
