import { maxSeverity, severityRank, type Severity } from '../severity.js';
import type { Escalation } from '../model.js';
import type { CodeKind, Draft, Trait } from './rule.js';

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
  /**
   * 'file': a chain in the code of one file. Every group must be matched by the traits of one
   * code finding (one file), at least one of them by a capability new in this version (`code:x`,
   * not only `code:had:x`); only that finding is raised. Default: the whole update.
   */
  readonly scope?: 'file';
  /** For 'file': the group that must be matched by a new capability (default: any group). */
  readonly freshIn?: number;
  /** Not for a package new to the tree (common at install for new native and binary packages). */
  readonly updatesOnly?: boolean;
  /** A trait the raised findings gain, which later combinations read. */
  readonly yields?: Trait;
}

/** Capability kinds as a group of code traits. */
function code(...kinds: CodeKind[]): Trait[] {
  return kinds.map((k) => `code:${k}` as const);
}

/** The traits of a publisher new to the package (see publisher-changed). */
export const NEWCOMER: readonly Trait[] = ['publisher:new', 'publisher:recent'];

const PAYLOAD: readonly Trait[] = ['payload:new-dependency', 'payload:install-script'];
const TRUST_LOST: readonly Trait[] = ['trust:provenance-lost', 'trust:trusted-publisher-lost'];

const CHAIN_REASON = 'a chain of capabilities in one file, the shape of an attack';
const SECRETS = code('token-read', 'env-dump', 'credential-path');
const METADATA_ALARM: readonly Trait[] = [...NEWCOMER, ...TRUST_LOST, 'release:young'];

const COMBINATIONS: readonly Combination[] = [
  // Chains in one file's code: each raises that file's finding to high and marks it a chain.
  {
    id: 'code-exfiltrates-secrets',
    when: [SECRETS, code('network', 'shell-command')],
    severity: 'high',
    reason: `reads secrets and sends over the network (${CHAIN_REASON}: Shai-Hulud, eslint-scope)`,
    inRangeOnly: false,
    scope: 'file',
    yields: 'code:chain',
  },
  {
    id: 'code-fetches-and-runs',
    when: [code('network'), code('dynamic-code', 'decode-execute')],
    severity: 'high',
    reason: `downloads and runs code (${CHAIN_REASON}: eslint-scope's eval of a pastebin body)`,
    inRangeOnly: false,
    scope: 'file',
    // new eval beside old networking; a client bundle that already evaluates code and adds fetch is an HTTP client
    freshIn: 1,
    yields: 'code:chain',
  },
  {
    id: 'code-shell-download',
    when: [code('shell-command'), code('process')],
    severity: 'high',
    reason: `runs download or living-off-the-land commands (${CHAIN_REASON}: ua-parser-js, coa, rc)`,
    inRangeOnly: false,
    scope: 'file',
    yields: 'code:chain',
  },
  {
    id: 'code-runs-decoded-data',
    when: [code('decode-execute')],
    severity: 'high',
    reason: `decodes data and runs it as code (${CHAIN_REASON}: flatmap-stream)`,
    inRangeOnly: false,
    scope: 'file',
    yields: 'code:chain',
  },
  {
    id: 'code-obfuscated-hook',
    when: [code('obfuscated'), [...code('browser-hook', 'crypto-address', 'shell-command'), ...SECRETS]],
    severity: 'high',
    reason: `obfuscated code that hooks browser APIs, carries wallet addresses or reaches for secrets (${CHAIN_REASON}: debug and chalk, 2025)`,
    inRangeOnly: false,
    scope: 'file',
    yields: 'code:chain',
  },
  {
    id: 'code-install-time-payload',
    when: [['code:install-time'], [...code('shell-command', 'decode-execute', 'write-outside', 'obfuscated', 'native-binary'), ...SECRETS]],
    severity: 'high',
    reason: `code run at install reaches for secrets, shell commands, binaries or files outside the package (${CHAIN_REASON})`,
    inRangeOnly: false,
    scope: 'file',
    yields: 'code:chain',
  },
  {
    id: 'code-install-time-network',
    when: [['code:install-time'], code('network', 'process', 'dynamic-code')],
    severity: 'high',
    reason: `an update starts using the network, processes or dynamic code at install (${CHAIN_REASON})`,
    inRangeOnly: false,
    scope: 'file',
    updatesOnly: true,
    yields: 'code:chain',
  },
  {
    id: 'chain-with-metadata-alarm',
    when: [['code:chain'], METADATA_ALARM],
    severity: 'critical',
    reason: 'an attack-shaped chain in the code of a release by a newcomer, without its provenance, or younger than the cooldown',
    inRangeOnly: false,
  },
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
    // the package manager will not run the script, but a release that lost its provenance and
    // carries one is the shape of a stolen token (Shai-Hulud under Bun, pnpm 10+, npm 12)
    id: 'trust-lost-ships-blocked-script',
    when: [TRUST_LOST, ['payload:blocked-script']],
    severity: 'high',
    reason: 'the release lost its provenance or trusted publisher and carries an install script (blocked by your package manager)',
    inRangeOnly: false,
  },
  {
    id: 'newcomer-ships-blocked-script',
    when: [NEWCOMER, ['payload:blocked-script']],
    severity: 'high',
    reason: 'a publisher new to the package shipped an install script (blocked by your package manager)',
    inRangeOnly: true,
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

/** What the combination step knows of the update besides its findings. */
export interface UpdateShape {
  /** A caret range on the old version adopts the new one (isInRangeUpdate). */
  readonly inRange: boolean;
  /** The package is new to the tree: nothing to compare its code with. */
  readonly added: boolean;
}

/** Applies COMBINATIONS to the findings of one change. Pure; order preserved. */
export function combine(findings: readonly Signal[], update: UpdateShape): CombinedDraft[] {
  const out: CombinedDraft[] = [...findings];
  const raise = (i: number, combo: Combination): void => {
    const f = out[i]!;
    const traits = combo.yields && !f.draft.traits.includes(combo.yields) ? [...f.draft.traits, combo.yields] : f.draft.traits;
    const higher = severityRank(combo.severity) > severityRank(f.severity);
    if (!higher && traits === f.draft.traits) return;
    out[i] = {
      ...f,
      draft: traits === f.draft.traits ? f.draft : { ...f.draft, traits },
      ...(higher
        ? {
            severity: maxSeverity(f.severity, combo.severity),
            escalation: { combination: combo.id, reason: combo.reason, from: f.escalation?.from ?? f.severity },
          }
        : {}),
    };
  };
  for (const combo of COMBINATIONS) {
    if (combo.inRangeOnly && !update.inRange) continue;
    if (combo.updatesOnly && update.added) continue;
    if (combo.scope === 'file') {
      out.forEach((f, i) => {
        if (chainMatches(combo, new Set(f.draft.traits))) raise(i, combo);
      });
      continue;
    }
    const present = new Set(out.flatMap((f) => f.draft.traits));
    if (!combo.when.every((group) => group.some((t) => present.has(t)))) continue;
    const involved = new Set(combo.when.flat());
    out.forEach((f, i) => {
      if (f.draft.traits.some((t) => involved.has(t))) raise(i, combo);
    });
  }
  return out;
}

/** Every group matched in one file's traits, counting capabilities it already had, and at least one by a new capability. */
function chainMatches(combo: Combination, traits: ReadonlySet<Trait>): boolean {
  const had = (t: Trait): boolean => t.startsWith('code:') && traits.has(`code:had:${t.slice('code:'.length)}` as Trait);
  return (
    combo.when.every((group) => group.some((t) => traits.has(t) || had(t))) &&
    combo.when.some((group) => group.some((t) => t !== 'code:install-time' && traits.has(t)))
  );
}
