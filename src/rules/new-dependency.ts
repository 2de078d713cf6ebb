import semver from 'semver';
import { isInRangeUpdate, isVersionChange } from '../model.js';
import { accountKey, scopeOf } from './history.js';
import { DAY, days, defineRule, isoDate, pass, type PackageSummary, type Trait } from './rule.js';

/** A dependency first published less than this before the release that adds it did not exist last week. */
const FRESH = 7 * DAY;
/**
 * A dependency first published at least this long before the release, by others than the
 * release's publisher, is established: no code the publisher controls arrives with it. A year is
 * longer than any attack was prepared (flatmap-stream: days; plain-crypto-js: a day).
 */
const ESTABLISHED = 365 * DAY;

export const newDependency = defineRule({
  id: 'new-dependency',
  title: 'An updated package declares a dependency its previous version did not',
  defaultSeverity: 'low',
  metadata: 'optional',
  appliesTo: isVersionChange,
  check({ change, before, after, dependencySummaries, now }) {
    // The registry's manifests are the authority; the lockfile's copy of them is the fallback.
    const oldDeps = before?.dependencies ?? change.before!.dependencies;
    const newDeps = after?.dependencies ?? change.after!.dependencies;
    const added = Object.keys(newDeps)
      .filter((name) => !Object.hasOwn(oldDeps, name))
      .sort();
    if (added.length === 0) return pass;
    const from = change.before!.version;
    const to = change.after!.version;
    const major = semver.valid(from) && semver.valid(to) && semver.major(to) !== semver.major(from) && semver.major(to) > 0;
    // a dependency that did not exist a week before the release, and is no sibling of the package
    // (its scope, its name's first word): node-ipc -> peacenotwar, axios -> plain-crypto-js
    const releasedAt = after?.publishedAt ?? now;
    const fresh = added.flatMap((name) => {
      const summary = dependencySummaries?.get(name);
      if (summary?.createdAt === undefined || releasedAt - summary.createdAt >= FRESH || sibling(change.name, name)) return [];
      return [{ name, summary: summary as PackageSummary & { createdAt: number } }];
    });
    // what the tree already had, or a long-standing package the release's publisher never
    // published, brings no code of theirs: the event-stream pattern needs a payload
    const publisher = after?.publisher?.name;
    const established = added.filter((name) => {
      const summary = dependencySummaries?.get(name);
      if (!summary) return false;
      if (summary.inBaseTree) return true;
      return (
        publisher !== undefined &&
        summary.publishers !== undefined &&
        summary.createdAt !== undefined &&
        releasedAt - summary.createdAt >= ESTABLISHED &&
        !summary.publishers.includes(accountKey(publisher))
      );
    });
    const inRange = isInRangeUpdate(change);
    const traits: Trait[] = [
      ...(established.length < added.length ? (['payload:new-dependency'] as const) : []),
      ...(fresh.length > 0 ? (['dependency:fresh'] as const) : []),
    ];
    const freshText = fresh
      .map(({ name, summary }) => {
        const by = summary.firstPublisher ? ` by ${summary.firstPublisher}` : '';
        const gap = releasedAt - summary.createdAt;
        const when = gap < 0 ? `after ${to}` : `${ageText(gap)} ${after?.publishedAt !== undefined ? `before ${to}` : 'ago'}`;
        return `${name} was first published ${isoDate(summary.createdAt)}${by}, ${when}`;
      })
      .join('; ');
    return {
      findings: [
        {
          // a major release is chosen by a person editing package.json; a fresh dependency in an update nobody chose is the attack
          ...(fresh.length > 0 && inRange ? { severity: 'high' as const } : major ? { severity: 'info' as const } : {}),
          traits,
          evidence: {
            added: added.map((name) => ({ name, spec: newDeps[name] })),
            source: after ? 'registry' : 'lockfile',
            majorRelease: Boolean(major),
            established,
            freshDependencies: fresh.map(({ name, summary }) => ({
              name,
              firstPublished: isoDate(summary.createdAt),
              firstPublisher: summary.firstPublisher ?? null,
              daysBeforeRelease: days(Math.max(0, releasedAt - summary.createdAt)),
            })),
          },
          message: `${to} depends on ${added.map((n) => `${n}@${newDeps[n]}`).join(', ')}, which ${from} did not${major ? ' (in a major release)' : ''}${freshText ? `; ${freshText}` : ''}${established.length > 0 ? `; ${established.length === added.length ? 'all' : established.join(', ')} already in your tree or published for over a year by others` : ''}`,
        },
      ],
    };
  },
});

/** Packages of one family: the same scope, or the same first word (jest -> jest-circus, @babel/core -> @babel/helper-x). */
function sibling(a: string, b: string): boolean {
  if (scopeOf(a) !== null || scopeOf(b) !== null) return scopeOf(a) === scopeOf(b);
  const word = (n: string): string => n.split(/[-_.]/)[0]!;
  return word(a) === word(b);
}

function ageText(ms: number): string {
  const d = days(ms);
  return d === 0 ? `${Math.max(1, Math.round(ms / 3_600_000))} hours` : `${d} day${d === 1 ? '' : 's'}`;
}
