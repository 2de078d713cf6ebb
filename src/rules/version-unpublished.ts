import { defineRule, isoDate, pass, unchecked, type Draft } from './rule.js';

export const versionUnpublished = defineRule({
  id: 'version-unpublished',
  title: 'The locked version was withdrawn from the registry, replaced by a security placeholder, or is deprecated',
  defaultSeverity: 'high',
  metadata: 'required',
  appliesTo: (change) => change.after !== null,
  check({ change, facts, after, before }) {
    if (!facts) return unchecked('no registry metadata');
    const version = change.after!.version;
    if (facts.unpublished) {
      return one({
        traits: [],
        evidence: { unpublished: 'package' },
        message: `the whole package ${facts.name} was unpublished from the registry; the lockfile still pins ${version}`,
      });
    }
    if (!after) {
      if (facts.latest?.endsWith('-security') || [...facts.versions.keys()].some((v) => v.endsWith('-security'))) {
        return one({
          severity: 'critical',
          traits: [],
          evidence: { placeholder: facts.latest ?? null },
          message: `npm replaced ${facts.name} with a security placeholder (${facts.latest}): the package was removed for malicious code`,
        });
      }
      const withdrawn = facts.publishTimes.get(version);
      if (withdrawn !== undefined) {
        return one({
          traits: [],
          evidence: { unpublished: 'version', publishedAt: isoDate(withdrawn) },
          message: `${version} was published ${isoDate(withdrawn)} and later withdrawn from the registry (often for malware)`,
        });
      }
      return one({
        severity: 'medium',
        traits: [],
        evidence: { unpublished: 'unknown' },
        message: `the registry does not list ${version} (withdrawn, or never published there)`,
      });
    }
    if (after.deprecated && !before?.deprecated) {
      return one({
        severity: 'low',
        traits: [],
        evidence: { deprecated: after.deprecated },
        message: `${version} is deprecated: "${after.deprecated}"`,
      });
    }
    return pass;
  },
});

function one(draft: Draft) {
  return { findings: [draft] };
}
