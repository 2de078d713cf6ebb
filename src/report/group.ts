import type { Finding, Skipped } from '../model.js';
import { severityRank, type Severity } from '../severity.js';

/** Findings by package name@version, the most severe package first (stable otherwise). */
export function groupByPackage(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.package.name}@${f.package.version}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const top = (g: Finding[]): number => severityRank(topSeverity(g));
  return [...groups.values()].sort((a, b) => top(b) - top(a));
}

export function topSeverity(findings: readonly Finding[]): Severity {
  return findings.map((f) => f.severity).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
}

/** Checks not made, by "rule: reason", with the names of the packages each one concerns. */
export function groupSkipped(skipped: readonly Skipped[]): Map<string, Set<string>> {
  const byReason = new Map<string, Set<string>>();
  for (const s of skipped) {
    const key = `${s.ruleId}: ${s.reason}`;
    const set = byReason.get(key) ?? new Set<string>();
    set.add(s.package.name);
    byReason.set(key, set);
  }
  return byReason;
}
