import { publisherHistory } from '../../src/rules/publisher-history.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, NOW, person, stripped, upgrade } from '../helpers/rules.js';

const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString();
const by = (version: string, who: string, days: number, maintainers = [who]) => ({
  version,
  time: daysAgo(days),
  publisher: person(who),
  maintainers: maintainers.map(person),
});
/** Years of releases by alice, then one by `who` `days` ago. */
const handedOver = (who: string, days: number) => ({
  name: 'p',
  versions: [by('1.0.0', 'alice', 900), by('1.0.1', 'alice', 600), by('1.0.2', 'alice', 300), by('1.0.3', who, days)],
});

ruleTester.run(publisherHistory, {
  valid: [
    { name: 'the same account published every release', change: added('p', '1.0.3'), registry: handedOver('alice', 5) },
    { name: 'a newcomer, but longer ago than 90 days', change: added('p', '1.0.3'), registry: handedOver('mallory', 120) },
    {
      name: 'a maintainer of the previous release publishing for the first time (low in publisher-changed, not a newcomer)',
      change: added('p', '1.0.3'),
      registry: {
        name: 'p',
        versions: [
          by('1.0.0', 'alice', 900),
          by('1.0.1', 'alice', 600),
          by('1.0.2', 'alice', 300, ['alice', 'carol']),
          by('1.0.3', 'carol', 5, ['alice', 'carol']),
        ],
      },
    },
    {
      name: 'an account returning after another published is judged on its whole history: established, quiet',
      change: added('p', '1.0.5'),
      registry: {
        name: 'p',
        versions: [
          by('1.0.0', 'bob', 900),
          by('1.0.1', 'bob', 800),
          by('1.0.2', 'bob', 700),
          by('1.0.3', 'alice', 600),
          by('1.0.4', 'alice', 300),
          by('1.0.5', 'bob', 10, ['alice', 'bob']),
        ],
      },
    },
    {
      name: 'a package with one release has no earlier publisher to compare',
      change: added('p', '1.0.0'),
      registry: { name: 'p', versions: [by('1.0.0', 'mallory', 2)] },
    },
    {
      name: 'applies only to a package without a previous version in the tree',
      change: upgrade('p', '1.0.2', '1.0.3'),
      registry: handedOver('mallory', 5),
    },
    {
      name: 'not evaluated without trustworthy publish times',
      change: added('p', '1.0.3'),
      registry: stripped(handedOver('mallory', 5)),
      skipped: [{ reason: 'the registry sent no trustworthy publish times', missing: 'time' }],
    },
    {
      name: 'not evaluated when the registry does not list the locked version',
      change: added('p', '9.9.9'),
      registry: handedOver('mallory', 5),
      skipped: [{ reason: 'the registry does not list the locked version' }],
    },
    {
      name: 'not evaluated without metadata',
      change: added('p', '1.0.3'),
      registry: null,
      skipped: [{ reason: 'the registry does not list the locked version' }],
    },
  ],
  invalid: [
    {
      name: 'medium for a recent release by an account that never published the package',
      change: added('p', '1.0.3'),
      registry: handedOver('mallory', 5),
      findings: [
        {
          severity: 'medium',
          traits: ['publisher:new'],
          message:
            /^1\.0\.3 \(published \d{4}-\d{2}-\d{2}; the last release by someone else was 1\.0\.2\): published by mallory, who had never published p before/,
        },
      ],
    },
    {
      name: "medium for a newcomer's second release: compared with the last release by someone else",
      change: added('p', '1.0.4'),
      registry: {
        name: 'p',
        versions: [
          by('1.0.0', 'alice', 900),
          by('1.0.1', 'alice', 600),
          by('1.0.2', 'mallory', 20),
          by('1.0.3', 'mallory', 10),
          by('1.0.4', 'mallory', 5),
        ],
      },
      findings: [
        {
          severity: 'medium',
          traits: ['publisher:recent'],
          evidence: { earlierReleasesByPublisher: 2, firstReleaseByPublisher: '1.0.2' },
          message: /the last release by someone else was 1\.0\.1/,
        },
      ],
    },
    {
      name: 'lowered by a policy override',
      change: added('p', '1.0.3'),
      registry: handedOver('mallory', 5),
      policy: { rules: { 'publisher-history': 'low' } },
      findings: [{ severity: 'low', traits: ['publisher:new'] }],
    },
  ],
});
