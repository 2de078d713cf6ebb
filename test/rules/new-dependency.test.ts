import { newDependency } from '../../src/rules/new-dependency.js';
import { publisherChanged } from '../../src/rules/publisher-changed.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { person, stripped, upgrade } from '../helpers/rules.js';

const v = (version: string, dependencies: Record<string, string>) => ({
  version,
  time: '2020-01-01T00:00:00Z',
  publisher: person('alice'),
  maintainers: [person('alice')],
  dependencies,
});
const lockfileDeps = (before: Record<string, string>, after: Record<string, string>) => {
  const change = upgrade('pkg', '1.0.0', '1.0.1');
  return { ...change, before: { ...change.before!, dependencies: before }, after: { ...change.after!, dependencies: after } };
};

ruleTester.run(newDependency, {
  valid: [
    {
      name: 'only ranges changed, or dependencies were dropped',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: { name: 'pkg', versions: [v('1.0.0', { a: '^1.0.0', b: '1' }), v('1.0.1', { a: '^1.1.0' })] },
    },
    {
      name: 'the registry is the authority over the lockfile copy',
      change: lockfileDeps({}, { evil: '1' }),
      registry: { name: 'pkg', versions: [v('1.0.0', { a: '1' }), v('1.0.1', { a: '1' })] },
    },
  ],
  invalid: [
    {
      name: 'high when an in-range update adds a dependency first published days before it (event-stream, node-ipc)',
      change: upgrade('event-stream', '3.3.5', '3.3.6'),
      registry: {
        name: 'event-stream',
        versions: [
          { ...v('3.3.5', {}), time: '2018-09-04T21:23:46.022Z' },
          { ...v('3.3.6', { 'flatmap-stream': '^0.1.0' }), time: '2018-09-09T08:28:59.503Z' },
        ],
      },
      dependencySummaries: new Map([
        ['flatmap-stream', { createdAt: Date.parse('2018-09-05T10:00:00Z'), firstPublisher: 'hugeglass', inBaseTree: false }],
      ]),
      findings: [
        {
          severity: 'high',
          traits: ['payload:new-dependency', 'dependency:fresh'],
          evidence: {
            freshDependencies: [
              { name: 'flatmap-stream', firstPublished: '2018-09-05', firstPublisher: 'hugeglass', daysBeforeRelease: 3 },
            ],
          },
          message:
            '3.3.6 depends on flatmap-stream@^0.1.0, which 3.3.5 did not; flatmap-stream was first published 2018-09-05 by hugeglass, 3 days before 3.3.6',
        },
      ],
    },
    {
      name: 'a fresh sibling (same scope, or same first word) is a release train, not an attack: low',
      change: upgrade('@babel/core', '7.1.0', '7.2.0'),
      registry: {
        name: '@babel/core',
        versions: [v('7.1.0', {}), { ...v('7.2.0', { '@babel/helper-new': '^7.2.0' }), time: '2020-01-02T00:00:00Z' }],
      },
      dependencySummaries: new Map([
        ['@babel/helper-new', { createdAt: Date.parse('2020-01-01T20:00:00Z'), firstPublisher: 'alice', inBaseTree: false }],
      ]),
      findings: [{ severity: 'low', traits: ['payload:new-dependency'] }],
    },
    {
      name: 'a dependency the tree already had brings no new code: no payload for combinations',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: { name: 'pkg', versions: [v('1.0.0', {}), v('1.0.1', { debug: '^4.0.0' })] },
      dependencySummaries: new Map([['debug', { createdAt: Date.parse('2019-12-01T00:00:00Z'), publishers: ['alice'], inBaseTree: true }]]),
      findings: [
        {
          severity: 'low',
          traits: [],
          evidence: { established: ['debug'] },
          message: '1.0.1 depends on debug@^4.0.0, which 1.0.0 did not; all already in your tree or published for over a year by others',
        },
      ],
    },
    {
      name: 'a package published for over a year by others than the release’s publisher: no payload',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: { name: 'pkg', versions: [v('1.0.0', {}), v('1.0.1', { 'object-assign': '^4.0.1', fresh: '1' })] },
      dependencySummaries: new Map([
        ['object-assign', { createdAt: Date.parse('2014-06-01T00:00:00Z'), publishers: ['sindresorhus'], inBaseTree: false }],
        ['fresh', { createdAt: Date.parse('2019-06-01T00:00:00Z'), publishers: ['bob'], inBaseTree: false }],
      ]),
      findings: [{ severity: 'low', traits: ['payload:new-dependency'], evidence: { established: ['object-assign'] } }],
    },
    {
      name: 'an old package the release’s own publisher publishes, or whose publishers are unknown, is still a payload',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: { name: 'pkg', versions: [v('1.0.0', {}), v('1.0.1', { mine: '1', unknown: '1' })] },
      dependencySummaries: new Map([
        ['mine', { createdAt: Date.parse('2014-06-01T00:00:00Z'), publishers: ['bob', 'alice'], inBaseTree: false }],
        ['unknown', { createdAt: Date.parse('2014-06-01T00:00:00Z'), inBaseTree: false }],
      ]),
      findings: [{ severity: 'low', traits: ['payload:new-dependency'], evidence: { established: [] } }],
    },
    {
      name: 'a dependency that has existed for weeks: low',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: { name: 'pkg', versions: [v('1.0.0', {}), { ...v('1.0.1', { other: '^1.0.0' }), time: '2020-03-01T00:00:00Z' }] },
      dependencySummaries: new Map([['other', { createdAt: Date.parse('2020-02-01T00:00:00Z'), inBaseTree: false }]]),
      findings: [{ severity: 'low', traits: ['payload:new-dependency'] }],
    },
    {
      name: 'a fresh dependency in a major release is said, and stays info (a person chose the major)',
      change: upgrade('pkg', '1.2.0', '2.0.0'),
      registry: { name: 'pkg', versions: [v('1.2.0', {}), { ...v('2.0.0', { fresh: '^1.0.0' }), time: '2020-03-01T00:00:00Z' }] },
      dependencySummaries: new Map([
        ['fresh', { createdAt: Date.parse('2020-02-29T12:00:00Z'), firstPublisher: 'bob', inBaseTree: false }],
      ]),
      findings: [
        {
          severity: 'info',
          traits: ['payload:new-dependency', 'dependency:fresh'],
          message:
            '2.0.0 depends on fresh@^1.0.0, which 1.2.0 did not (in a major release); fresh was first published 2020-02-29 by bob, 12 hours before 2.0.0',
        },
      ],
    },
    {
      name: 'low when a patch release adds a dependency',
      change: upgrade('pkg', '3.3.4', '3.3.6'),
      registry: {
        name: 'pkg',
        versions: [v('3.3.4', { through: '~2.3.1' }), v('3.3.6', { through: '^2.3.8', 'flatmap-stream': '^0.1.0' })],
      },
      findings: [
        {
          severity: 'low',
          traits: ['payload:new-dependency'],
          evidence: { added: [{ name: 'flatmap-stream', spec: '^0.1.0' }], source: 'registry' },
        },
      ],
    },
    {
      name: 'info in a major release',
      change: upgrade('pkg', '1.2.0', '2.0.0'),
      registry: { name: 'pkg', versions: [v('1.2.0', {}), v('2.0.0', { debug: '^4.0.0' })] },
      findings: [
        {
          severity: 'info',
          evidence: { majorRelease: true },
          message: '2.0.0 depends on debug@^4.0.0, which 1.2.0 did not (in a major release)',
        },
      ],
    },
    {
      name: 'falls back to the lockfile entries when the registry has no metadata',
      change: lockfileDeps({ a: '^1.0.0' }, { a: '^1.0.0', evil: '^1.0.0' }),
      registry: null,
      findings: [{ severity: 'low', evidence: { added: [{ name: 'evil', spec: '^1.0.0' }], source: 'lockfile' } }],
    },
    {
      name: "the mirror's stripped documents still carry dependencies",
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: stripped({ name: 'pkg', versions: [v('1.0.0', {}), v('1.0.1', { x: '1' })] }),
      findings: [{ severity: 'low', evidence: { source: 'registry' } }],
    },
    {
      name: 'with a newcomer publisher in an in-range update: critical (newcomer-ships-new-code, the event-stream pattern)',
      change: upgrade('pkg', '3.3.4', '3.3.6'),
      registry: {
        name: 'pkg',
        versions: [
          { ...v('3.3.4', { through: '~2.3.1' }), time: '2016-07-17T00:00:00Z', publisher: person('dominictarr') },
          {
            ...v('3.3.6', { through: '^2.3.8', 'flatmap-stream': '^0.1.0' }),
            time: '2018-09-09T00:00:00Z',
            publisher: person('right9ctrl'),
          },
        ],
      },
      alongside: [publisherChanged],
      findings: [
        { severity: 'critical', escalation: { combination: 'newcomer-ships-new-code', from: 'low' } },
        { ruleId: 'publisher-changed', severity: 'critical', escalation: { combination: 'newcomer-ships-new-code', from: 'medium' } },
      ],
    },
  ],
});
