import { describe, expect, it } from 'vitest';
import { publisherIdentityChanged } from '../../src/rules/publisher-identity-changed.js';
import { context, stripped, upgrade } from '../helpers/rules.js';

const v = (version: string, email: string, extra: Record<string, unknown> = {}) => ({ version, time: `2022-0${version.at(-1)}-01T00:00:00Z`, publisher: { name: 'alice', email }, maintainers: [{ name: 'alice' }], ...extra });

describe('publisher-identity-changed', () => {
  it('flags the same account publishing with an email never used on the package', () => {
    const out = publisherIdentityChanged.check(context(upgrade('p', '2.0.1', '2.0.2'), { name: 'p', versions: [v('2.0.1', 'a@x.example'), v('2.0.2', 'a@evil.example')] }));
    expect(out.findings[0]).toMatchObject({ severity: 'low', traits: ['publisher:email-changed'], evidence: { email: 'a@evil.example' } });
  });

  it('is quiet when the address was used before, or unchanged', () => {
    expect(publisherIdentityChanged.check(context(upgrade('p', '2.0.2', '2.0.3'), { name: 'p', versions: [v('2.0.1', 'b@x.example'), v('2.0.2', 'a@x.example'), v('2.0.3', 'b@x.example')] })).findings).toEqual([]);
    expect(publisherIdentityChanged.check(context(upgrade('p', '2.0.1', '2.0.2'), { name: 'p', versions: [v('2.0.1', 'a@x.example'), v('2.0.2', 'A@X.example')] })).findings).toEqual([]);
  });

  it('flags a trusted publisher replaced by a personal account', () => {
    const ci = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github' } };
    const out = publisherIdentityChanged.check(context(upgrade('p', '2.0.1', '2.0.2'), { name: 'p', versions: [v('2.0.1', '', { publisher: ci }), v('2.0.2', 'a@x.example')] }));
    expect(out.findings[0]).toMatchObject({ severity: 'medium', traits: ['trust:trusted-publisher-lost'] });
  });

  it('is not evaluated without publishers', () => {
    expect(publisherIdentityChanged.check(context(upgrade('p', '2.0.1', '2.0.2'), stripped({ name: 'p', versions: [v('2.0.1', 'a@x'), v('2.0.2', 'b@x')] }))).unchecked).toMatch(/_npmUser/);
  });
});
