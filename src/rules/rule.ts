import { HOME_URL } from '../home.js';
import type { CodeComparison } from '../code/compare.js';
import type { ScriptPolicySides } from './script-gate.js';
import type { CapabilityKind } from '../code/model.js';
import {
  omittedFields,
  type AdvisoryView,
  type Change,
  type PackageFacts,
  type RegistryField,
  type RuleInfo,
  type Snapshot,
  type VersionFacts,
} from '../model.js';
import type { Severity } from '../severity.js';
import type { ProjectChange } from './project-change.js';

/** Named facts about a finding that the combination step reads (see docs/rules/scoring.md). */
export type Trait =
  | 'publisher:new'
  | 'publisher:first-release'
  | 'publisher:scope-member'
  | 'publisher:recent'
  | 'publisher:established'
  | 'publisher:trusted'
  | 'publisher:email-changed'
  | 'trust:provenance-lost'
  | 'trust:trusted-publisher-lost'
  | 'maintainers:added'
  | 'maintainers:replaced'
  | 'payload:new-dependency'
  | 'payload:install-script'
  | 'payload:blocked-script'
  | 'release:young'
  | 'source:repository-changed'
  | 'package:young'
  | 'package:sparse-history'
  | 'release:dormant'
  | 'release:downgrade'
  | 'release:skip-ahead'
  | 'release:odd-prerelease'
  | 'release:out-of-order'
  | 'dependency:fresh'
  | CodeTrait;

/**
 * A kind of capability as a trait. `dynamic-common` is the dynamic code bundles are full of
 * (`require` of a computed name, `Function` of a constant string), told apart from eval.
 */
export type CodeKind = CapabilityKind | 'dynamic-common';

/**
 * The code stage's traits, on a finding about one file: `code:<kind>` for a capability new in
 * this version, `code:had:<kind>` for one the file has that the previous version already had.
 */
export type CodeTrait =
  | `code:${CodeKind}`
  | `code:had:${CodeKind}`
  | 'code:install-time'
  | 'code:chain'
  | 'code:rewritten'
  | 'code:tarball-anomaly';

/**
 * What a rule reports; the engine adds the package, the paths and the rule id. Without
 * `severity` a finding has the rule's defaultSeverity: a rule states a severity only for the
 * cases its page (docs/rules/<id>.md) lists as graded above or below it.
 */
export interface Draft {
  readonly severity?: Severity;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly traits: readonly Trait[];
  /** Where in the package the evidence is (code findings): a file of the tarball and a line. */
  readonly inPackage?: { readonly file: string; readonly line: number };
}

/** What the code stage found for a change (see src/code/). */
export interface CodeView {
  /** The new version against the old one (or alone, for a package new to the tree). */
  readonly comparison?: CodeComparison;
  /** Why there is no comparison: the check was not made. */
  readonly unavailable?: string;
  /** The registry served a tarball that the lockfile's integrity does not describe. */
  readonly mismatch?: { readonly version: string; readonly expected: string; readonly found: string };
}

export interface RuleContext {
  readonly change: Change;
  /** Registry facts for the package; undefined when there are none (see Rule.metadata). */
  readonly facts?: PackageFacts;
  readonly before?: VersionFacts;
  readonly after?: VersionFacts;
  /** Milliseconds since the epoch: "now" for every age computed in this run. */
  readonly now: number;
  readonly settings: RuleSettings;
  /** The code stage's result for the change; undefined when the stage did not run for it. */
  readonly code?: CodeView;
  /**
   * What the registry says of the packages that updates in this change set start depending on,
   * by name: how old they are, who published them (new-dependency reads it).
   */
  readonly dependencySummaries?: ReadonlyMap<string, PackageSummary>;
  /** Who published in which scope, across the documents this run read (publisher-changed reads it). */
  readonly scopeHistory?: ScopeHistoryView;
  /** The registry's advisories for the package (or why there are none to read); undefined when the run asks for none. */
  readonly advisories?: AdvisoryView;
}

/** A package in brief: when it was first published, and by whom. */
export interface PackageSummary {
  readonly createdAt?: number;
  readonly firstPublisher?: string;
  /** The accounts that published its releases (at most 64, compared with accountKey); undefined when the registry sends no publishers. */
  readonly publishers?: readonly string[];
  /** The base tree already had a copy of it. */
  readonly inBaseTree: boolean;
}

/** An account's release of a package of a scope. */
export interface ScopeRelease {
  readonly name: string;
  readonly version: string;
  readonly publishedAt: number;
}

export interface ScopeHistoryView {
  /** The account's earliest release of another package of `name`'s scope; undefined when none is known. */
  earliestElsewhere(name: string, account: string): ScopeRelease | undefined;
}

/** The parts of the configuration rules read. */
export interface RuleSettings {
  /** The cooldown: releases younger than this are young-version / young-package. */
  readonly minReleaseAgeMs: number;
  /** Where minReleaseAgeMs came from, for messages (e.g. ".npmrc min-release-age"). */
  readonly minReleaseAgeSource: string;
  /** URLs of the configured registries (plus the public one): `resolved` must be a tarball under one of them. */
  readonly registries: readonly string[];
  /**
   * Which dependencies' install scripts the package managers run, as the base revision's project
   * files say (and the change's, which may only make it worse); null: not judged (`depguard audit`).
   */
  readonly scriptPolicies: ScriptPolicySides | null;
}

export interface RuleOutcome {
  readonly findings: readonly Draft[];
  /** Set when the rule could not be (fully) evaluated, with the missing input. */
  readonly unchecked?: string;
  /** The registry field the input was missing from, when the package's document leaves it out altogether (see Skipped.missing). */
  readonly missing?: RegistryField;
}

/**
 * What a rule does with registry metadata, which the engine honours:
 * - 'required': the rule judges registry facts. The engine fetches them; a package installed
 *   from git, a file or a tarball URL is listed as not checked by it.
 * - 'optional': the rule judges the lockfile, and the registry's facts when there are any (the
 *   registry's manifest over the lockfile's copy of it). The engine fetches them for it too, and
 *   runs it on the lockfile alone where there are none.
 * - 'none': the rule reads the lockfile only; it never sees registry facts.
 */
export type MetadataUse = 'required' | 'optional' | 'none';

/** A rule about one changed package. */
export interface Rule extends RuleInfo {
  readonly metadata: MetadataUse;
  /** The rule judges the package's code: the engine runs the code stage for the changes it applies to. */
  readonly code?: boolean;
  /**
   * The rule judges the registry's advisories (RuleContext.advisories): it applies only when the
   * run asks the advisory endpoint, and it is left out of RuleCoverage (an endpoint the registry
   * lacks is one cause of checks not made, not a document that leaves fields out).
   */
  readonly advisories?: boolean;
  appliesTo(change: Change): boolean;
  check(ctx: RuleContext): RuleOutcome;
}

/** A finding about the project rather than one package update. */
export interface ProjectDraft {
  /** What it is about, as ignore entries name it: a dependency, a lockfile, a policy file. */
  readonly subject: string;
  /** The version the lockfile holds, '' when none. */
  readonly version: string;
  /** As for Draft: absent means the rule's defaultSeverity. */
  readonly severity?: Severity;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** A rule about the project as a whole: package.json against its lockfile, the set of lockfiles, the policy. */
export interface ProjectRule extends RuleInfo {
  check(base: Snapshot, head: Snapshot, project: ProjectChange): { findings: ProjectDraft[]; unchecked?: string };
}

const DOCS = `${HOME_URL}/blob/main/docs/rules`;

export function defineRule(rule: Omit<Rule, 'docs'>): Rule {
  return { ...rule, docs: `${DOCS}/${rule.id}.md` };
}

export function defineProjectRule(rule: Omit<ProjectRule, 'docs'>): ProjectRule {
  return { ...rule, docs: `${DOCS}/${rule.id}.md` };
}

export const pass: RuleOutcome = { findings: [] };

export function unchecked(reason: string, missing?: RegistryField): RuleOutcome {
  return { findings: [], unchecked: reason, ...(missing ? { missing } : {}) };
}

/** `field` when the package's document leaves it out altogether, for RuleOutcome.missing; undefined when only some versions lack it. */
export function omitted(facts: PackageFacts | undefined, field: RegistryField): RegistryField | undefined {
  return facts && omittedFields(facts).has(field) ? field : undefined;
}

/** For the comparison rules: the registry's document lacks the old or the new version. */
export const versionsMissing: RuleOutcome = unchecked('the registry does not list both versions');

export const DAY = 86_400_000;

export function days(ms: number): number {
  return Math.floor(ms / DAY);
}

export function isoDate(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 10);
}
