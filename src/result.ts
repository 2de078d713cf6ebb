import type { Evaluation, RuleCoverage } from './engine.js';
import type { Change, Finding, IgnoreEntry, PathStep, RuleInfo, Skipped, Suppressed, Unavailable } from './model.js';
import { SEVERITIES, severityRank, type Severity } from './severity.js';

export const SCHEMA_VERSION = 1;

/** A change as reported: plain data, stable field order. */
export interface ChangeRecord {
  readonly kind: Change['kind'];
  readonly name: string;
  readonly version: string | null;
  readonly previousVersion: string | null;
  readonly aliases: readonly string[];
  readonly newName: boolean;
  readonly direct: boolean;
  readonly dev: boolean;
  readonly optional: boolean;
  readonly resolved: string | null;
  readonly previousResolved: string | null;
  readonly integrity: string | null;
  readonly previousIntegrity: string | null;
  readonly paths: readonly (readonly PathStep[])[];
}

export interface DiffResult {
  readonly schemaVersion: number;
  readonly command: 'diff' | 'audit';
  readonly base: string;
  readonly head: string;
  readonly summary: {
    readonly changes: Readonly<Record<Change['kind'], number>>;
    readonly findings: Readonly<Record<Severity, number>>;
    readonly highest: Severity | null;
    /** How many package rules had a changed package to judge, and which of them could run on none of it, in full (see RuleCoverage). */
    readonly rules: RuleCoverage;
  };
  readonly changes: readonly ChangeRecord[];
  readonly findings: readonly Finding[];
  /** Findings an `ignore` entry of the policy covers: shown, never counted. */
  readonly suppressed: readonly Suppressed[];
  /** Policy `ignore` entries past their `expires` date: they no longer apply. */
  readonly expiredIgnores: readonly IgnoreEntry[];
  readonly skipped: readonly Skipped[];
  readonly unavailable: readonly Unavailable[];
  /** The policy in force, and the cooldown used. */
  readonly policy: {
    /** Where the policy applied came from: with a git base, the base revision's file (e.g. `HEAD~1:depguard.config.json`). */
    readonly source: string | null;
    readonly minReleaseAge: string;
    readonly minReleaseAgeSource: string;
    /**
     * The change under review edits the policy: its edit was ignored (the base revision's
     * policy, named by `source`, was applied) and is reported as a policy-changed finding.
     */
    readonly changedByThisChange: boolean;
  };
  /** Whether the code stage ran (tarballs of what changed, analysed), and why not. */
  readonly code: { readonly checked: boolean; readonly reason?: string };
  /** The rules the run knew, in listing order: what reports say about a rule (titles, default severities, pages). */
  readonly rules: readonly RuleInfo[];
}

function toChangeRecord(c: Change): ChangeRecord {
  return {
    kind: c.kind,
    name: c.name,
    version: c.after?.version ?? null,
    previousVersion: c.before?.version ?? null,
    aliases: c.aliases,
    newName: c.newName,
    direct: c.direct,
    dev: c.dev,
    optional: c.optional,
    resolved: c.after?.resolved ?? null,
    previousResolved: c.before?.resolved ?? null,
    integrity: c.after?.integrity ?? null,
    previousIntegrity: c.before?.integrity ?? null,
    paths: c.paths,
  };
}

export function buildResult(
  command: DiffResult['command'],
  base: string,
  head: string,
  changes: readonly Change[],
  evaluation: Evaluation,
  policy: DiffResult['policy'],
  code: DiffResult['code'],
): DiffResult {
  const kinds = { added: 0, removed: 0, upgraded: 0, downgraded: 0, 'source-changed': 0 };
  for (const c of changes) kinds[c.kind]++;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let highest: Severity | null = null;
  for (const f of evaluation.findings) {
    bySeverity[f.severity]++;
    if (highest === null || severityRank(f.severity) > severityRank(highest)) highest = f.severity;
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    command,
    base,
    head,
    summary: { changes: kinds, findings: bySeverity, highest, rules: evaluation.coverage },
    changes: changes.map(toChangeRecord),
    findings: evaluation.findings,
    suppressed: evaluation.suppressed,
    expiredIgnores: evaluation.expiredIgnores,
    skipped: evaluation.skipped,
    unavailable: evaluation.unavailable,
    policy,
    code,
    rules: evaluation.rules,
  };
}
