import { isVersionChange, type PackageFacts, type VersionFacts } from '../model.js';
import { publishedBefore, releaseOrder, sameAccount, scopeOf } from './history.js';
import {
  DAY,
  days,
  defineRule,
  isoDate,
  omitted,
  pass,
  unchecked,
  type Draft,
  type RuleOutcome,
  type ScopeHistoryView,
  type ScopeRelease,
  versionsMissing,
} from './rule.js';

/** An account whose first release of this package is younger than this is "recent". */
const RECENT = 42 * DAY;
/** A package released by others for at least this long before an account's first release has standing worth taking over. */
const STANDING = 365 * DAY;
/** Without publish times, an account with at least this many earlier releases is established. */
const ESTABLISHED_RELEASES = 3;

export const publisherChanged = defineRule({
  id: 'publisher-changed',
  title: 'New version published by a different account',
  defaultSeverity: 'medium',
  metadata: 'required',
  appliesTo: isVersionChange,
  check: ({ facts, before, after, scopeHistory }) =>
    facts && before && after ? comparePublishers(facts, before, after, scopeHistory) : versionsMissing,
});

/**
 * Who published `after`, judged against who published `before`: a newcomer (medium), a recent
 * one (medium), a maintainer's or a scope member's first release (low), an established publisher
 * or trusted publishing (info). publisher-history asks the same of an older release. The same
 * account on both is judged by how long it has published the package: the version you had may
 * itself be a newcomer's (event-stream 3.3.5, then 3.3.6).
 */
export function comparePublishers(facts: PackageFacts, before: VersionFacts, after: VersionFacts, scopes?: ScopeHistoryView): RuleOutcome {
  if (!before.publisher || !after.publisher)
    return unchecked('the registry sent no publisher (_npmUser) for these versions', omitted(facts, '_npmUser'));
  if (sameAccount(before.publisher.name, after.publisher.name)) return sameNewcomer(facts, before, after, scopes);
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
  const member = scopeMember(facts, after, scopes);
  let draft: Draft;
  if (member && !longListed && (history.length === 0 || (tenure ?? 0) < RECENT)) {
    draft = {
      severity: 'low',
      traits: ['publisher:scope-member'],
      evidence: { ...evidence, scopeReleaseByPublisher: `${member.name}@${member.version}`, scopeReleaseDate: isoDate(member.publishedAt) },
      message: `published by ${after.publisher.name}, who has published in ${scopeOf(facts.name)} since ${member.name}@${member.version} (${isoDate(member.publishedAt)}) and publishes ${facts.name} ${history.length === 0 ? 'for the first time' : 'only recently'} (you had ${before.version}, published by ${before.publisher.name})`,
    };
  } else if (history.length === 0 && (wasMaintainer || longListed)) {
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

/**
 * `after` by the account that published the version you had: news only when that account took
 * the package over recently (its first release of it younger than RECENT, after releases by
 * others), is not a long-listed maintainer and has no older standing in the package's scope.
 */
function sameNewcomer(facts: PackageFacts, before: VersionFacts, after: VersionFacts, scopes?: ScopeHistoryView): RuleOutcome {
  const account = after.publisher!.name;
  if (after.publisher!.trustedPublisher) return pass; // bound to the package's repository, not to a person
  const first = priorReleasesBy(facts, after)[0];
  if (first?.publishedAt === undefined || after.publishedAt === undefined) return pass;
  const tenure = after.publishedAt - first.publishedAt;
  if (tenure >= RECENT) return pass;
  const predecessor = [...facts.versions.values()]
    .filter((v) => v.publisher && !sameAccount(v.publisher.name, account) && publishedBefore(v, first))
    .sort((a, b) => releaseOrder(b, a))[0];
  // a takeover is of a package with standing, released by others for a year or more before the
  // account came (event-stream: seven years); a project in its first months gaining a second
  // developer is a team growing
  const founded = [...facts.versions.values()].sort(releaseOrder)[0];
  if (!predecessor?.publisher || founded?.publishedAt === undefined || first.publishedAt - founded.publishedAt < STANDING) return pass;
  const listed = listedSince(facts, after);
  if (listed?.publishedAt !== undefined && after.publishedAt - listed.publishedAt >= RECENT) return pass;
  if (scopeMember(facts, after, scopes)) return pass;
  return {
    findings: [
      {
        // you already took the newcomer's release you had: alone this is context (info); with a new
        // dependency, an install script or a moved repository it is the event-stream 3.3.6 shape
        severity: 'info',
        traits: ['publisher:recent'],
        evidence: {
          publisher: account,
          previousPublisher: predecessor.publisher.name,
          firstReleaseByPublisher: first.version,
          firstReleaseDate: isoDate(first.publishedAt) ?? null,
          publisherTenureDays: days(tenure),
          lockedVersionByPublisher: before.version,
        },
        message: `published by ${account}, who also published the version you had (${before.version}) but first published ${facts.name} only ${days(tenure)} days before ${after.version} (${first.version}, ${isoDate(first.publishedAt)}), after ${predecessor.version} by ${predecessor.publisher.name}`,
      },
    ],
  };
}

/** The account's release of another package of the same scope, at least RECENT before `after`. */
function scopeMember(facts: PackageFacts, after: VersionFacts, scopes?: ScopeHistoryView): ScopeRelease | undefined {
  if (!scopes || after.publishedAt === undefined) return undefined;
  const release = scopes.earliestElsewhere(facts.name, after.publisher!.name);
  return release && after.publishedAt - release.publishedAt >= RECENT ? release : undefined;
}
