import { advisoryEvidence, advisoryFindings, advisoryText, isMalware, severityOf } from './advisory.js';
import { defineRule } from './rule.js';

/** A vulnerability advisory covers the locked version: a finding at the advisory's own severity. */
export const knownVulnerable = defineRule({
  id: 'known-vulnerable',
  title: "The registry's advisories name a vulnerability in the locked version",
  defaultSeverity: 'medium',
  metadata: 'none',
  advisories: true,
  appliesTo: (change) => change.after !== null,
  check: ({ change, advisories }) =>
    advisoryFindings(
      change,
      advisories,
      (advisory) => !isMalware(advisory),
      (advisory, version) => ({
        severity: severityOf(advisory),
        traits: [],
        evidence: advisoryEvidence(advisory),
        message: `${version} has a known ${advisory.severity} vulnerability, by the registry's ${advisoryText(advisory)}`,
      }),
    ),
});
