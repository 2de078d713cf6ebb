import { buildPackument } from '../../scripts/fixture-registry.mjs';
import { versionUnpublished } from '../../src/rules/version-unpublished.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { person, upgrade } from '../helpers/rules.js';

const v = (version: string, extra: Record<string, unknown> = {}) => ({
  version,
  time: '2023-01-01T00:00:00Z',
  publisher: person('a'),
  maintainers: [person('a')],
  ...extra,
});

/** The document with `version` gone from `versions` (still in `time`, as the registry keeps it). */
function withdrawn(spec: Parameters<typeof buildPackument>[0], version: string): Record<string, unknown> {
  const doc = buildPackument(spec);
  delete doc.versions[version];
  return doc;
}

ruleTester.run(versionUnpublished, {
  valid: [
    {
      name: 'a listed version, not deprecated',
      change: upgrade('p', '1.0.0', '1.1.0'),
      registry: { name: 'p', versions: [v('1.0.0'), v('1.1.0')] },
    },
    {
      name: 'a version already deprecated before',
      change: upgrade('p', '1.0.0', '1.1.0'),
      registry: { name: 'p', versions: [v('1.0.0', { deprecated: 'old' }), v('1.1.0', { deprecated: 'old' })] },
    },
    {
      name: 'not evaluated without metadata',
      change: upgrade('p', '1.0.0', '1.1.0'),
      registry: null,
      skipped: [{ reason: 'no registry metadata' }],
    },
  ],
  invalid: [
    {
      name: 'high for a locked version the registry withdrew (gone from versions, still in time)',
      change: upgrade('p', '1.0.0', '1.0.1'),
      document: withdrawn({ name: 'p', versions: [v('1.0.0'), v('1.0.1')] }, '1.0.1'),
      findings: [{ severity: 'high', evidence: { unpublished: 'version', publishedAt: '2023-01-01' } }],
    },
    {
      name: 'critical for a package replaced by a 0.0.1-security placeholder',
      change: upgrade('p', '0.9.0', '1.0.0'),
      document: withdrawn({ name: 'p', versions: [v('1.0.0'), v('0.0.1-security')], latest: '0.0.1-security' }, '1.0.0'),
      findings: [{ severity: 'critical', evidence: { placeholder: '0.0.1-security' } }],
    },
    {
      name: 'high when the whole package was unpublished',
      change: upgrade('p', '0.9.0', '1.0.0'),
      document: {
        _id: 'p',
        name: 'p',
        time: {
          created: '2020-01-01T00:00:00Z',
          modified: '2024-01-01T00:00:00Z',
          '1.0.0': '2020-01-01T00:00:00Z',
          unpublished: { time: '2024-01-01T00:00:00Z', versions: ['1.0.0'] },
        },
      },
      findings: [{ severity: 'high', evidence: { unpublished: 'package' } }],
    },
    {
      name: 'medium for a version the registry never listed',
      change: upgrade('p', '1.0.0', '1.0.7'),
      registry: { name: 'p', versions: [v('1.0.0')] },
      findings: [{ severity: 'medium', evidence: { unpublished: 'unknown' } }],
    },
    {
      name: 'low for a newly deprecated version',
      change: upgrade('p', '1.0.0', '1.1.0'),
      registry: { name: 'p', versions: [v('1.0.0'), v('1.1.0', { deprecated: 'use q' })] },
      findings: [{ severity: 'low', evidence: { deprecated: 'use q' }, message: '1.1.0 is deprecated: "use q"' }],
    },
  ],
});
