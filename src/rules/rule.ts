import type { Change } from '../diff/change.js';
import type { PackageFacts, VersionFacts } from '../registry/facts.js';
import type { Severity } from '../severity.js';

/** Named facts about a finding that the combination step reads (see docs/rules/scoring.md). */
export type Trait =
  | 'publisher:new'
  | 'publisher:first-release'
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
  | 'release:young'
  | 'source:repository-changed'
  | 'package:young'
  | 'package:sparse-history'
  | 'release:dormant'
  | 'release:downgrade'
  | 'release:skip-ahead'
  | 'release:odd-prerelease'
  | 'release:out-of-order';

/** What a rule reports; the engine adds the package, the paths and the rule id. */
export interface Draft {
  readonly severity: Severity;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly traits: readonly Trait[];
}

export interface RuleContext {
  readonly change: Change;
  /** Registry facts for the package; undefined when the change has no registry metadata. */
  readonly facts?: PackageFacts;
  readonly before?: VersionFacts;
  readonly after?: VersionFacts;
  /** Milliseconds since the epoch: "now" for every age computed in this run. */
  readonly now: number;
  readonly settings: RuleSettings;
}

/** The parts of the configuration rules read. */
export interface RuleSettings {
  /** The cooldown: releases younger than this are young-version / young-package. */
  readonly minReleaseAgeMs: number;
  /** Where minReleaseAgeMs came from, for messages (e.g. ".npmrc min-release-age"). */
  readonly minReleaseAgeSource: string;
  /** URLs of the configured registries (plus the public one): `resolved` must be a tarball under one of them. */
  readonly registries: readonly string[];
}

export interface RuleOutcome {
  readonly findings: readonly Draft[];
  /** Set when the rule could not be (fully) evaluated, with the missing input. */
  readonly unchecked?: string;
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly defaultSeverity: Severity;
  /** Whether the rule reads registry metadata (otherwise it runs on the lockfile alone). */
  readonly needsMetadata: boolean;
  appliesTo(change: Change): boolean;
  check(ctx: RuleContext): RuleOutcome;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export const pass: RuleOutcome = { findings: [] };

export function unchecked(reason: string): RuleOutcome {
  return { findings: [], unchecked: reason };
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
