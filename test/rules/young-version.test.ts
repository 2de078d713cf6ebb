import { youngVersion } from '../../src/rules/young-version.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { NOW, person, stripped, upgrade } from '../helpers/rules.js';

const iso = (daysAgo: number) => new Date(NOW - daysAgo * 86_400_000).toISOString();
const v = (version: string, daysAgo: number) => ({ version, time: iso(daysAgo), publisher: person('a'), maintainers: [person('a')] });
const fresh = { name: 'p', versions: [v('1.0.0', 400), v('1.0.1', 1)] };

ruleTester.run(youngVersion, {
  valid: [
    {
      name: 'older than the cooldown',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: { name: 'p', versions: [v('1.0.0', 400), v('1.0.1', 10)] },
    },
    { name: 'a cooldown of 0 turns it off', change: upgrade('p', '1.0.0', '1.0.1'), registry: fresh, settings: { minReleaseAgeMs: 0 } },
    {
      name: 'not evaluated on untrustworthy times',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: stripped({ name: 'p', versions: [v('1.0.0', 400), v('1.0.1', 0)] }),
      skipped: [{ reason: /publish time/, missing: 'time' }],
    },
    {
      name: 'not evaluated when a trustworthy time lists no time for the version',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: { name: 'p', modified: iso(0), versions: [v('1.0.0', 400), { ...v('1.0.1', 0), time: undefined as unknown as string }] },
      skipped: [{ reason: /publish time/ }],
    },
  ],
  invalid: [
    {
      name: 'medium inside the cooldown',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: fresh,
      findings: [{ severity: 'medium', traits: ['release:young'], evidence: { minReleaseAge: '3d', ageHours: 24, policySource: 'test' } }],
    },
  ],
});
