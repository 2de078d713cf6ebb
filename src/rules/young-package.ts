import { defineRule, isoDate, omitted, pass, unchecked } from './rule.js';
import { formatDuration } from '../duration.js';

export const youngPackage = defineRule({
  id: 'young-package',
  title: 'A package first published more recently than the cooldown (minimum release age)',
  defaultSeverity: 'medium',
  metadata: 'required',
  appliesTo: (change) => change.after !== null,
  check({ facts, now, settings }) {
    if (settings.minReleaseAgeMs <= 0) return pass;
    if (!facts) return unchecked('no registry metadata');
    if (facts.createdAt === undefined)
      return unchecked('the registry sent no trustworthy creation time (time.created)', omitted(facts, 'time'));
    const age = now - facts.createdAt;
    if (age >= settings.minReleaseAgeMs) return pass;
    return {
      findings: [
        {
          traits: ['package:young'],
          evidence: {
            createdAt: new Date(facts.createdAt).toISOString(),
            minReleaseAge: formatDuration(settings.minReleaseAgeMs),
            policySource: settings.minReleaseAgeSource,
          },
          message: `${facts.name} itself was first published ${isoDate(facts.createdAt)}, ${formatDuration(Math.max(0, age))} ago: younger than the ${formatDuration(settings.minReleaseAgeMs)} cooldown (${settings.minReleaseAgeSource})`,
        },
      ],
    };
  },
});
