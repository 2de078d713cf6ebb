import semver from 'semver';
import type { Advisory, AdvisorySeverity, AdvisoryView, Change } from '../model.js';
import type { Severity } from '../severity.js';
import { pass, unchecked, type Draft, type RuleOutcome } from './rule.js';

/**
 * Malware, as opposed to a vulnerability. GitHub's malware advisories (the ones npm's endpoint
 * serves for packages npm took down; https://docs.github.com/code-security/security-advisories/
 * working-with-global-security-advisories-from-the-github-advisory-database/about-the-github-advisory-database,
 * "malware advisories") carry CWE-506 "Embedded Malicious Code" (github/advisory-database issues
 * 5478 and 6132 quote it from such advisories) and are titled "Malware in <name>"; the older
 * ones npm wrote itself are titled "Malicious Package in <name>" (flatmap-stream's,
 * GHSA-9x64-5r7x-2q53). Either mark is enough: a vulnerability advisory carries neither.
 */
export function isMalware(advisory: Advisory): boolean {
  return advisory.cwe.some((c) => c.toUpperCase() === 'CWE-506') || /^(malware|malicious (package|code)) in\b/i.test(advisory.title);
}

/** As npm's own check (@npmcli/metavuln-calculator's Advisory#testVersion): loose, pre-releases included. */
const RANGE = { loose: true, includePrerelease: true } as const;

/** The advisory covers this version: never assumed from its being returned for the name. */
function covers(advisory: Advisory, version: string): boolean {
  try {
    return semver.satisfies(version, advisory.vulnerableVersions, RANGE);
  } catch {
    return false;
  }
}

const SEVERITY: Readonly<Record<AdvisorySeverity, Severity>> = {
  info: 'info',
  low: 'low',
  moderate: 'medium',
  high: 'high',
  critical: 'critical',
};

/** npm's severity word as depguard's severity (moderate -> medium). */
export function severityOf(advisory: Advisory): Severity {
  return SEVERITY[advisory.severity];
}

/** What a finding keeps of the advisory: the registry's own words, as data. */
export function advisoryEvidence(advisory: Advisory): Record<string, unknown> {
  return {
    advisory: {
      id: advisory.id,
      title: advisory.title,
      url: advisory.url,
      severity: advisory.severity,
      vulnerableVersions: advisory.vulnerableVersions,
      cwe: advisory.cwe,
    },
  };
}

/** The advisories of the kind `wanted` that cover the change's new version, each as a draft. */
export function advisoryFindings(
  change: Change,
  view: AdvisoryView | undefined,
  wanted: (advisory: Advisory) => boolean,
  draft: (advisory: Advisory, version: string) => Draft,
): RuleOutcome {
  if (!view) return pass;
  if ('unavailable' in view) return unchecked(view.unavailable);
  const version = change.after!.version;
  const hits = view.advisories.filter((a) => wanted(a) && covers(a, version));
  return hits.length === 0 ? pass : { findings: hits.map((a) => draft(a, version)) };
}

/** `advisory 1096465 "Malware in flatmap-stream" (https://github.com/advisories/GHSA-...)` */
export function advisoryText(advisory: Advisory): string {
  return `advisory ${advisory.id} "${advisory.title}"${advisory.url ? ` (${advisory.url})` : ''}`;
}
