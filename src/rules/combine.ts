import { maxSeverity, severityRank, type Severity } from '../severity.js';
import type { Escalation } from '../model.js';
import type { Draft, Trait } from './rule.js';

/**
 * Signals on the same package and update that together mean more than each alone.
 * Every group in `when` must be matched by at least one trait; the findings that carry a
 * matching trait are raised to `severity`. Documented in docs/rules/scoring.md.
 */
interface Combination {
  readonly id: string;
  readonly when: readonly (readonly Trait[])[];
  readonly severity: Severity;
  readonly reason: string;
  /**
   * Only for updates a caret range adopts by itself. A major release is chosen by a person
   * editing package.json; real major releases by new maintainers are common and benign.
   */
  readonly inRangeOnly: boolean;
}

const NEWCOMER: readonly Trait[] = ['publisher:new', 'publisher:recent'];

const PAYLOAD: readonly Trait[] = ['payload:new-dependency', 'payload:install-script'];
const TRUST_LOST: readonly Trait[] = ['trust:provenance-lost', 'trust:trusted-publisher-lost'];

const COMBINATIONS: readonly Combination[] = [
  {
    id: 'newcomer-ships-new-code',
    when: [NEWCOMER, PAYLOAD],
    severity: 'critical',
    reason: 'a publisher new to the package shipped a new dependency or install script in the same release (the event-stream pattern)',
    inRangeOnly: true,
  },
  {
    id: 'trust-lost-ships-new-code',
    when: [TRUST_LOST, PAYLOAD],
    severity: 'critical',
    reason:
      'the release lost its provenance or trusted publisher and ships a new dependency or install script (a stolen token publishing outside CI)',
    inRangeOnly: false,
  },
  {
    id: 'fresh-install-script',
    when: [['release:young'], ['payload:install-script']],
    severity: 'critical',
    reason: 'a release younger than the cooldown starts running code at install (the Shai-Hulud pattern)',
    inRangeOnly: true,
  },
  {
    id: 'newcomer-revives-dormant-package',
    when: [NEWCOMER, ['release:dormant']],
    severity: 'high',
    reason: 'a publisher new to the package released it after a long dormancy',
    inRangeOnly: true,
  },
  {
    id: 'newcomer-takes-over',
    when: [NEWCOMER, ['maintainers:replaced']],
    severity: 'high',
    reason: 'a publisher new to the package released it while every previous maintainer left',
    inRangeOnly: true,
  },
  {
    id: 'newcomer-moves-repository',
    when: [NEWCOMER, ['source:repository-changed']],
    severity: 'high',
    reason: 'a publisher new to the package pointed it at a different source repository',
    inRangeOnly: true,
  },
  {
    id: 'new-identity-ships-new-code',
    when: [['publisher:email-changed'], PAYLOAD],
    severity: 'high',
    reason:
      'the publishing account used a new email address and the release ships a new dependency or install script (an account takeover)',
    inRangeOnly: true,
  },
];

/** One rule's finding on the change, at the severity the policy gave it. */
export interface Signal {
  readonly ruleId: string;
  readonly draft: Draft;
  readonly severity: Severity;
}

export interface CombinedDraft extends Signal {
  readonly escalation?: Escalation;
}

/** Applies COMBINATIONS to the findings of one change. Pure; order preserved. */
export function combine(findings: readonly Signal[], inRange: boolean): CombinedDraft[] {
  const present = new Set(findings.flatMap((f) => f.draft.traits));
  const out: CombinedDraft[] = [...findings];
  for (const combo of COMBINATIONS) {
    if (combo.inRangeOnly && !inRange) continue;
    if (!combo.when.every((group) => group.some((t) => present.has(t)))) continue;
    const involved = new Set(combo.when.flat());
    out.forEach((f, i) => {
      if (!f.draft.traits.some((t) => involved.has(t))) return;
      if (severityRank(combo.severity) <= severityRank(f.severity)) return;
      out[i] = {
        ...f,
        severity: maxSeverity(f.severity, combo.severity),
        escalation: { combination: combo.id, reason: combo.reason, from: f.escalation?.from ?? f.severity },
      };
    });
  }
  return out;
}
