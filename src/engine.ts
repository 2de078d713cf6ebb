import { changeVersion, isInRangeUpdate, isPackage, localOrGitSource, type Change, type PathStep } from './diff/change.js';
import { RegistryError } from './errors.js';
import { isExpired, matchingIgnore, policySeverity, ruleEnabled, trustedCap } from './config/apply.js';
import type { IgnoreEntry, Policy } from './config/policy.js';
import type { Snapshot } from './lockfile/snapshot.js';
import { mapLimit, type MetadataClient } from './registry/client.js';
import type { PackageFacts } from './registry/facts.js';
import { combine, type Escalation } from './rules/combine.js';
import type { ProjectRule } from './rules/lockfile-out-of-sync.js';
import { UNCHANGED_PROJECT, type ProjectChange } from './rules/project-change.js';
import type { Draft, Rule, RuleSettings } from './rules/rule.js';
import type { Severity } from './severity.js';

export interface PackageRef {
  readonly name: string;
  readonly version: string;
}

/** Where a finding points: the entry of its package (or the project's root entry) in the head lockfile. */
export interface Location {
  /** The lockfile's path from the repository root, with `/` separators. */
  readonly file: string;
  /** 1-based; 1 when the lockfile has no entry to point at. */
  readonly line: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly package: PackageRef;
  readonly previousVersion: string | null;
  /** The kind of change, or 'project' for findings about package.json and the lockfile as a whole. */
  readonly change: Change['kind'] | 'project';
  readonly direct: boolean;
  readonly dev: boolean;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly traits: readonly string[];
  readonly escalation?: Escalation;
  readonly paths: readonly (readonly PathStep[])[];
  readonly location: Location;
}

/** A finding the policy file's `ignore` covers: kept in the output, never counted. */
export interface Suppressed {
  readonly finding: Finding;
  readonly ignore: IgnoreEntry;
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
  readonly location: Location;
}

export interface Evaluation {
  readonly findings: Finding[];
  readonly suppressed: Suppressed[];
  readonly expiredIgnores: IgnoreEntry[];
  readonly skipped: Skipped[];
  readonly unavailable: Unavailable[];
}

export interface EvaluateOptions {
  readonly rules: readonly Rule[];
  readonly projectRules: readonly ProjectRule[];
  readonly client: MetadataClient;
  readonly now: number;
  readonly concurrency: number;
  readonly settings: RuleSettings;
  readonly policy: Policy;
  /** The head lockfile, as locations name it (Location.file). */
  readonly lockfilePath: string;
  /** Lockfiles added or removed, policy edits: what the project rules judge beside the trees. */
  readonly project?: ProjectChange;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Fetches metadata for what changed (once per name), runs the rules, combines signals, applies the policy. */
export async function evaluate(changes: readonly Change[], trees: { base: Snapshot; head: Snapshot }, options: EvaluateOptions): Promise<Evaluation> {
  const { client, policy, now } = options;
  const rules = options.rules.filter((r) => ruleEnabled(policy, r.id));
  const relevant = changes.filter((c) => c.kind !== 'removed');
  const wanted = new Map<string, Set<string>>();
  const notFromRegistry = new Map<Change, string>();
  for (const change of relevant) {
    const source = nonRegistrySource(change);
    if (source) notFromRegistry.set(change, source);
    else if (rules.some((r) => r.needsMetadata && r.appliesTo(change))) {
      const versions = wanted.get(change.name) ?? new Set<string>();
      for (const v of [change.before?.version, change.after?.version]) if (v) versions.add(v);
      wanted.set(change.name, versions);
    }
  }
  // Each package is judged as soon as its facts arrive, and its facts are then dropped: memory
  // stays bounded by the requests in flight, not by the size of the tree.
  const results = new Map<Change, { findings: Finding[]; skipped: Skipped[]; unavailable?: Unavailable }>();
  const judge = (change: Change, pkgFacts: PackageFacts | undefined, failure: string | undefined): void => {
    const location = { file: change.lockfile ?? options.lockfilePath, line: entryLine(change) };
    results.set(change, judgeChange(change, rules, { facts: pkgFacts, failure, notFromRegistry: notFromRegistry.get(change), now, settings: options.settings, policy, location }));
  };
  const byName = new Map<string, Change[]>();
  for (const change of relevant) {
    if (!wanted.has(change.name)) continue;
    const list = byName.get(change.name);
    if (list) list.push(change);
    else byName.set(change.name, [change]);
  }
  let done = 0;
  await mapLimit([...wanted.keys()].sort(), options.concurrency, async (name) => {
    let pkgFacts: PackageFacts | undefined;
    let failure: string | undefined;
    try {
      pkgFacts = await client.packageFacts(name, [...wanted.get(name)!]);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      failure = error.reason;
    }
    for (const change of byName.get(name)!) judge(change, pkgFacts, failure);
    options.onProgress?.(++done, wanted.size);
  });
  for (const change of relevant) if (!results.has(change)) judge(change, undefined, undefined);

  const all: Finding[] = [];
  const skipped: Skipped[] = [];
  const unavailable: Unavailable[] = [];
  for (const change of relevant) {
    const r = results.get(change)!;
    all.push(...r.findings);
    skipped.push(...r.skipped);
    if (r.unavailable) unavailable.push(r.unavailable);
  }
  for (const rule of options.projectRules) {
    if (!ruleEnabled(policy, rule.id)) continue;
    const outcome = rule.check(trees.base, trees.head, options.project ?? UNCHANGED_PROJECT);
    if (outcome.unchecked) skipped.push({ ruleId: rule.id, package: { name: trees.head.source, version: '' }, reason: outcome.unchecked });
    // the project's own entry, where the format has one (npm's packages[""], pnpm's and Bun's root importer)
    const location = (): Location => ({ file: options.lockfilePath, line: trees.head.nodes.find((n) => n.isRoot)?.line ?? 1 });
    for (const d of outcome.findings) {
      all.push({
        ruleId: rule.id,
        severity: trustedCap(policy, rule.id, d.dependency, policySeverity(policy, rule.id, d.dependency, d.severity)),
        package: { name: d.dependency, version: d.version },
        previousVersion: null,
        change: 'project',
        direct: true,
        dev: false,
        message: d.message,
        evidence: d.evidence,
        traits: [],
        paths: [],
        location: location(),
      });
    }
  }

  const findings: Finding[] = [];
  const suppressed: Suppressed[] = [];
  const integrities = policy.ignore.some((e) => e.integrity !== undefined) ? integritiesOf(trees.head) : new Map<string, (string | null)[]>();
  for (const finding of unique(all, (f) => [f.ruleId, f.package.name, f.package.version, f.message])) {
    const { name, version } = finding.package;
    const ignore = matchingIgnore(policy, { ruleId: finding.ruleId, name, version, integrities: integrities.get(`${name}@${version}`) ?? [] }, now);
    if (ignore) suppressed.push({ finding, ignore });
    else findings.push(finding);
  }
  return {
    findings,
    suppressed,
    expiredIgnores: policy.ignore.filter((e) => isExpired(e, now)),
    skipped: unique(skipped, (s) => [s.ruleId, s.package.name, s.package.version, s.reason]),
    unavailable: unique(unavailable, (u) => [u.package.name, u.package.version, u.reason]),
  };
}

/**
 * Copies of a version that disagree are judged as separate changes (see diffTrees), and say the
 * same about what they share (the registry's facts): each thing is listed once.
 */
function unique<T>(items: readonly T[], key: (item: T) => readonly string[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = JSON.stringify(key(item));
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** name@version -> the integrity of each copy npm fetches (a bundled one comes in its parent's tarball). */
function integritiesOf(snapshot: Snapshot): Map<string, (string | null)[]> {
  const out = new Map<string, (string | null)[]>();
  for (const node of snapshot.nodes) {
    if (!isPackage(node) || node.inBundle) continue;
    const key = `${node.packageName}@${node.version}`;
    const list = out.get(key);
    if (list) list.push(node.integrity);
    else out.set(key, [node.integrity]);
  }
  return out;
}

interface JudgeInput {
  readonly facts: PackageFacts | undefined;
  readonly failure: string | undefined;
  readonly notFromRegistry: string | undefined;
  readonly now: number;
  readonly settings: RuleSettings;
  readonly policy: Policy;
  readonly location: Location;
}

/** The rules on one change, signals combined, the policy's severities applied. */
function judgeChange(change: Change, rules: readonly Rule[], input: JudgeInput): { findings: Finding[]; skipped: Skipped[]; unavailable?: Unavailable } {
  const { facts: pkgFacts, failure, notFromRegistry: why, policy } = input;
  const ref = { name: change.name, version: changeVersion(change) };
  const ctx = {
    change,
    facts: pkgFacts,
    before: change.before ? pkgFacts?.versions.get(change.before.version) : undefined,
    after: change.after ? pkgFacts?.versions.get(change.after.version) : undefined,
    now: input.now,
    settings: input.settings,
  };
  const skipped: Skipped[] = [];
  const drafts: Array<{ ruleId: string; draft: Draft }> = [];
  for (const rule of rules) {
    if (!rule.appliesTo(change)) continue;
    if (rule.needsMetadata && !pkgFacts && why) {
      skipped.push({ ruleId: rule.id, package: ref, reason: `not installed from a registry (${why})` });
      continue;
    }
    const outcome = rule.check(ctx);
    if (outcome.unchecked && !failure) skipped.push({ ruleId: rule.id, package: ref, reason: outcome.unchecked });
    for (const draft of outcome.findings) {
      drafts.push({ ruleId: rule.id, draft: { ...draft, severity: policySeverity(policy, rule.id, change.name, draft.severity) } });
    }
  }
  const findings = combine(drafts, isInRangeUpdate(change)).map(
    (c): Finding => ({
      ruleId: c.ruleId,
      severity: trustedCap(policy, c.ruleId, change.name, c.severity),
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
      location: input.location,
    }),
  );
  return { findings, skipped, ...(failure ? { unavailable: { package: ref, reason: failure, location: input.location } } : {}) };
}

/** The head entry of the package's first copy: what every finding on the change points at. */
function entryLine(change: Change): number {
  return change.after?.lines.find((line) => line !== null) ?? 1;
}

/** git, file, link and remote-tarball sources have no registry document to compare. */
function nonRegistrySource(change: Change): string | null {
  const resolved = change.after?.resolved;
  if (!resolved) return null;
  const local = localOrGitSource(resolved);
  if (local === 'git' || local === 'file') return local;
  if (/^https?:/.test(resolved) && !resolved.includes('/-/')) return 'remote tarball';
  return null;
}
