import { versionJump } from '../../src/rules/version-jump.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { person, stripped, upgrade } from '../helpers/rules.js';

const at = (version: string, time: string) => ({ version, time, publisher: person('alice'), maintainers: [person('alice')] });
const ordinary = { name: 'pkg', versions: [at('1.0.0', '2020-01-01T00:00:00Z'), at('1.1.0', '2020-03-01T00:00:00Z')] };

ruleTester.run(versionJump, {
  valid: [
    { name: 'an ordinary release', change: upgrade('pkg', '1.0.0', '1.1.0'), registry: ordinary },
    {
      name: 'without trustworthy times, says what it could not check',
      change: upgrade('pkg', '1.0.0', '1.1.0'),
      registry: stripped(ordinary),
      skipped: [{ reason: /publish times/, missing: 'time' }],
    },
    {
      name: 'a common pre-release tag on a pre-release',
      change: upgrade('pkg', '2.0.0-beta.1', '2.0.0-beta.2'),
      registry: {
        name: 'pkg',
        latest: '2.0.0-beta.2',
        versions: [at('2.0.0-beta.1', '2020-01-01T00:00:00Z'), at('2.0.0-beta.2', '2020-02-01T00:00:00Z')],
      },
    },
  ],
  invalid: [
    {
      name: 'a release after a long dormancy',
      change: upgrade('pkg', '3.3.4', '3.3.6'),
      registry: {
        name: 'pkg',
        versions: [at('3.3.4', '2016-07-17T00:00:00Z'), at('3.3.5', '2018-09-04T00:00:00Z'), at('3.3.6', '2018-09-09T00:00:00Z')],
      },
      findings: [{ severity: 'low', traits: ['release:dormant'], evidence: { dormantFrom: '2016-07-17', dormantUntil: '2018-09-04' } }],
    },
    {
      name: 'a skip far ahead and an odd pre-release tag: medium, one finding',
      change: upgrade('pkg', '1.2.0', '99.0.0-pwned'),
      registry: { name: 'pkg', versions: [at('1.2.0', '2020-01-01T00:00:00Z'), at('99.0.0-pwned', '2020-02-01T00:00:00Z')] },
      findings: [
        {
          severity: 'medium',
          traits: ['release:odd-prerelease', 'release:skip-ahead'],
          evidence: { signals: ['odd-prerelease', 'skip-ahead'], prerelease: 'pwned' },
        },
      ],
    },
    {
      name: 'a common pre-release tag replacing a stable version: low',
      change: upgrade('pkg', '1.2.0', '1.3.0-rc.1'),
      registry: { name: 'pkg', versions: [at('1.2.0', '2020-01-01T00:00:00Z'), at('1.3.0-rc.1', '2020-02-01T00:00:00Z')] },
      findings: [{ severity: 'low', traits: ['release:odd-prerelease'], message: '1.3.0-rc.1: a pre-release replaces the stable 1.2.0' }],
    },
    {
      name: 'a downgrade, even without registry metadata',
      change: upgrade('pkg', '2.0.0', '1.9.0', { kind: 'downgraded' }),
      registry: null,
      findings: [{ severity: 'low', traits: ['release:downgrade'] }],
    },
    {
      name: 'a release published after a higher one of the same major line',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: {
        name: 'pkg',
        versions: [at('1.0.0', '2020-01-01T00:00:00Z'), at('1.5.0', '2020-02-01T00:00:00Z'), at('1.0.1', '2020-03-01T00:00:00Z')],
      },
      findings: [{ severity: 'low', traits: ['release:out-of-order'] }],
    },
    {
      name: 'without times, a skip ahead judged on the version numbers',
      change: upgrade('pkg', '1.0.0', '5.0.0'),
      registry: stripped({ name: 'pkg', versions: [at('1.0.0', '2020-01-01T00:00:00Z'), at('5.0.0', '2020-02-01T00:00:00Z')] }),
      findings: [{ severity: 'medium', traits: ['release:skip-ahead'] }],
      skipped: [{ reason: /publish times/, missing: 'time' }],
    },
  ],
});
