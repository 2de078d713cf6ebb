import semver from 'semver';
import { maxSeverity, severityRank, type Severity } from '../severity.js';
import { ALWAYS_CRITICAL, matchesPackage, NEVER_IGNORED, type Policy } from './policy.js';
import { coveredRules, type IgnoreEntry } from '../model.js';

/** Rules whose findings are "a publisher or maintainer change" for the policy's critical packages. */
const OWNERSHIP_RULES = new Set(['publisher-changed', 'maintainers-changed', 'publisher-identity-changed']);

/** Known malware is always looked for (see ALWAYS_CRITICAL). */
export function ruleEnabled(policy: Policy, ruleId: string): boolean {
  return ruleId === ALWAYS_CRITICAL || policy.rules[ruleId] !== 'off';
}

/**
 * The severity a rule's draft gets before signals combine: the policy's override, then the
 * critical-package floor. Known malware is critical whatever the policy says.
 */
export function policySeverity(policy: Policy, ruleId: string, packageName: string, severity: Severity): Severity {
  if (ruleId === ALWAYS_CRITICAL) return 'critical';
  const override = policy.rules[ruleId];
  let s = override && override !== 'off' ? override : severity;
  if (OWNERSHIP_RULES.has(ruleId) && policy.critical.some((p) => matchesPackage(p, packageName))) s = maxSeverity(s, 'high');
  return s;
}

/**
 * Trusted packages are still reported, but never block: capped at low. Not lockfile tampering:
 * trust in a package's authors says nothing about who rewrote its lockfile entry.
 */
export function trustedCap(policy: Policy, ruleId: string, packageName: string, severity: Severity): Severity {
  if (ruleId === ALWAYS_CRITICAL) return 'critical';
  if (ruleId === NEVER_IGNORED || !policy.trusted.some((p) => matchesPackage(p, packageName))) return severity;
  return severityRank(severity) > severityRank('low') ? 'low' : severity;
}

export function isExpired(entry: IgnoreEntry, now: number): boolean {
  if (entry.expires === undefined) return false;
  // A bare date expires at the end of that day (UTC).
  const end = /^\d{4}-\d{2}-\d{2}$/.test(entry.expires) ? Date.parse(`${entry.expires}T23:59:59.999Z`) : Date.parse(entry.expires);
  return end < now;
}

/** What an ignore entry is matched against: the finding, and the integrity of every copy of its name@version in the head lockfile. */
export interface IgnoreTarget {
  readonly ruleId: string;
  readonly name: string;
  readonly version: string;
  readonly integrities: readonly (string | null)[];
}

/**
 * The ignore entry that covers this finding, if any. Expired entries never do, nor does any
 * entry cover source-changed or known-malicious; an entry bound to an integrity covers only a version whose every
 * copy carries exactly that integrity (an approved version whose tarball was swapped is not the
 * version that was approved).
 */
export function matchingIgnore(policy: Policy, finding: IgnoreTarget, now: number): IgnoreEntry | undefined {
  if (finding.ruleId === NEVER_IGNORED || finding.ruleId === ALWAYS_CRITICAL) return undefined;
  return policy.ignore.find(
    (e) =>
      !isExpired(e, now) &&
      coveredRules(e).some((r) => r === '*' || r === finding.ruleId) &&
      matchesPackage(e.package, finding.name) &&
      (e.version === '*' ||
        (semver.valid(finding.version) !== null && semver.satisfies(finding.version, e.version, { includePrerelease: true }))) &&
      (e.integrity === undefined || (finding.integrities.length > 0 && finding.integrities.every((i) => i === e.integrity))),
  );
}
