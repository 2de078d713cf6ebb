import { lockfileChanged } from '../../src/rules/lockfile-changed.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { projectSnapshot } from '../helpers/snapshots.js';

const tree = projectSnapshot();
const lockfiles = (base: string[], head: string[]) => ({ lockfiles: { base, head }, policyEdits: [] });

ruleTester.runProject(lockfileChanged, {
  valid: [
    { name: 'the same lockfiles on both sides', base: tree, head: tree, project: lockfiles(['pnpm-lock.yaml'], ['pnpm-lock.yaml']) },
    { name: "a project's first lockfile", base: tree, head: tree, project: lockfiles([], ['package-lock.json']) },
    { name: 'the user named the lockfile: no set of lockfiles to compare', base: tree, head: tree },
  ],
  invalid: [
    {
      name: 'a package-lock.json added beside a pnpm lockfile',
      base: tree,
      head: tree,
      project: lockfiles(['pnpm-lock.yaml'], ['package-lock.json', 'pnpm-lock.yaml']),
      findings: [{ severity: 'high', package: { name: 'package-lock.json', version: '' }, evidence: { change: 'added' } }],
    },
    {
      name: 'a lockfile removed, another added',
      base: tree,
      head: tree,
      project: lockfiles(['yarn.lock'], ['package-lock.json']),
      findings: [
        { severity: 'high', package: { name: 'package-lock.json', version: '' }, evidence: { change: 'added' } },
        {
          severity: 'high',
          package: { name: 'yarn.lock', version: '' },
          evidence: { change: 'removed' },
          message: 'this change removes yarn.lock, which the base had (the head has package-lock.json)',
        },
      ],
    },
    {
      name: 'a policy override',
      base: tree,
      head: tree,
      project: lockfiles(['yarn.lock'], ['yarn.lock', 'bun.lock']),
      policy: { rules: { 'lockfile-changed': 'medium' } },
      findings: [{ severity: 'medium' }],
    },
  ],
});
