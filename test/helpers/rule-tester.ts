/**
 * ESLint's RuleTester, for depguard's rules: each rule gets `valid` cases (no finding) and
 * `invalid` ones (the exact findings, in order), run through the engine's own per-change step
 * (judgeChange, or judgeProject for project rules), so a case sees what a run would: the
 * default severity filled in, the policy applied, signals combined, the checks not made.
 *
 *   ruleTester.run(publisherChanged, {
 *     valid: [{ name: 'the same account', change: upgrade('p', '1.0.0', '1.0.1'), registry: spec }],
 *     invalid: [{ name: 'a newcomer', change, registry, findings: [{ severity: 'medium', traits: ['publisher:new'] }] }],
 *   });
 *
 * Findings are compared in full: the list of (rule id, severity) must be equal, then each
 * expected finding's other fields (traits exactly; evidence, message, escalation as given) must
 * match. `skipped` lists every check the engine reports as not made (none when absent).
 */
import { describe, expect, it } from 'vitest';
import { buildPackument, type PackageSpec } from '../../scripts/fixture-registry.mjs';
import { EMPTY_POLICY, type Policy } from '../../src/config/policy.js';
import { judgeChange, judgeProject } from '../../src/engine.js';
import type { AdvisoryView, Change, Escalation, Finding, PackageFacts, RegistryField, Skipped, Snapshot } from '../../src/model.js';
import { extractFacts } from '../../src/registry/facts.js';
import { UNCHANGED_PROJECT, type ProjectChange } from '../../src/rules/project-change.js';
import type { CodeView, PackageSummary, ProjectRule, Rule, RuleSettings, ScopeHistoryView } from '../../src/rules/rule.js';
import type { Severity } from '../../src/severity.js';
import { NOW, SETTINGS } from './rules.js';

const LOCATION = { file: 'package-lock.json', line: 1 } as const;

interface ExpectedFinding {
  /** The rule under test when absent. */
  readonly ruleId?: string;
  readonly severity: Severity;
  /** Compared exactly. */
  readonly traits?: readonly string[];
  /** Matched as a subset (toMatchObject). */
  readonly evidence?: Readonly<Record<string, unknown>>;
  readonly message?: string | RegExp;
  readonly escalation?: Partial<Escalation>;
  readonly package?: { readonly name: string; readonly version: string };
}

/** A check the engine reports as not made: the rule (the one under test when absent), its reason, and the field the registry left out (none when absent). */
interface ExpectedSkip {
  readonly ruleId?: string;
  readonly reason: string | RegExp;
  readonly missing?: RegistryField;
}

interface CommonCase {
  /** What the case shows: the test's name. */
  readonly name: string;
  readonly policy?: Partial<Policy>;
  /** Every check not made; none when absent. */
  readonly skipped?: readonly ExpectedSkip[];
}

export interface ChangeCase extends CommonCase {
  readonly change: Change;
  /** The package's registry document, as the fixture registry builds it; absent or null: no metadata. */
  readonly registry?: PackageSpec | null;
  /** A registry document as sent, for shapes the fixture builder does not make (an unpublished package). */
  readonly document?: Record<string, unknown>;
  /** The metadata could not be fetched, for this reason. */
  readonly failure?: string;
  readonly now?: number;
  readonly settings?: Partial<RuleSettings>;
  /** Rules judged on the same change beside the one under test (combinations). */
  readonly alongside?: readonly Rule[];
  /** What the code stage found for the change. */
  readonly code?: CodeView;
  /** The packages updates in the change set start depending on, in brief. */
  readonly dependencySummaries?: ReadonlyMap<string, PackageSummary>;
  /** Who published in which scope, across the run's documents. */
  readonly scopeHistory?: ScopeHistoryView;
  /** What the registry's advisory endpoint answered for the package (absent: the run asks none). */
  readonly advisories?: AdvisoryView;
}

export interface InvalidChangeCase extends ChangeCase {
  readonly findings: readonly ExpectedFinding[];
}

export interface ProjectCase extends CommonCase {
  readonly base: Snapshot;
  readonly head: Snapshot;
  readonly project?: ProjectChange;
}

export interface InvalidProjectCase extends ProjectCase {
  readonly findings: readonly ExpectedFinding[];
}

function factsOf(c: ChangeCase): PackageFacts | undefined {
  if (c.document) return extractFacts(c.document, c.change.name);
  return c.registry ? extractFacts(buildPackument(c.registry), c.registry.name) : undefined;
}

/** What the engine makes of the case: its findings and the checks it could not make. */
export function judgeCase(rule: Rule, c: ChangeCase): { findings: Finding[]; skipped: Skipped[] } {
  const verdict = judgeChange(c.change, [rule, ...(c.alongside ?? [])], {
    facts: factsOf(c),
    ...(c.failure !== undefined ? { failure: c.failure } : {}),
    now: c.now ?? NOW,
    settings: { ...SETTINGS, ...c.settings },
    policy: { ...EMPTY_POLICY, ...c.policy },
    location: LOCATION,
    ...(c.code ? { code: c.code } : {}),
    ...(c.dependencySummaries ? { dependencySummaries: c.dependencySummaries } : {}),
    ...(c.scopeHistory ? { scopeHistory: c.scopeHistory } : {}),
    ...(c.advisories ? { advisories: c.advisories } : {}),
  });
  return { findings: verdict.findings, skipped: verdict.skipped };
}

function judgeProjectCase(rule: ProjectRule, c: ProjectCase): { findings: Finding[]; skipped: Skipped[] } {
  return judgeProject({ base: c.base, head: c.head }, c.project ?? UNCHANGED_PROJECT, [rule], {
    policy: { ...EMPTY_POLICY, ...c.policy },
    location: LOCATION,
  });
}

function assertFindings(ruleId: string, actual: readonly Finding[], expected: readonly ExpectedFinding[]): void {
  expect(
    actual.map((f) => `${f.ruleId} ${f.severity}`),
    'rule ids and severities, in order',
  ).toEqual(expected.map((e) => `${e.ruleId ?? ruleId} ${e.severity}`));
  expected.forEach((e, i) => {
    const f = actual[i]!;
    if (e.traits) expect(f.kind === 'package' ? f.traits : [], `finding ${i}: traits`).toEqual(e.traits);
    if (e.evidence) expect(f.evidence, `finding ${i}: evidence`).toMatchObject(e.evidence);
    if (typeof e.message === 'string') expect(f.message, `finding ${i}: message`).toBe(e.message);
    else if (e.message) expect(f.message, `finding ${i}: message`).toMatch(e.message);
    if (e.escalation) expect(f.kind === 'package' ? f.escalation : undefined, `finding ${i}: escalation`).toMatchObject(e.escalation);
    if (e.package) expect(f.package, `finding ${i}: package`).toEqual(e.package);
  });
}

function assertSkipped(ruleId: string, actual: readonly Skipped[], expected: readonly ExpectedSkip[] = []): void {
  expect(
    actual.map((s) => s.ruleId),
    'checks not made',
  ).toEqual(expected.map((e) => e.ruleId ?? ruleId));
  expected.forEach((e, i) => {
    if (typeof e.reason === 'string') expect(actual[i]!.reason).toBe(e.reason);
    else expect(actual[i]!.reason).toMatch(e.reason);
    expect(actual[i]!.missing, `check not made ${i}: the field the registry left out`).toBe(e.missing);
  });
}

/** A finding's severity before any combination raised it: what the rule (and the policy) said. */
function ownSeverity(f: Finding): Severity {
  return f.kind === 'package' && f.escalation ? f.escalation.from : f.severity;
}

/**
 * The rule's declared defaultSeverity (shown by `depguard rules` and SARIF) is what it emits in
 * its plain case: some invalid case without a policy must report it.
 */
function assertDefaultEmitted(
  rule: { id: string; defaultSeverity: Severity },
  results: ReadonlyArray<{ findings: readonly Finding[] }>,
): void {
  const emitted = new Set(results.flatMap((r) => r.findings.filter((f) => f.ruleId === rule.id).map(ownSeverity)));
  expect([...emitted], `${rule.id} declares ${rule.defaultSeverity}`).toContain(rule.defaultSeverity);
}

/** The valid and invalid cases of one rule, each judged by `judge`. */
function runCases<C extends CommonCase>(
  rule: { readonly id: string; readonly defaultSeverity: Severity },
  cases: { readonly valid: readonly C[]; readonly invalid: ReadonlyArray<C & { readonly findings: readonly ExpectedFinding[] }> },
  judge: (c: C) => { findings: Finding[]; skipped: Skipped[] },
): void {
  describe(rule.id, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        it(c.name, () => {
          const out = judge(c);
          assertFindings(rule.id, out.findings, []);
          assertSkipped(rule.id, out.skipped, c.skipped);
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          const out = judge(c);
          assertFindings(rule.id, out.findings, c.findings);
          assertSkipped(rule.id, out.skipped, c.skipped);
        });
      }
    });
    it(`emits its default severity (${rule.defaultSeverity}) in a plain case`, () => {
      assertDefaultEmitted(rule, cases.invalid.filter((c) => !c.policy).map(judge));
    });
  });
}

export const ruleTester = {
  /** A rule about one changed package, judged by the engine's judgeChange. */
  run(rule: Rule, cases: { readonly valid: readonly ChangeCase[]; readonly invalid: readonly InvalidChangeCase[] }): void {
    runCases(rule, cases, (c) => judgeCase(rule, c));
  },

  /** A rule about the project as a whole, judged by the engine's judgeProject. */
  runProject(rule: ProjectRule, cases: { readonly valid: readonly ProjectCase[]; readonly invalid: readonly InvalidProjectCase[] }): void {
    runCases(rule, cases, (c) => judgeProjectCase(rule, c));
  },
};
