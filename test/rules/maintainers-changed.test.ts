import { maintainersChanged } from '../../src/rules/maintainers-changed.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { person, stripped, upgrade } from '../helpers/rules.js';

const v = (version: string, maintainers: string[]) => ({
  version,
  time: '2020-01-01T00:00:00Z',
  publisher: person(maintainers[0]!),
  maintainers: maintainers.map(person),
});
const pkg = (...versions: ReturnType<typeof v>[]) => ({ name: 'pkg', versions });

ruleTester.run(maintainersChanged, {
  valid: [
    {
      name: 'the same maintainers, in any order or case',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg(v('1.0.0', ['alice', 'Bob']), v('1.0.1', ['bob', 'alice'])),
    },
    {
      name: 'the new publisher added as a maintainer is one move, which publisher-changed reports',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg(v('1.0.0', ['alice']), v('1.0.1', ['mallory', 'alice'])),
    },
    {
      name: 'not evaluated without per-version maintainers',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: stripped(pkg(v('1.0.0', ['alice']), v('1.0.1', ['mallory']))),
      skipped: [{ reason: /maintainers/, missing: 'maintainers' }],
    },
    {
      name: 'not evaluated when one of the versions has no maintainers (the document has them for others)',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg({ ...v('1.0.0', ['alice']), maintainers: null } as unknown as ReturnType<typeof v>, v('1.0.1', ['mallory'])),
      skipped: [{ reason: /maintainers/ }],
    },
  ],
  invalid: [
    {
      name: 'low when an account other than the new publisher is added',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg(v('1.0.0', ['alice']), v('1.0.1', ['mallory', 'alice', 'eve'])),
      findings: [{ severity: 'low', traits: ['maintainers:added'], evidence: { added: ['eve'], newPublisher: 'mallory' } }],
    },
    {
      name: 'low when an account is added',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg(v('1.0.0', ['alice']), v('1.0.1', ['alice', 'mallory'])),
      findings: [{ severity: 'low', traits: ['maintainers:added'], evidence: { added: ['mallory'], removed: [] } }],
    },
    {
      name: 'medium when every previous maintainer is gone',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg(v('1.0.0', ['alice']), v('1.0.1', ['mallory'])),
      findings: [
        {
          severity: 'medium',
          traits: ['maintainers:replaced'],
          message: 'maintainers changed between 1.0.0 and 1.0.1: removed alice (none of the previous maintainers remain; now mallory)',
          evidence: { added: [], newPublisher: 'mallory' },
        },
      ],
    },
    {
      name: 'info when maintainers are only removed',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg(v('1.0.0', ['alice', 'bob']), v('1.0.1', ['alice'])),
      findings: [{ severity: 'info', traits: [], evidence: { added: [], removed: ['bob'] } }],
    },
    {
      name: 'at least high on a package the policy lists as critical',
      change: upgrade('pkg', '1.0.0', '1.0.1'),
      registry: pkg(v('1.0.0', ['alice']), v('1.0.1', ['alice', 'mallory'])),
      policy: { critical: ['pkg'] },
      findings: [{ severity: 'high' }],
    },
  ],
});
