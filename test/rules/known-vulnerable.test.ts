import type { Advisory } from '../../src/model.js';
import { knownVulnerable } from '../../src/rules/known-vulnerable.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, upgrade } from '../helpers/rules.js';

const advisory = (extra: Partial<Advisory> = {}): Advisory => ({
  id: 4242,
  url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
  title: 'Regular Expression Denial of Service in p',
  severity: 'moderate',
  vulnerableVersions: '>=1.0.0 <1.2.0',
  cwe: ['CWE-1333'],
  ...extra,
});

ruleTester.run(knownVulnerable, {
  valid: [
    { name: 'no advisories', change: upgrade('p', '1.0.0', '1.1.0'), advisories: { advisories: [] } },
    {
      name: 'the advisory covers the old version only: the update fixes it',
      change: upgrade('p', '1.1.0', '1.2.0'),
      advisories: { advisories: [advisory()] },
    },
    {
      name: 'a malware advisory is known-malicious, not this',
      change: added('p', '1.1.0'),
      advisories: { advisories: [advisory({ cwe: ['CWE-506'] })] },
    },
    {
      name: 'turned off by the policy',
      change: added('p', '1.1.0'),
      advisories: { advisories: [advisory()] },
      policy: { rules: { 'known-vulnerable': 'off' } },
    },
    {
      name: 'not installed from a registry: not made',
      change: added('p', '1.1.0'),
      advisories: { unavailable: 'not installed from a registry (git)' },
      skipped: [{ reason: 'not installed from a registry (git)' }],
    },
  ],
  invalid: [
    {
      name: 'moderate is medium',
      change: upgrade('p', '1.0.0', '1.1.0'),
      advisories: { advisories: [advisory()] },
      findings: [
        {
          severity: 'medium',
          traits: [],
          evidence: { advisory: { id: 4242, severity: 'moderate' } },
          message:
            '1.1.0 has a known moderate vulnerability, by the registry\'s advisory 4242 "Regular Expression Denial of Service in p" (https://github.com/advisories/GHSA-aaaa-bbbb-cccc)',
        },
      ],
    },
    {
      name: "each advisory covering the version, at its own severity (the registry's words kept)",
      change: added('p', '1.1.0'),
      advisories: {
        advisories: [
          advisory({ id: 1, severity: 'critical' }),
          advisory({ id: 2, severity: 'low' }),
          advisory({ id: 3, severity: 'info' }),
        ],
      },
      findings: [
        { severity: 'critical', traits: [] },
        { severity: 'low', traits: [] },
        { severity: 'info', traits: [] },
      ],
    },
    {
      name: 'the policy raises it',
      change: added('p', '1.1.0'),
      advisories: { advisories: [advisory()] },
      policy: { rules: { 'known-vulnerable': 'high' } },
      findings: [{ severity: 'high', traits: [] }],
    },
    {
      name: 'trusted caps it at low, as for other rules',
      change: added('p', '1.1.0'),
      advisories: { advisories: [advisory({ severity: 'high' })] },
      policy: { trusted: ['p'] },
      findings: [{ severity: 'low', traits: [] }],
    },
  ],
});
