import { defineRule, isoDate, omitted, pass, unchecked } from './rule.js';
import { formatDuration } from '../duration.js';

export const youngVersion = defineRule({
  id: 'young-version',
  title: 'A version released more recently than the cooldown (minimum release age)',
  // breaks the team's stated policy, so never below medium; age alone is never proof
  defaultSeverity: 'medium',
  metadata: 'required',
  appliesTo: (change) => change.after !== null,
  check({ facts, after, change, now, settings }) {
    if (settings.minReleaseAgeMs <= 0) return pass;
    if (!facts) return unchecked('no registry metadata');
    const published = after?.publishedAt ?? facts.publishTimes.get(change.after!.version);
    if (published === undefined) return unchecked('the registry sent no trustworthy publish time for this version', omitted(facts, 'time'));
    const age = now - published;
    if (age >= settings.minReleaseAgeMs) return pass;
    return {
      findings: [
        {
          traits: ['release:young'],
          evidence: {
            publishedAt: new Date(published).toISOString(),
            ageHours: Math.max(0, Math.floor(age / 3_600_000)),
            minReleaseAge: formatDuration(settings.minReleaseAgeMs),
            policySource: settings.minReleaseAgeSource,
          },
          message: `${change.after!.version} was published ${isoDate(published)}, ${formatDuration(Math.max(0, age))} ago: younger than the ${formatDuration(settings.minReleaseAgeMs)} cooldown (${settings.minReleaseAgeSource})`,
        },
      ],
    };
  },
});
