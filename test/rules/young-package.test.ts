import { youngPackage } from '../../src/rules/young-package.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, NOW, person, stripped, upgrade } from '../helpers/rules.js';

const iso = (daysAgo: number) => new Date(NOW - daysAgo * 86_400_000).toISOString();
const v = (version: string, daysAgo: number) => ({ version, time: iso(daysAgo), publisher: person('a'), maintainers: [person('a')] });

ruleTester.run(youngPackage, {
  valid: [
    { name: 'a package older than the cooldown', change: added('p', '0.1.0'), registry: { name: 'p', versions: [v('0.1.0', 20)] } },
    {
      name: 'not evaluated on untrustworthy times',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: stripped({ name: 'p', versions: [v('1.0.0', 400), v('1.0.1', 0)] }),
      skipped: [{ reason: /creation time/, missing: 'time' }],
    },
  ],
  invalid: [
    {
      name: 'the package itself is newer than the cooldown',
      change: added('p', '0.1.0'),
      registry: { name: 'p', versions: [v('0.1.0', 2)] },
      findings: [{ severity: 'medium', traits: ['package:young'], evidence: { minReleaseAge: '3d' } }],
    },
  ],
});
