import { advisoryEvidence, advisoryFindings, advisoryText, isMalware } from './advisory.js';
import { defineRule } from './rule.js';

/**
 * A malware advisory covers the locked version. Always critical: no policy severity, `trusted`
 * entry, ignore entry or approval lowers or covers it (src/config/apply.ts, ALWAYS_CRITICAL).
 */
export const knownMalicious = defineRule({
  id: 'known-malicious',
  title: "The registry's advisories name the locked version as malware",
  defaultSeverity: 'critical',
  metadata: 'none',
  advisories: true,
  appliesTo: (change) => change.after !== null,
  check: ({ change, advisories }) =>
    advisoryFindings(change, advisories, isMalware, (advisory, version) => ({
      severity: 'critical',
      traits: [],
      evidence: advisoryEvidence(advisory),
      message: `${version} is malware, by the registry's ${advisoryText(advisory)}: remove it, and treat every machine that installed it as compromised`,
    })),
});
