import { policyChanged } from '../../src/rules/policy-changed.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { projectSnapshot } from '../helpers/snapshots.js';

const tree = projectSnapshot();

ruleTester.runProject(policyChanged, {
  valid: [{ name: 'the policy is not edited', base: tree, head: tree, project: { lockfiles: null, policyEdits: [] } }],
  invalid: [
    {
      name: 'the change edits the policy file',
      base: tree,
      head: tree,
      project: { lockfiles: null, policyEdits: [{ place: 'depguard.config.json', change: 'modified' }] },
      findings: [
        {
          severity: 'high',
          package: { name: 'depguard.config.json', version: '' },
          evidence: { change: 'modified', applied: 'base' },
          message: /^this change edits depguard's policy \(depguard\.config\.json\)/,
        },
      ],
    },
    {
      name: 'a policy added and the package.json value removed',
      base: tree,
      head: tree,
      project: {
        lockfiles: null,
        policyEdits: [
          { place: '.depguardrc.json', change: 'added' },
          { place: 'package.json "depguard"', change: 'removed' },
        ],
      },
      findings: [
        { severity: 'high', message: /^this change adds depguard's policy/ },
        { severity: 'high', message: /^this change removes depguard's policy/ },
      ],
    },
  ],
});
