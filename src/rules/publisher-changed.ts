import { isVersionChange, type PackageFacts, type VersionFacts } from '../model.js';
import { publishedBefore, releaseOrder, sameAccount } from './history.js';
import { DAY, days, defineRule, isoDate, pass, unchecked, type Draft, type RuleOutcome, versionsMissing } from './rule.js';

/** An account whose first release of this package is younger than this is "recent". */
const RECENT = 42 * DAY;
/** Without publish times, an account with at least this many earlier releases is established. */
const ESTABLISHED_RELEASES = 3;

export const publisherChanged = defineRule({
  id: 'publisher-changed',
  title: 'New version published by a different account',
  defaultSeverity: 'medium',
  metadata: 'required',
  appliesTo: isVersionChange,
  check: ({ facts, before, after }) => (facts && before && after ? comparePublishers(facts, before, after) : versionsMissing),
});

/**
 * Who published `after`, judged against who published `before`: a newcomer (medium), a recent
 * one (medium), a maintainer's first release (low), an established publisher or trusted
 * publishing (info). publisher-history asks the same of an older release.
 */
export function comparePublishers(facts: PackageFacts, before: VersionFacts, after: VersionFacts): RuleOutcome {
  if (!before.publisher || !after.publisher) return unchecked('the registry sent no publisher (_npmUser) for these versions');
  if (sameAccount(before.publisher.name, after.publisher.name)) return pass;
  if (after.publisher.trustedPublisher) {
    // OIDC trusted publishing: the release was built by the package's own CI, bound to its
    // repository; the account name ("GitHub Actions") says nothing about a person.
    return {
      findings: [
        {
          severity: 'info',
          traits: ['publisher:trusted'],
          evidence: {
            publisher: after.publisher.name,
            trustedPublisher: after.publisher.trustedPublisher,
            previousPublisher: before.publisher.name,
          },
          message: `published through trusted publishing (${after.publisher.trustedPublisher}) instead of by ${before.publisher.name}`,
        },
      ],
    };
  }
  const history = priorReleasesBy(facts, after);
  const first = history[0];
  const tenure = first?.publishedAt !== undefined && after.publishedAt !== undefined ? after.publishedAt - first.publishedAt : undefined;
  const wasMaintainer = (before.maintainers ?? []).some((m) => sameAccount(m.name, after.publisher!.name));
  // a co-maintainer of long standing who starts publishing (a team's release train, a quiet
  // co-owner) is no newcomer: listed in `maintainers` of a release at least RECENT older
  const listed = listedSince(facts, after);
  const longListed =
    listed?.publishedAt !== undefined && after.publishedAt !== undefined && after.publishedAt - listed.publishedAt >= RECENT;
  const evidence = {
    publisher: after.publisher.name,
    previousPublisher: before.publisher.name,
    earlierReleasesByPublisher: history.length,
    firstReleaseByPublisher: first ? first.version : null,
    firstReleaseDate: isoDate(first?.publishedAt) ?? null,
    publisherTenureDays: tenure === undefined ? null : days(tenure),
    wasMaintainerOfPreviousVersion: wasMaintainer,
    maintainerSince: longListed ? (isoDate(listed!.publishedAt) ?? null) : null,
  };
  let draft: Draft;
  if (history.length === 0 && (wasMaintainer || longListed)) {
    draft = {
      severity: 'low',
      traits: ['publisher:first-release'],
      evidence,
      message: `published by ${after.publisher.name}, ${longListed ? `a maintainer of ${facts.name} since ${listed!.version} (${isoDate(listed!.publishedAt)})` : `a maintainer of ${before.version}`} publishing it for the first time (you had ${before.version}, published by ${before.publisher.name})`,
    };
  } else if (history.length === 0) {
    draft = {
      traits: ['publisher:new'],
      evidence,
      message: `published by ${after.publisher.name}, who had never published ${facts.name} before and was not a maintainer of ${before.version} (published by ${before.publisher.name})`,
    };
  } else if (!longListed && (tenure !== undefined ? tenure < RECENT : history.length < ESTABLISHED_RELEASES)) {
    draft = {
      traits: ['publisher:recent'],
      evidence,
      message: `published by ${after.publisher.name}, who first published ${facts.name} ${tenure !== undefined ? `only ${days(tenure)} days earlier` : `only ${history.length} release(s) earlier`} (you had ${before.version}, published by ${before.publisher.name})`,
    };
  } else {
    draft = {
      severity: 'info',
      traits: ['publisher:established'],
      evidence,
      message: `published by ${after.publisher.name}, a long-standing publisher of ${facts.name} (${history.length} earlier release${history.length === 1 ? '' : 's'}), not by ${before.publisher.name} who published ${before.version}`,
    };
  }
  return { findings: [draft] };
}

/** The earliest release before `after` (by time) that lists the new version's publisher among its maintainers. */
function listedSince(facts: PackageFacts, after: VersionFacts): VersionFacts | undefined {
  const name = after.publisher!.name;
  return [...facts.versions.values()]
    .filter(
      (v) =>
        v.version !== after.version &&
        v.publishedAt !== undefined &&
        publishedBefore(v, after) &&
        (v.maintainers ?? []).some((m) => sameAccount(m.name, name)),
    )
    .sort(releaseOrder)[0];
}

/** Releases of this package by the new version's publisher, published before it (oldest first). */
function priorReleasesBy(facts: PackageFacts, after: VersionFacts): VersionFacts[] {
  const name = after.publisher!.name;
  return [...facts.versions.values()]
    .filter((v) => v.version !== after.version && v.publisher && sameAccount(v.publisher.name, name) && publishedBefore(v, after))
    .sort(releaseOrder);
}
