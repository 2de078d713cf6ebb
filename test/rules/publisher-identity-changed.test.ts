import { publisherIdentityChanged } from '../../src/rules/publisher-identity-changed.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { stripped, upgrade } from '../helpers/rules.js';

const v = (version: string, email: string, extra: Record<string, unknown> = {}) => ({
  version,
  time: `2022-0${version.at(-1)}-01T00:00:00Z`,
  publisher: { name: 'alice', email },
  maintainers: [{ name: 'alice' }],
  ...extra,
});
const ci = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github' } };

ruleTester.run(publisherIdentityChanged, {
  valid: [
    {
      name: 'an address the account used on an earlier release',
      change: upgrade('p', '2.0.2', '2.0.3'),
      registry: { name: 'p', versions: [v('2.0.1', 'b@x.example'), v('2.0.2', 'a@x.example'), v('2.0.3', 'b@x.example')] },
    },
    {
      name: 'the same address in another case',
      change: upgrade('p', '2.0.1', '2.0.2'),
      registry: { name: 'p', versions: [v('2.0.1', 'a@x.example'), v('2.0.2', 'A@X.example')] },
    },
    {
      name: 'another account (publisher-changed says so)',
      change: upgrade('p', '2.0.1', '2.0.2'),
      registry: {
        name: 'p',
        versions: [v('2.0.1', 'a@x.example'), v('2.0.2', 'm@x.example', { publisher: { name: 'mallory', email: 'm@x.example' } })],
      },
    },
    {
      name: 'not evaluated without publishers',
      change: upgrade('p', '2.0.1', '2.0.2'),
      registry: stripped({ name: 'p', versions: [v('2.0.1', 'a@x'), v('2.0.2', 'b@x')] }),
      skipped: [{ reason: /_npmUser/, missing: '_npmUser' }],
    },
  ],
  invalid: [
    {
      name: 'the same account publishing with an email never used on the package',
      change: upgrade('p', '2.0.1', '2.0.2'),
      registry: { name: 'p', versions: [v('2.0.1', 'a@x.example'), v('2.0.2', 'a@evil.example')] },
      findings: [
        { severity: 'low', traits: ['publisher:email-changed'], evidence: { email: 'a@evil.example', previousEmail: 'a@x.example' } },
      ],
    },
    {
      name: 'an address first used on a later release is still new here',
      change: upgrade('p', '2.0.1', '2.0.2'),
      registry: { name: 'p', versions: [v('2.0.1', 'a@x.example'), v('2.0.2', 'a@evil.example'), v('2.0.3', 'a@evil.example')] },
      findings: [{ severity: 'low', traits: ['publisher:email-changed'] }],
    },
    {
      name: 'a trusted publisher replaced by a personal account',
      change: upgrade('p', '2.0.1', '2.0.2'),
      registry: { name: 'p', versions: [v('2.0.1', '', { publisher: ci }), v('2.0.2', 'a@x.example')] },
      findings: [{ severity: 'medium', traits: ['trust:trusted-publisher-lost'] }],
    },
  ],
});
