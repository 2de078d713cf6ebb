import { newPackage } from '../../src/rules/new-package.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, person, releases, stripped, upgrade } from '../helpers/rules.js';

const fresh = {
  name: 'fresh',
  versions: [{ version: '0.1.0', time: '2026-11-18T00:00:00Z', publisher: person('x'), maintainers: [person('x')] }],
};
const direct = (change: ReturnType<typeof added>) => ({
  ...change,
  direct: true,
  paths: [
    [
      { name: 'app', version: '1.0.0' },
      { name: change.name, version: change.after!.version },
    ],
  ],
});

ruleTester.run(newPackage, {
  valid: [
    {
      name: 'a package whose name was already in the tree',
      change: upgrade('old', '1.0.0', '1.0.1'),
      registry: { name: 'old', versions: releases(2, '2026-11-01T00:00:00Z', 1, 'x') },
    },
    {
      name: 'not evaluated without metadata',
      change: added('fresh', '0.1.0'),
      registry: null,
      skipped: [{ reason: 'no registry metadata' }],
    },
  ],
  invalid: [
    {
      name: 'medium for a package first published days ago',
      change: added('fresh', '0.1.0'),
      registry: fresh,
      findings: [
        {
          severity: 'medium',
          traits: ['package:young'],
          evidence: { ageDays: 3, versionCount: 1, direct: false },
          message: /^new in the tree, brought in by parent: /,
        },
      ],
    },
    {
      name: 'a new direct dependency says so',
      change: direct(added('fresh', '0.1.0')),
      registry: fresh,
      findings: [
        {
          severity: 'medium',
          evidence: { direct: true },
          message: 'a new direct dependency: first published 2026-11-18 (3 days ago), 1 version, 1 publisher',
        },
      ],
    },
    {
      name: 'low for a months-old package with one or two versions',
      change: added('thin', '1.0.1'),
      registry: { name: 'thin', versions: releases(2, '2026-05-01T00:00:00Z', 10, 'x') },
      findings: [{ severity: 'low', traits: ['package:sparse-history'] }],
    },
    {
      name: 'info for a long-established library',
      change: added('old', '1.0.29'),
      registry: { name: 'old', versions: releases(30, '2012-01-01T00:00:00Z', 100, 'x') },
      findings: [{ severity: 'info', traits: [] }],
    },
    {
      name: 'reports the package but not its age when the registry has no trustworthy times',
      change: added('fresh', '0.1.0'),
      registry: stripped({ name: 'fresh', versions: [{ version: '0.1.0', time: '2026-11-18T00:00:00Z' }] }),
      findings: [{ severity: 'low', traits: ['package:sparse-history'], evidence: { ageDays: null } }],
      skipped: [{ reason: /publish times/, missing: 'time' }],
    },
  ],
});
