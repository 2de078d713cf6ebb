import { comparePublishers } from './publisher-changed.js';
import { publishedBefore, sameAccount } from './history.js';
import { DAY, defineRule, isoDate, omitted, pass, unchecked } from './rule.js';

/** How far back a change of hands still matters for a version you are about to install. */
const WINDOW = 90 * DAY;

/**
 * For a package with no previous version in your tree (a new dependency, or every package in
 * `depguard audit`): was the locked version, published recently, the work of an account new to
 * the package? The comparison is with the last release by another account, so a newcomer's
 * second release does not hide behind their first.
 */
export const publisherHistory = defineRule({
  id: 'publisher-history',
  title: 'The locked version was published recently by an account new to the package',
  defaultSeverity: 'medium',
  metadata: 'required',
  appliesTo: (change) => change.before === null && change.after !== null,
  check({ facts, after, now, scopeHistory }) {
    if (!facts || !after) return unchecked('the registry does not list the locked version');
    if (after.publishedAt === undefined) return unchecked('the registry sent no trustworthy publish times', omitted(facts, 'time'));
    if (now - after.publishedAt > WINDOW) return pass;
    const byOthers = [...facts.versions.values()].filter(
      (v) =>
        v.publishedAt !== undefined &&
        publishedBefore(v, after) &&
        v.publisher &&
        !(after.publisher && sameAccount(v.publisher.name, after.publisher.name)),
    );
    const previous = byOthers.sort((a, b) => b.publishedAt! - a.publishedAt!)[0];
    if (!previous) return pass;
    const outcome = comparePublishers(facts, previous, after, scopeHistory);
    // only a newcomer matters here: the findings keep publisher-changed's wording, severity (medium) and traits
    const findings = outcome.findings
      .filter((f) => f.traits.includes('publisher:new') || f.traits.includes('publisher:recent'))
      .map((f) => ({
        ...f,
        message: `${after.version} (published ${isoDate(after.publishedAt)}; the last release by someone else was ${previous.version}): ${f.message}`,
      }));
    return {
      findings,
      ...(outcome.unchecked ? { unchecked: outcome.unchecked } : {}),
      ...(outcome.missing ? { missing: outcome.missing } : {}),
    };
  },
});
