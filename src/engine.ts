import type { CodeSource } from './code/analyzer.js';
import { compareCode } from './code/compare.js';
import { ruleEnabled, isExpired, matchingIgnore, policySeverity, trustedCap } from './config/apply.js';
import type { Policy } from './config/policy.js';
import { IntegrityMismatchError, RegistryError } from './errors.js';
import type { AdvisorySource } from './registry/advisory-client.js';
import {
  type AdvisoryView,
  changeVersion,
  isInRangeUpdate,
  isPackage,
  type Change,
  type Finding,
  type IgnoreEntry,
  type Location,
  type PackageFacts,
  type PackageFinding,
  type ProjectFinding,
  type RuleInfo,
  type Skipped,
  type Snapshot,
  type Suppressed,
  type Unavailable,
} from './model.js';
import { mapLimit, type MetadataClient } from './registry/client.js';
import { combine, NEWCOMER, type Signal } from './rules/combine.js';
import { UNCHANGED_PROJECT, type ProjectChange } from './rules/project-change.js';
import type { CodeView, PackageSummary, ProjectRule, Rule, RuleContext, RuleSettings, ScopeHistoryView } from './rules/rule.js';
import { scopeOf } from './rules/history.js';
import { ScopeHistory, summarise } from './run-history.js';
import { nonRegistrySource } from './sources.js';

export interface Evaluation {
  readonly findings: Finding[];
  readonly suppressed: Suppressed[];
  readonly expiredIgnores: IgnoreEntry[];
  readonly skipped: Skipped[];
  readonly unavailable: Unavailable[];
  /** Every rule the run knew, enabled or not, in listing order: what reports say about a rule. */
  readonly rules: RuleInfo[];
  /** Which package rules had something to judge, and which of them could run on none of it (see RuleCoverage). */
  readonly coverage: RuleCoverage;
}

/**
 * The package rules that applied to at least one changed package (`applied`, how many), and the
 * ids of those that could not be made, in full, on any package they applied to (`notRun`: each
 * one listed under `skipped` for every such package, or left without the registry metadata it
 * requires). The verdict weighs it: when most rules could not run, a pass says so.
 */
export interface RuleCoverage {
  readonly applied: number;
  readonly notRun: string[];
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
  /** The code stage: where tarball analyses come from. Undefined: the stage is off. */
  readonly code?: CodeSource;
  /**
   * Where the registry's advisories come from: asked once for the new version of every change
   * from a registry. Undefined: none are asked, and the advisory rules do not apply.
   */
  readonly advisories?: AdvisorySource;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Fetches metadata for what changed (once per name), runs the rules, combines signals, applies the policy. */
export async function evaluate(
  changes: readonly Change[],
  trees: { base: Snapshot; head: Snapshot },
  options: EvaluateOptions,
): Promise<Evaluation> {
  const { client, policy, now } = options;
  const rules = options.rules.filter((r) => ruleEnabled(policy, r.id));
  const relevant = changes.filter((c) => c.kind !== 'removed');
  const wanted = new Map<string, Set<string>>();
  for (const change of relevant) {
    if (!readsMetadata(change, rules)) continue;
    const versions = wanted.get(change.name) ?? new Set<string>();
    for (const v of [change.before?.version, change.after?.version]) if (v) versions.add(v);
    wanted.set(change.name, versions);
  }
  // the packages that updates start depending on, in brief: fetched for that even when no rule
  // of their own reads metadata (and when the tree has no changed copy of them)
  const baseNames = new Set(trees.base.nodes.filter(isPackage).map((n) => n.packageName));
  const summarised = new Set(relevant.flatMap(addedDependencies));
  for (const name of summarised) {
    if (wanted.has(name)) continue;
    const copies = relevant.filter((c) => c.name === name && c.after);
    if (copies.some((c) => nonRegistrySource(c.after!.resolved) !== null)) continue;
    wanted.set(name, new Set(copies.map((c) => c.after!.version)));
  }
  // Each package is judged as soon as its facts arrive, and its facts are then dropped: memory
  // stays bounded by the requests in flight, not by the size of the tree. Two kinds of change are
  // judged again once every document is in, with what the run learned across packages: an update
  // that starts depending on packages (their summaries), and a scoped package whose publisher is
  // new to it (the scope's history).
  const advisories = askAdvisories(relevant, rules, options.advisories);
  const results = new Map<Change, ChangeVerdict>();
  const dependencySummaries = new Map<string, PackageSummary>();
  const scopeHistory = new ScopeHistory();
  const again: Array<() => void> = [];
  const judge = async (change: Change, facts: PackageFacts | undefined, failure: string | undefined, code?: CodeView): Promise<void> => {
    const location = { file: change.lockfile ?? options.lockfilePath, line: entryLine(change) };
    const advisory = await advisoryView(change, advisories);
    const input = {
      facts,
      failure,
      now,
      settings: options.settings,
      policy,
      location,
      code,
      ...(advisory ? { advisories: advisory } : {}),
    };
    const verdict = judgeChange(change, rules, input);
    results.set(change, verdict);
    const newcomer =
      scopeOf(change.name) !== null && verdict.findings.some((f) => f.traits.some((t) => (NEWCOMER as readonly string[]).includes(t)));
    if (newcomer || addedDependencies(change).length > 0)
      again.push(() => results.set(change, judgeChange(change, rules, { ...input, dependencySummaries, scopeHistory })));
  };
  const codeRules = options.code ? rules.filter((r) => r.code) : [];
  const byName = new Map<string, Change[]>();
  for (const change of relevant) {
    if (!wanted.has(change.name)) continue;
    const list = byName.get(change.name);
    if (list) list.push(change);
    else byName.set(change.name, [change]);
  }
  let done = 0;
  await mapLimit([...wanted.keys()].sort(), options.concurrency, async (name) => {
    let facts: PackageFacts | undefined;
    let failure: string | undefined;
    try {
      facts = await client.packageFacts(name, [...wanted.get(name)!]);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      failure = error.reason;
    }
    if (facts) scopeHistory.record(facts);
    if (facts && summarised.has(name)) dependencySummaries.set(name, summarise(facts, baseNames.has(name)));
    await Promise.all(
      (byName.get(name) ?? []).map(async (change) => {
        const code = codeRules.some((r) => r.appliesTo(change)) ? await codeView(change, facts, options.code!) : undefined;
        await judge(change, facts, failure, code);
      }),
    );
    options.onProgress?.(++done, wanted.size);
  });
  for (const run of again) run();
  for (const change of relevant) {
    if (results.has(change)) continue;
    // not fetched from a registry: the code stage says why without asking anything
    await judge(
      change,
      undefined,
      undefined,
      codeRules.some((r) => r.appliesTo(change)) ? await codeView(change, undefined, options.code!) : undefined,
    );
  }

  const all: Finding[] = [];
  const skipped: Skipped[] = [];
  const unavailable: Unavailable[] = [];
  // rule id -> name@version -> whether the rule could be made on it (copies of a version count once)
  const made = new Map<string, Map<string, boolean>>();
  for (const change of relevant) {
    const r = results.get(change)!;
    all.push(...r.findings);
    skipped.push(...r.skipped);
    if (r.unavailable) unavailable.push(r.unavailable);
    const key = `${change.name}@${changeVersion(change)}`;
    for (const id of r.applied) {
      const byPackage = made.get(id) ?? new Map<string, boolean>();
      byPackage.set(key, (byPackage.get(key) ?? false) || !r.notMade.includes(id));
      made.set(id, byPackage);
    }
  }
  // the project's own entry, where the format has one (npm's packages[""], pnpm's and Bun's root importer)
  // looked up only when a project finding needs it: a rewritten lockfile is judged without building its tree
  const projectLocation: Location = {
    file: options.lockfilePath,
    get line() {
      return trees.head.nodes.find((n) => n.isRoot)?.line ?? 1;
    },
  };
  const project = judgeProject(trees, options.project ?? UNCHANGED_PROJECT, options.projectRules, { policy, location: projectLocation });
  all.push(...project.findings);
  skipped.push(...project.skipped);

  const findings: Finding[] = [];
  const suppressed: Suppressed[] = [];
  const integrities = policy.ignore.some((e) => e.integrity !== undefined)
    ? integritiesOf(trees.head)
    : new Map<string, (string | null)[]>();
  for (const finding of unique(all, (f) => [f.ruleId, f.package.name, f.package.version, f.message])) {
    const { name, version } = finding.package;
    const ignore = matchingIgnore(
      policy,
      { ruleId: finding.ruleId, name, version, integrities: integrities.get(`${name}@${version}`) ?? [] },
      now,
    );
    if (ignore) suppressed.push({ finding, ignore });
    else findings.push(finding);
  }
  return {
    findings,
    suppressed,
    expiredIgnores: policy.ignore.filter((e) => isExpired(e, now)),
    skipped: unique(skipped, (s) => [s.ruleId, s.package.name, s.package.version, s.reason]),
    unavailable: unique(unavailable, (u) => [u.package.name, u.package.version, u.reason]),
    rules: [...options.rules, ...options.projectRules].map(({ id, title, defaultSeverity, docs }) => ({
      id,
      title,
      defaultSeverity,
      docs,
    })),
    coverage: {
      applied: made.size,
      notRun: options.rules.map((r) => r.id).filter((id) => made.has(id) && [...made.get(id)!.values()].every((m) => !m)),
    },
  };
}

/**
 * The new version's code against the old one's: both tarballs fetched (from the registry only),
 * verified against the lockfile's integrity, else the registry's, and analysed.
 */
async function codeView(change: Change, facts: PackageFacts | undefined, source: CodeSource): Promise<CodeView> {
  const after = change.after!;
  const elsewhere = nonRegistrySource(after.resolved);
  if (elsewhere) return { unavailable: `not installed from a registry (${elsewhere}): no registry tarball to read` };
  const integrity = (side: { version: string; integrity: string | null }): string | null =>
    side.integrity ?? facts?.versions.get(side.version)?.integrity ?? null;
  // the old version is the baseline only when it came from a registry too
  const before = change.before && nonRegistrySource(change.before.resolved) === null ? change.before : null;
  try {
    const [old, now] = await Promise.all([
      before ? source.analysis(change.name, before.version, integrity(before)).catch(baselineMissing) : undefined,
      source.analysis(change.name, after.version, integrity(after)),
    ]);
    if (old !== undefined && 'missing' in old)
      return { unavailable: `the tarball of ${before!.version} could not be read (${old.missing}): nothing to compare with` };
    return { comparison: compareCode(old, now) };
  } catch (error) {
    if (error instanceof IntegrityMismatchError)
      return { mismatch: { version: error.version, expected: error.expected, found: error.found } };
    if (error instanceof RegistryError) return { unavailable: `tarball not fetched (${error.reason})` };
    throw error;
  }
}

/**
 * The advisory endpoint asked, once, about the new version of every change from a registry
 * (git, file and tarball-URL sources are not sent anywhere), when an advisory rule is enabled.
 */
function askAdvisories(
  relevant: readonly Change[],
  rules: readonly Rule[],
  source: AdvisorySource | undefined,
): Promise<ReadonlyMap<string, AdvisoryView>> | null {
  if (!source || !rules.some((r) => r.advisories)) return null;
  const wanted = new Map<string, string[]>();
  for (const change of relevant) {
    if (!change.after || nonRegistrySource(change.after.resolved) !== null) continue;
    const versions = wanted.get(change.name) ?? [];
    if (!versions.includes(change.after.version)) versions.push(change.after.version);
    wanted.set(change.name, versions);
  }
  if (wanted.size === 0) return Promise.resolve(new Map());
  const answers = source.advisories(wanted);
  // awaited by each change's judgement, which may come later than a failure: not an unhandled rejection meanwhile
  answers.catch(() => undefined);
  return answers;
}

/** What the advisory rules see for a change; undefined when the run asks no advisories. */
async function advisoryView(change: Change, answers: Promise<ReadonlyMap<string, AdvisoryView>> | null): Promise<AdvisoryView | undefined> {
  if (answers === null) return undefined;
  const elsewhere = nonRegistrySource(change.after?.resolved);
  if (elsewhere) return { unavailable: `not installed from a registry (${elsewhere})` };
  return (await answers).get(change.name) ?? { unavailable: 'the advisory endpoint was not asked about it' };
}

/** The names an update's new version declares as dependencies and its old version did not. */
function addedDependencies(change: Change): string[] {
  if (!change.before || !change.after) return [];
  return Object.keys(change.after.dependencies).filter((d) => !Object.hasOwn(change.before!.dependencies, d));
}

/** The old version's tarball could not be had: no baseline, and why (any other error is a bug, and thrown). */
function baselineMissing(error: unknown): { readonly missing: string } {
  if (error instanceof RegistryError) return { missing: error.reason };
  if (error instanceof IntegrityMismatchError) return { missing: "it does not match the lockfile's integrity" };
  throw error;
}

/** Some enabled rule on the change reads registry metadata, and the package comes from a registry. */
function readsMetadata(change: Change, rules: readonly Rule[]): boolean {
  return nonRegistrySource(change.after?.resolved) === null && rules.some((r) => r.metadata !== 'none' && r.appliesTo(change));
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

/** What judging one change needs besides the change and the rules. */
export interface ChangeInput {
  /** The package's registry facts, when they were fetched. */
  readonly facts?: PackageFacts;
  /** Why the facts could not be fetched (a RegistryError's reason). */
  readonly failure?: string;
  readonly now: number;
  readonly settings: RuleSettings;
  readonly policy: Policy;
  /** Where the change's findings point. */
  readonly location: Location;
  /** The code stage's result for the change, when it ran. */
  readonly code?: CodeView;
  /** What the run learned across packages (see RuleContext.dependencySummaries and scopeHistory). */
  readonly dependencySummaries?: ReadonlyMap<string, PackageSummary>;
  readonly scopeHistory?: ScopeHistoryView;
  /** The registry's advisories for the package; undefined when the run asks none (the advisory rules then do not apply). */
  readonly advisories?: AdvisoryView;
}

export interface ChangeVerdict {
  readonly findings: PackageFinding[];
  readonly skipped: Skipped[];
  /** The ids of the rules that applied to the change (code rules only when the code stage ran for it), in order. */
  readonly applied: string[];
  /** Those of them that could not be made in full: skipped, or left without the registry metadata they require. */
  readonly notMade: string[];
  /** Set when a rule that requires registry metadata applies and the metadata could not be fetched. */
  readonly unavailable?: Unavailable;
}

/**
 * One change judged: each enabled rule that applies, given what its `metadata` allows, then the
 * policy's severities, signals combined, and the trusted cap. Ignore entries are applied later,
 * over all findings (see evaluate).
 */
export function judgeChange(change: Change, rules: readonly Rule[], input: ChangeInput): ChangeVerdict {
  const { facts, failure, policy } = input;
  const ref = { name: change.name, version: changeVersion(change) };
  const elsewhere = nonRegistrySource(change.after?.resolved);
  const lockfileOnly: RuleContext = {
    change,
    now: input.now,
    settings: input.settings,
    ...(input.code ? { code: input.code } : {}),
    ...(input.dependencySummaries ? { dependencySummaries: input.dependencySummaries } : {}),
    ...(input.scopeHistory ? { scopeHistory: input.scopeHistory } : {}),
    ...(input.advisories ? { advisories: input.advisories } : {}),
  };
  const withFacts: RuleContext = {
    ...lockfileOnly,
    facts,
    before: change.before ? facts?.versions.get(change.before.version) : undefined,
    after: change.after ? facts?.versions.get(change.after.version) : undefined,
  };
  const applicable = rules.filter(
    (r) => ruleEnabled(policy, r.id) && (!r.advisories || input.advisories !== undefined) && r.appliesTo(change),
  );
  // A failed fetch leaves the package unchecked when a rule required the metadata; otherwise the
  // rules that can do without it say they judged the lockfile alone.
  const required = applicable.some((r) => r.metadata === 'required');
  const skipped: Skipped[] = [];
  const signals: Signal[] = [];
  const notMade: string[] = [];
  const skip = (rule: Rule, reason: string, missing?: Skipped['missing']): void => {
    skipped.push({ ruleId: rule.id, package: ref, reason, ...(missing ? { missing } : {}) });
    if (!notMade.includes(rule.id)) notMade.push(rule.id);
  };
  for (const rule of applicable) {
    if (rule.metadata === 'required' && !facts && elsewhere) {
      skip(rule, `not installed from a registry (${elsewhere})`);
      continue;
    }
    if (rule.metadata === 'required' && failure) notMade.push(rule.id);
    const outcome = rule.check(rule.metadata === 'none' ? lockfileOnly : withFacts);
    // a failed metadata fetch explains the metadata rules' silence, not the advisory endpoint's
    if (outcome.unchecked && (!failure || rule.advisories)) skip(rule, outcome.unchecked, outcome.missing);
    if (failure && !required && rule.metadata === 'optional')
      skip(rule, `registry metadata unavailable (${failure}): judged on the lockfile alone`);
    for (const draft of outcome.findings) {
      signals.push({
        ruleId: rule.id,
        draft,
        severity: policySeverity(policy, rule.id, change.name, draft.severity ?? rule.defaultSeverity),
      });
    }
  }
  const findings = combine(signals, { inRange: isInRangeUpdate(change), added: change.before === null }).map(
    (c): PackageFinding => ({
      kind: 'package',
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
      ...(c.draft.inPackage ? { inPackage: c.draft.inPackage } : {}),
      ...(c.escalation ? { escalation: c.escalation } : {}),
      paths: change.paths,
      pathCount: change.pathCount,
      location: input.location,
    }),
  );
  return {
    findings,
    skipped,
    // a code rule applies only where the code stage ran: a stage turned off is said once, not counted as checks not made
    // the advisory rules are not counted either: an endpoint the registry lacks is its own cause of checks not made
    applied: applicable.filter((r) => (!r.code || input.code !== undefined) && !r.advisories).map((r) => r.id),
    notMade,
    ...(failure && required ? { unavailable: { package: ref, reason: failure, location: input.location } } : {}),
  };
}

/** The project rules on the two trees and the project's change, the policy's severities applied. */
export function judgeProject(
  trees: { readonly base: Snapshot; readonly head: Snapshot },
  project: ProjectChange,
  rules: readonly ProjectRule[],
  input: { readonly policy: Policy; readonly location: Location },
): { findings: ProjectFinding[]; skipped: Skipped[] } {
  const { policy, location } = input;
  const findings: ProjectFinding[] = [];
  const skipped: Skipped[] = [];
  for (const rule of rules) {
    if (!ruleEnabled(policy, rule.id)) continue;
    const outcome = rule.check(trees.base, trees.head, project);
    if (outcome.unchecked) skipped.push({ ruleId: rule.id, package: { name: trees.head.source, version: '' }, reason: outcome.unchecked });
    for (const d of outcome.findings) {
      findings.push({
        kind: 'project',
        ruleId: rule.id,
        severity: trustedCap(policy, rule.id, d.subject, policySeverity(policy, rule.id, d.subject, d.severity ?? rule.defaultSeverity)),
        package: { name: d.subject, version: d.version },
        message: d.message,
        evidence: d.evidence,
        location,
      });
    }
  }
  return { findings, skipped };
}

/** The head entry of the package's first copy: what every finding on the change points at. */
function entryLine(change: Change): number {
  return change.after?.lines.find((line) => line !== null) ?? 1;
}
