import { accountKey } from './history.js';
import { DAY, days, defineRule, isoDate, omitted, unchecked, type Trait } from './rule.js';
import type { Severity } from '../severity.js';

const YOUNG = 30 * DAY;
const SPARSE_VERSIONS = 2;
const SPARSE_AGE = 365 * DAY;

export const newPackage = defineRule({
  id: 'new-package',
  title: 'A package that was nowhere in the previous tree',
  defaultSeverity: 'info',
  metadata: 'required',
  appliesTo: (change) => change.newName && change.after !== null,
  check({ change, facts, now }) {
    if (!facts) return unchecked('no registry metadata');
    const versionCount = facts.versions.size;
    const publishers = new Set([...facts.versions.values()].flatMap((v) => (v.publisher ? [accountKey(v.publisher.name)] : [])));
    const age = facts.createdAt === undefined ? undefined : now - facts.createdAt;
    const traits: Trait[] = [];
    let severity: Severity = 'info';
    if (age !== undefined && age < YOUNG) {
      traits.push('package:young');
      severity = 'medium';
    } else if (versionCount <= SPARSE_VERSIONS && (age === undefined || age < SPARSE_AGE)) {
      traits.push('package:sparse-history');
      severity = 'low';
    }
    const how = change.direct
      ? 'a new direct dependency'
      : `new in the tree, brought in by ${change.paths[0]?.at(-2)?.name ?? 'another package'}`;
    const history = [
      age === undefined ? 'first publish date unknown' : `first published ${isoDate(facts.createdAt)} (${days(age)} days ago)`,
      `${versionCount} version${versionCount === 1 ? '' : 's'}`,
      publishers.size ? `${publishers.size} publisher${publishers.size === 1 ? '' : 's'}` : '',
    ].filter(Boolean);
    return {
      findings: [
        {
          severity,
          traits,
          evidence: {
            createdAt: isoDate(facts.createdAt) ?? null,
            ageDays: age === undefined ? null : days(age),
            versionCount,
            publisherCount: publishers.size || null,
            direct: change.direct,
          },
          message: `${how}: ${history.join(', ')}`,
        },
      ],
      ...(age === undefined
        ? {
            unchecked: 'the registry sent no trustworthy publish times (time.created), so the package age is unknown',
            ...(omitted(facts, 'time') ? { missing: 'time' as const } : {}),
          }
        : {}),
    };
  },
});
