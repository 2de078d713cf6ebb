import { isVersionChange, type PackageFacts, type VersionFacts } from '../model.js';
import semver from 'semver';
import { defineRule, pass, unchecked, type Trait, versionsMissing } from './rule.js';

/** How many of the latest earlier releases of the same line are compared. */
const LINE_WINDOW = 3;

export const provenanceDropped = defineRule({
  id: 'provenance-dropped',
  title: 'The versions you had carried provenance or a trusted publisher, and the new one does not',
  defaultSeverity: 'medium',
  metadata: 'required',
  appliesTo: isVersionChange,
  check({ facts, before, after }) {
    if (!facts || !before || !after) return versionsMissing;
    if (facts.missing.publishers)
      return unchecked('the registry sent no _npmUser, so provenance and trusted publishing cannot be told from their absence', '_npmUser');
    const line = recentLine(facts, before, after);
    const hadProvenance = [before, ...line].some((v) => v.hasProvenance);
    const hadTrusted = [before, ...line].some((v) => v.publisher?.trustedPublisher);
    const traits: Trait[] = [];
    const lost: string[] = [];
    if (hadProvenance && !after.hasProvenance) {
      traits.push('trust:provenance-lost');
      lost.push('provenance attestations');
    }
    if (hadTrusted && !after.publisher?.trustedPublisher) {
      traits.push('trust:trusted-publisher-lost');
      lost.push('trusted publishing');
    }
    if (lost.length === 0) return pass;
    const compared = [before, ...line].map((v) => v.version);
    const had = [before, ...line].filter((v) => v.hasProvenance || v.publisher?.trustedPublisher).map((v) => v.version);
    return {
      findings: [
        {
          traits,
          evidence: { lost, comparedWith: compared, publisher: after.publisher?.name ?? null },
          message: `${after.version} was published without ${lost.join(' and ')}, which ${had.join(', ')} had${after.publisher ? ` (published by ${after.publisher.name})` : ''}`,
        },
      ],
    };
  },
});

/**
 * The latest releases of the same major line published before the new version: a package that
 * adopted provenance in v7 is not expected to have it on a v6 patch.
 */
function recentLine(facts: PackageFacts, before: VersionFacts, after: VersionFacts): VersionFacts[] {
  const major = semver.valid(after.version) ? semver.major(after.version) : null;
  return [...facts.versions.values()]
    .filter((v) => v.version !== after.version && v.version !== before.version && semver.valid(v.version) && !semver.prerelease(v.version))
    .filter((v) => major === null || semver.major(v.version) === major)
    .filter((v) =>
      after.publishedAt !== undefined && v.publishedAt !== undefined
        ? v.publishedAt < after.publishedAt
        : semver.lt(v.version, after.version),
    )
    .sort((a, b) => semver.compare(a.version, b.version))
    .slice(-LINE_WINDOW)
    .filter((v) => semver.gte(v.version, before.version));
}
