import { lockfileOutOfSync } from '../../src/rules/lockfile-out-of-sync.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { projectSnapshot } from '../helpers/snapshots.js';

const prod = (spec: string) => ({ spec, type: 'prod' as const });
const base = projectSnapshot({ manifest: { foo: prod('^1.0.0') }, locked: { foo: '1.0.0' } });

ruleTester.runProject(lockfileOutOfSync, {
  valid: [
    {
      name: 'every declared dependency is locked within its range',
      base,
      head: projectSnapshot({ manifest: { foo: prod('^1.0.0') }, lockedRoot: { foo: prod('^1.0.0') }, locked: { foo: '1.2.0' } }),
    },
    {
      name: 'a missing optional dependency',
      base,
      head: projectSnapshot({ manifest: { foo: prod('^1.0.0'), bar: { spec: '^2.0.0', type: 'optional' } }, locked: { foo: '1.0.0' } }),
    },
    {
      name: 'an npm: alias satisfied by the version it installs',
      base,
      head: projectSnapshot({ manifest: { foo: prod('npm:other@^1.0.0') }, locked: { foo: '1.4.0' } }),
    },
    {
      name: 'not evaluated without a package.json beside the head lockfile',
      base,
      head: projectSnapshot({ locked: { foo: '1.0.0' } }),
      skipped: [{ reason: 'no package.json came with the head lockfile' }],
    },
  ],
  invalid: [
    {
      name: 'a declared dependency the lockfile does not have',
      base,
      head: projectSnapshot({ manifest: { foo: prod('^1.0.0'), bar: prod('^2.0.0') }, locked: { foo: '1.0.0' } }),
      findings: [
        {
          severity: 'medium',
          package: { name: 'bar', version: '' },
          evidence: { declared: '^2.0.0', lockedVersion: null, packageJsonChanged: true },
        },
      ],
    },
    {
      name: 'a locked version outside the declared range',
      base,
      head: projectSnapshot({ manifest: { foo: prod('^2.0.0') }, locked: { foo: '1.0.0' } }),
      findings: [
        {
          severity: 'medium',
          package: { name: 'foo', version: '1.0.0' },
          message: 'package.json declares foo@^2.0.0 but the lockfile holds 1.0.0',
        },
      ],
    },
    {
      name: 'low when the lockfile was made for another spec the locked version still satisfies',
      base,
      head: projectSnapshot({ manifest: { foo: prod('^1.0.0') }, lockedRoot: { foo: prod('~1.0.0') }, locked: { foo: '1.0.0' } }),
      findings: [{ severity: 'low', evidence: { lockfileMadeFor: '~1.0.0' } }],
    },
    {
      name: 'a package the policy trusts is capped at low',
      base,
      head: projectSnapshot({ manifest: { foo: prod('^2.0.0') }, locked: { foo: '1.0.0' } }),
      policy: { trusted: ['foo'] },
      findings: [{ severity: 'low' }],
    },
  ],
});
