import { buildPackument } from '../../scripts/fixture-registry.mjs';
import { extractFacts } from '../../src/registry/facts.js';
import { publisherChanged } from '../../src/rules/publisher-changed.js';
import { ScopeHistory } from '../../src/run-history.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { person, releases, stripped, upgrade } from '../helpers/rules.js';

const history = releases(6, '2016-01-01T00:00:00Z', 60, 'alice');
const spec = (next: { by: string; time: string }) => ({
  name: 'pkg',
  versions: [
    ...history,
    { version: '1.0.6', time: next.time, publisher: person(next.by), maintainers: [person('alice'), person(next.by)] },
  ],
});
const ci = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github' } };
const recent = spec({ by: 'mallory', time: '2018-01-10T00:00:00Z' });
recent.versions.splice(6, 0, { version: '1.0.5-x', time: '2018-01-01T00:00:00Z', publisher: person('mallory'), maintainers: [] });
/** The event-stream shape: you had the newcomer's first release (1.0.6), and update to their next. */
const takenOver = (next: { time?: string; publisher?: typeof ci } = {}) => {
  const publisher = next.publisher ?? person('mallory');
  const maintainers = [person('alice'), person('mallory')];
  return {
    name: 'pkg',
    versions: [
      ...history,
      { version: '1.0.6', time: '2018-01-01T00:00:00Z', publisher, maintainers },
      { version: '1.0.7', time: next.time ?? '2018-01-06T00:00:00Z', publisher, maintainers },
    ],
  };
};
/** Another package of the scope, published by `by` since `time`. */
const scopeHistory = (by: string, time: string) => {
  const scopes = new ScopeHistory();
  scopes.record(
    extractFacts(buildPackument({ name: '@team/other', versions: [{ version: '1.0.0', time, publisher: person(by) }] }), '@team/other'),
  );
  return scopes;
};
const scoped = (time: string) => ({ ...spec({ by: 'mallory', time }), name: '@team/pkg' });

ruleTester.run(publisherChanged, {
  valid: [
    {
      name: 'the same account published both versions',
      change: upgrade('pkg', '1.0.4', '1.0.5'),
      registry: { name: 'pkg', versions: history },
    },
    {
      name: 'the same account, in another case',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: spec({ by: 'Alice', time: '2018-01-01T00:00:00Z' }),
    },
    {
      name: 'not evaluated when the registry leaves publishers out',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: stripped(spec({ by: 'mallory', time: '2018-01-01T00:00:00Z' })),
      skipped: [{ reason: /_npmUser/, missing: '_npmUser' }],
    },
    {
      // the public registry has no _npmUser on some releases from before it recorded one: not a registry that strips it
      name: 'not evaluated when only the version you had has no publisher',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: (() => {
        const s = spec({ by: 'mallory', time: '2018-01-01T00:00:00Z' });
        return { ...s, versions: s.versions.map((v) => (v.version === '1.0.5' ? { ...v, publisher: null } : v)) };
      })(),
      skipped: [{ reason: /_npmUser/ }],
    },
    {
      name: 'not evaluated when the registry does not list both versions',
      change: upgrade('pkg', '1.0.5', '1.0.9'),
      registry: { name: 'pkg', versions: history },
      skipped: [{ reason: 'the registry does not list both versions' }],
    },
    {
      name: 'not evaluated for a package installed from git',
      change: (() => {
        const c = upgrade('pkg', '1.0.5', '1.0.6');
        return { ...c, after: { ...c.after!, resolved: 'git+https://github.com/x/pkg.git#abc' } };
      })(),
      skipped: [{ reason: 'not installed from a registry (git)' }],
    },
    {
      name: 'the account that published the version you had, and has published the package for a long time',
      change: upgrade('pkg', '1.0.6', '1.0.7'),
      registry: takenOver({ time: '2018-03-01T00:00:00Z' }),
    },
    {
      name: 'the account that published the version you had, through trusted publishing',
      change: upgrade('pkg', '1.0.6', '1.0.7'),
      registry: takenOver({ publisher: ci }),
    },
    {
      name: 'the account that published the version you had, on a package it started (no one published it long before)',
      change: upgrade('pkg', '1.0.1', '1.0.2'),
      registry: {
        name: 'pkg',
        versions: [
          { version: '1.0.0', time: '2018-01-01T00:00:00Z', publisher: person('alice') },
          { version: '1.0.1', time: '2018-01-02T00:00:00Z', publisher: person('bob') },
          { version: '1.0.2', time: '2018-01-03T00:00:00Z', publisher: person('bob') },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'the version you had was a newcomer’s first release: context (info), which a payload makes the event-stream 3.3.6 shape',
      change: upgrade('pkg', '1.0.6', '1.0.7'),
      registry: takenOver(),
      findings: [
        {
          severity: 'info',
          traits: ['publisher:recent'],
          evidence: { publisher: 'mallory', previousPublisher: 'alice', firstReleaseByPublisher: '1.0.6', publisherTenureDays: 5 },
          message:
            'published by mallory, who also published the version you had (1.0.6) but first published pkg only 5 days before 1.0.7 (1.0.6, 2018-01-01), after 1.0.5 by alice',
        },
      ],
    },
    {
      name: 'low for an account that has published other packages of the scope for longer than 42 days',
      change: upgrade('@team/pkg', '1.0.5', '1.0.6'),
      registry: scoped('2018-01-01T00:00:00Z'),
      scopeHistory: scopeHistory('mallory', '2017-06-01T00:00:00Z'),
      findings: [
        {
          severity: 'low',
          traits: ['publisher:scope-member'],
          evidence: { scopeReleaseByPublisher: '@team/other@1.0.0', scopeReleaseDate: '2017-06-01' },
          message:
            'published by mallory, who has published in @team since @team/other@1.0.0 (2017-06-01) and publishes @team/pkg for the first time (you had 1.0.5, published by alice)',
        },
      ],
    },
    {
      name: 'a scope release inside the last 42 days vouches for nothing',
      change: upgrade('@team/pkg', '1.0.5', '1.0.6'),
      registry: scoped('2018-01-01T00:00:00Z'),
      scopeHistory: scopeHistory('mallory', '2017-12-20T00:00:00Z'),
      findings: [{ severity: 'medium', traits: ['publisher:new'] }],
    },
    {
      name: 'a co-maintainer listed for years who publishes for the first time after a quiet spell: low, not a newcomer',
      change: upgrade('pkg', '1.0.4', '1.0.6'),
      registry: {
        name: 'pkg',
        versions: [
          ...history.slice(0, 5),
          { ...history[5]!, maintainers: [person('alice'), person('bob')] },
          { version: '1.0.6', time: '2019-06-01T00:00:00Z', publisher: person('bob'), maintainers: [person('alice'), person('bob')] },
        ],
      },
      findings: [
        {
          severity: 'low',
          traits: ['publisher:first-release'],
          evidence: { maintainerSince: '2016-10-27' },
          message:
            'published by bob, a maintainer of pkg since 1.0.5 (2016-10-27) publishing it for the first time (you had 1.0.4, published by alice)',
        },
      ],
    },
    {
      name: 'medium for an account that never published the package before',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: spec({ by: 'mallory', time: '2018-01-01T00:00:00Z' }),
      findings: [
        {
          severity: 'medium',
          traits: ['publisher:new'],
          evidence: { publisher: 'mallory', previousPublisher: 'alice', earlierReleasesByPublisher: 0 },
        },
      ],
    },
    {
      name: 'medium for an account whose first release of the package was weeks ago',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: recent,
      findings: [{ severity: 'medium', traits: ['publisher:recent'], evidence: { publisherTenureDays: 9 } }],
    },
    {
      name: 'info for a long-standing co-maintainer',
      change: upgrade('pkg', '1.1.5', '1.2.0'),
      registry: {
        name: 'pkg',
        versions: [
          ...releases(4, '2015-01-01T00:00:00Z', 90, 'bob'),
          ...releases(6, '2016-01-01T00:00:00Z', 60, 'alice').map((v, i) => ({ ...v, version: `1.1.${i}` })),
          { version: '1.2.0', time: '2018-01-01T00:00:00Z', publisher: person('bob'), maintainers: [person('alice'), person('bob')] },
        ],
      },
      findings: [{ severity: 'info', traits: ['publisher:established'] }],
    },
    {
      name: 'low for a listed maintainer of the previous version publishing for the first time',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: {
        name: 'pkg',
        versions: [
          ...history.slice(0, 5),
          { ...history[5]!, maintainers: [person('alice'), person('carol')] },
          { version: '1.0.6', time: '2018-01-01T00:00:00Z', publisher: person('carol'), maintainers: [person('alice'), person('carol')] },
        ],
      },
      findings: [{ severity: 'low', traits: ['publisher:first-release'] }],
    },
    {
      name: 'info when the release moves to trusted publishing',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: {
        name: 'pkg',
        versions: [...history, { version: '1.0.6', time: '2018-01-01T00:00:00Z', publisher: ci, maintainers: [person('alice')] }],
      },
      findings: [{ severity: 'info', traits: ['publisher:trusted'] }],
    },
    {
      name: 'at least high on a package the policy lists as critical',
      change: upgrade('pkg', '1.0.5', '1.0.6'),
      registry: spec({ by: 'mallory', time: '2018-01-01T00:00:00Z' }),
      policy: { critical: ['pkg'] },
      findings: [{ severity: 'high', traits: ['publisher:new'] }],
    },
  ],
});
