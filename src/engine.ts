import { changeVersion, isInRangeUpdate, type Change, type PathStep } from './diff/change.js';
import { RegistryError } from './errors.js';
import { mapLimit, type MetadataClient } from './registry/client.js';
import type { PackageFacts } from './registry/facts.js';
import { combine, type Escalation } from './rules/combine.js';
import type { Rule } from './rules/rule.js';
import type { Severity } from './severity.js';

export interface PackageRef {
  readonly name: string;
  readonly version: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly package: PackageRef;
  readonly previousVersion: string | null;
  readonly change: Change['kind'];
  readonly direct: boolean;
  readonly dev: boolean;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly traits: readonly string[];
  readonly escalation?: Escalation;
  readonly paths: readonly (readonly PathStep[])[];
}

/** A rule that could not be evaluated for a package, and what it lacked. */
export interface Skipped {
  readonly ruleId: string;
  readonly package: PackageRef;
  readonly reason: string;
}

/** A changed package whose registry metadata could not be obtained. */
export interface Unavailable {
  readonly package: PackageRef;
  readonly reason: string;
}

export interface Evaluation {
  readonly findings: Finding[];
  readonly skipped: Skipped[];
  readonly unavailable: Unavailable[];
}

export interface EvaluateOptions {
  readonly rules: readonly Rule[];
  readonly client: MetadataClient;
  readonly now: number;
  readonly concurrency: number;
}

/** Fetches metadata for what changed (once per name), runs the rules, combines signals. */
export async function evaluate(changes: readonly Change[], options: EvaluateOptions): Promise<Evaluation> {
  const { rules, client } = options;
  const relevant = changes.filter((c) => c.kind !== 'removed');
  const wanted = new Set<string>();
  const notFromRegistry = new Map<Change, string>();
  for (const change of relevant) {
    const source = nonRegistrySource(change);
    if (source) notFromRegistry.set(change, source);
    else if (rules.some((r) => r.needsMetadata && r.appliesTo(change))) wanted.add(change.name);
  }
  const names = [...wanted].sort();
  const facts = new Map<string, PackageFacts>();
  const failed = new Map<string, string>();
  await mapLimit(names, options.concurrency, async (name) => {
    try {
      facts.set(name, await client.packageFacts(name));
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      failed.set(name, error.reason);
    }
  });

  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const unavailable: Unavailable[] = [];
  for (const change of relevant) {
    const ref = { name: change.name, version: changeVersion(change) };
    const failure = failed.get(change.name);
    if (failure) unavailable.push({ package: ref, reason: failure });
    const pkgFacts = facts.get(change.name);
    const ctx = {
      change,
      facts: pkgFacts,
      before: change.before ? pkgFacts?.versions.get(change.before.version) : undefined,
      after: change.after ? pkgFacts?.versions.get(change.after.version) : undefined,
      now: options.now,
    };
    const drafts = [];
    for (const rule of rules) {
      if (!rule.appliesTo(change)) continue;
      if (rule.needsMetadata && !pkgFacts) {
        const why = notFromRegistry.get(change);
        if (why) skipped.push({ ruleId: rule.id, package: ref, reason: `not installed from a registry (${why})` });
        if (!why && !failure) continue;
      }
      const outcome = rule.check(ctx);
      if (outcome.unchecked && !failure && !notFromRegistry.has(change)) skipped.push({ ruleId: rule.id, package: ref, reason: outcome.unchecked });
      for (const draft of outcome.findings) drafts.push({ ruleId: rule.id, draft });
    }
    for (const c of combine(drafts, isInRangeUpdate(change))) {
      findings.push({
        ruleId: c.ruleId,
        severity: c.severity,
        package: ref,
        previousVersion: change.before?.version ?? null,
        change: change.kind,
        direct: change.direct,
        dev: change.dev,
        message: c.draft.message,
        evidence: c.draft.evidence,
        traits: c.draft.traits,
        ...(c.escalation ? { escalation: c.escalation } : {}),
        paths: change.paths,
      });
    }
  }
  return { findings, skipped, unavailable };
}

/** git, file, link and remote-tarball sources have no registry document to compare. */
function nonRegistrySource(change: Change): string | null {
  const resolved = change.after?.resolved;
  if (!resolved) return null;
  if (/^git(\+[a-z]+)?:|^github:|^gitlab:|^bitbucket:/.test(resolved)) return 'git';
  if (resolved.startsWith('file:')) return 'file';
  if (/^https?:/.test(resolved) && !resolved.includes('/-/')) return 'remote tarball';
  return null;
}
