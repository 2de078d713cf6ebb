import type { Advisory } from '../../src/model.js';
import { knownMalicious } from '../../src/rules/known-malicious.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, upgrade } from '../helpers/rules.js';

const malware = (extra: Partial<Advisory> = {}): Advisory => ({
  id: 1000001,
  url: 'https://github.com/advisories/GHSA-9x64-5r7x-2q53',
  title: 'Malicious Package in flatmap-stream',
  severity: 'critical',
  vulnerableVersions: '=0.1.1',
  cwe: ['CWE-506'],
  ...extra,
});
const vulnerability: Advisory = {
  id: 4242,
  url: null,
  title: 'Prototype Pollution in p',
  severity: 'critical',
  vulnerableVersions: '*',
  cwe: ['CWE-1321'],
};

ruleTester.run(knownMalicious, {
  valid: [
    { name: 'no advisories for the package', change: added('flatmap-stream', '0.1.1'), advisories: { advisories: [] } },
    {
      name: 'a malware advisory whose range does not cover the locked version',
      change: added('flatmap-stream', '0.1.0'),
      advisories: { advisories: [malware()] },
    },
    {
      name: 'a vulnerability advisory (known-vulnerable reports it)',
      change: added('p', '1.0.0'),
      advisories: { advisories: [vulnerability] },
    },
    { name: 'the run asks no advisories: the rule does not apply', change: added('flatmap-stream', '0.1.1') },
    {
      name: 'no endpoint: the check is not made, with the cause',
      change: added('flatmap-stream', '0.1.1'),
      advisories: { unavailable: 'the registry at r.example has no advisory endpoint (HTTP 405)' },
      skipped: [{ reason: 'the registry at r.example has no advisory endpoint (HTTP 405)' }],
    },
  ],
  invalid: [
    {
      name: 'critical for a CWE-506 advisory covering the version, with the advisory as evidence',
      change: added('flatmap-stream', '0.1.1'),
      advisories: { advisories: [malware()] },
      findings: [
        {
          severity: 'critical',
          traits: [],
          evidence: { advisory: { id: 1000001, cwe: ['CWE-506'], vulnerableVersions: '=0.1.1' } },
          message:
            '0.1.1 is malware, by the registry\'s advisory 1000001 "Malicious Package in flatmap-stream" (https://github.com/advisories/GHSA-9x64-5r7x-2q53): remove it, and treat every machine that installed it as compromised',
        },
      ],
    },
    {
      name: 'a "Malware in" title without a CWE, at a low advisory severity: still critical',
      change: upgrade('p', '1.0.0', '1.0.1'),
      advisories: { advisories: [malware({ title: 'Malware in p', cwe: [], severity: 'low', vulnerableVersions: '>=0' })] },
      findings: [{ severity: 'critical', traits: [] }],
    },
    {
      name: 'no policy lowers, turns off, caps or ignores it',
      change: added('flatmap-stream', '0.1.1'),
      advisories: { advisories: [malware()] },
      policy: {
        rules: { 'known-malicious': 'off' },
        trusted: ['flatmap-stream'],
      },
      findings: [{ severity: 'critical', traits: [] }],
    },
    {
      name: 'a pre-release inside the range is covered, as npm checks it',
      change: added('p', '2.0.0-beta.1'),
      advisories: { advisories: [malware({ title: 'Malware in p', vulnerableVersions: '>=1.0.0' })] },
      findings: [{ severity: 'critical', traits: [] }],
    },
  ],
});
