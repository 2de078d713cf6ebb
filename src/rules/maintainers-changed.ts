import { isVersionChange, type Person } from '../model.js';
import { accountKey, sameAccount } from './history.js';
import { defineRule, omitted, pass, unchecked, type Trait, versionsMissing } from './rule.js';

export const maintainersChanged = defineRule({
  id: 'maintainers-changed',
  title: 'Maintainers added or removed between the two versions',
  defaultSeverity: 'low',
  metadata: 'required',
  appliesTo: isVersionChange,
  check({ facts, before, after }) {
    if (!before || !after) return versionsMissing;
    if (!before.maintainers || !after.maintainers)
      return unchecked('the registry sent no per-version maintainers for these versions', omitted(facts, 'maintainers'));
    const old = names(before.maintainers);
    const now = names(after.maintainers);
    // a new publisher added as a maintainer is one move, which publisher-changed reports
    const publisher =
      after.publisher && !(before.publisher && sameAccount(before.publisher.name, after.publisher.name))
        ? accountKey(after.publisher.name)
        : null;
    const added = [...now].filter((n) => !old.has(n) && n !== publisher).sort();
    const removed = [...old].filter((n) => !now.has(n)).sort();
    if (added.length === 0 && removed.length === 0) return pass;
    const replaced = old.size > 0 && removed.length === old.size;
    const traits: Trait[] = [];
    if (added.length) traits.push('maintainers:added');
    if (replaced) traits.push('maintainers:replaced');
    const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
    return {
      findings: [
        {
          // every previous maintainer gone is graver than one added; only removals, milder
          ...(replaced ? { severity: 'medium' as const } : added.length ? {} : { severity: 'info' as const }),
          traits,
          evidence: { added, removed, previousMaintainers: [...old].sort(), maintainers: [...now].sort(), newPublisher: publisher },
          message: `maintainers changed between ${before.version} and ${after.version}: ${parts.join('; ')}${replaced ? ` (none of the previous maintainers remain; now ${[...now].sort().join(', ')})` : ''}`,
        },
      ],
    };
  },
});

function names(people: readonly Person[]): Set<string> {
  return new Set(people.map((p) => accountKey(p.name)));
}
