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
