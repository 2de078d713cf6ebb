import { provenanceDropped } from '../../src/rules/provenance-dropped.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { person, stripped, upgrade } from '../helpers/rules.js';

const ci = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github' } };
const v = (version: string, time: string, extra: Record<string, unknown> = {}) => ({
  version,
  time,
  publisher: person('alice'),
  maintainers: [person('alice')],
  ...extra,
});
const lost = { name: 'p', versions: [v('5.1.0', '2024-01-01T00:00:00Z', { attestations: true }), v('5.1.1', '2024-02-01T00:00:00Z')] };

ruleTester.run(provenanceDropped, {
  valid: [
    {
      name: 'a v6 patch of a package that adopted provenance in v7',
      change: upgrade('p', '6.1.0', '6.1.1'),
      registry: {
        name: 'p',
        versions: [
          v('6.1.0', '2023-01-01T00:00:00Z'),
          v('7.0.0', '2024-01-01T00:00:00Z', { attestations: true }),
          v('6.1.1', '2024-02-01T00:00:00Z'),
        ],
      },
    },
    {
      name: 'moving to trusted publishing',
      change: upgrade('p', '3.0.0', '3.0.1'),
      registry: {
        name: 'p',
        versions: [v('3.0.0', '2024-01-01T00:00:00Z'), v('3.0.1', '2024-02-01T00:00:00Z', { publisher: ci, attestations: true })],
      },
    },
    {
      name: 'not evaluated on a registry without _npmUser',
      change: upgrade('p', '5.1.0', '5.1.1'),
      registry: stripped(lost),
      skipped: [{ reason: /_npmUser/, missing: '_npmUser' }],
    },
  ],
  invalid: [
    {
      name: 'a release without the provenance the previous one had',
      change: upgrade('p', '5.1.0', '5.1.1'),
      registry: lost,
      findings: [
        {
          severity: 'medium',
          traits: ['trust:provenance-lost'],
          message: '5.1.1 was published without provenance attestations, which 5.1.0 had (published by alice)',
        },
      ],
    },
    {
      name: 'a lost trusted publisher, judged on the recent releases of the line',
      change: upgrade('p', '2.0.0', '2.0.2'),
      registry: {
        name: 'p',
        versions: [
          v('2.0.0', '2024-01-01T00:00:00Z'),
          v('2.0.1', '2024-02-01T00:00:00Z', { publisher: ci, attestations: true }),
          v('2.0.2', '2024-03-01T00:00:00Z'),
        ],
      },
      findings: [
        {
          severity: 'medium',
          traits: ['trust:provenance-lost', 'trust:trusted-publisher-lost'],
          evidence: { comparedWith: ['2.0.0', '2.0.1'] },
        },
      ],
    },
  ],
});
