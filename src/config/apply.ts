import semver from 'semver';
import { maxSeverity, severityRank, type Severity } from '../severity.js';
import { matchesPackage, type IgnoreEntry, type Policy } from './policy.js';

/** Rules whose findings are "a publisher or maintainer change" for the policy's critical packages. */
const OWNERSHIP_RULES = new Set(['publisher-changed', 'maintainers-changed', 'publisher-identity-changed']);

export function ruleEnabled(policy: Policy, ruleId: string): boolean {
  return policy.rules[ruleId] !== 'off';
}

/** The severity a rule's draft gets before signals combine: the policy's override, then the critical-package floor. */
export function policySeverity(policy: Policy, ruleId: string, packageName: string, severity: Severity): Severity {
  const override = policy.rules[ruleId];
  let s = override && override !== 'off' ? override : severity;
  if (OWNERSHIP_RULES.has(ruleId) && policy.critical.some((p) => matchesPackage(p, packageName))) s = maxSeverity(s, 'high');
  return s;
}

/** Trusted packages are still reported, but never block: capped at low. */
export function trustedCap(policy: Policy, packageName: string, severity: Severity): Severity {
  if (!policy.trusted.some((p) => matchesPackage(p, packageName))) return severity;
  return severityRank(severity) > severityRank('low') ? 'low' : severity;
}

export function isExpired(entry: IgnoreEntry, now: number): boolean {
  if (entry.expires === undefined) return false;
  // A bare date expires at the end of that day (UTC).
  const end = /^\d{4}-\d{2}-\d{2}$/.test(entry.expires) ? Date.parse(`${entry.expires}T23:59:59.999Z`) : Date.parse(entry.expires);
  return end < now;
}

/** The ignore entry that covers this finding, if any (expired entries never do). */
export function matchingIgnore(policy: Policy, finding: { ruleId: string; name: string; version: string }, now: number): IgnoreEntry | undefined {
  return policy.ignore.find(
    (e) =>
      !isExpired(e, now) &&
      (e.rule === '*' || e.rule === finding.ruleId) &&
      matchesPackage(e.package, finding.name) &&
      (e.version === '*' || (semver.valid(finding.version) !== null && semver.satisfies(finding.version, e.version, { includePrerelease: true }))),
  );
}
