import { describe, expect, it } from 'vitest';
import { provenanceDropped } from '../../src/rules/provenance-dropped.js';
import { context, person, stripped, upgrade } from '../helpers/rules.js';

const ci = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github' } };
const v = (version: string, time: string, extra: Record<string, unknown> = {}) => ({ version, time, publisher: person('alice'), maintainers: [person('alice')], ...extra });

describe('provenance-dropped', () => {
  it('flags a release without the provenance the previous one had', () => {
    const spec = { name: 'p', versions: [v('5.1.0', '2024-01-01T00:00:00Z', { attestations: true }), v('5.1.1', '2024-02-01T00:00:00Z')] };
    expect(provenanceDropped.check(context(upgrade('p', '5.1.0', '5.1.1'), spec)).findings[0]).toMatchObject({ severity: 'medium', traits: ['trust:provenance-lost'] });
  });

  it('flags a lost trusted publisher, judged on the recent releases of the line', () => {
    const spec = { name: 'p', versions: [v('2.0.0', '2024-01-01T00:00:00Z'), v('2.0.1', '2024-02-01T00:00:00Z', { publisher: ci, attestations: true }), v('2.0.2', '2024-03-01T00:00:00Z')] };
    const out = provenanceDropped.check(context(upgrade('p', '2.0.0', '2.0.2'), spec));
    expect(out.findings[0]!.traits).toEqual(['trust:provenance-lost', 'trust:trusted-publisher-lost']);
  });

  it('does not alarm on a v6 patch of a package that adopted provenance in v7', () => {
    const spec = { name: 'p', versions: [v('6.1.0', '2023-01-01T00:00:00Z'), v('7.0.0', '2024-01-01T00:00:00Z', { attestations: true }), v('6.1.1', '2024-02-01T00:00:00Z')] };
    expect(provenanceDropped.check(context(upgrade('p', '6.1.0', '6.1.1'), spec)).findings).toEqual([]);
  });

  it('is quiet when moving to trusted publishing, and not evaluated on a registry without _npmUser', () => {
    const spec = { name: 'p', versions: [v('3.0.0', '2024-01-01T00:00:00Z'), v('3.0.1', '2024-02-01T00:00:00Z', { publisher: ci, attestations: true })] };
    expect(provenanceDropped.check(context(upgrade('p', '3.0.0', '3.0.1'), spec)).findings).toEqual([]);
    const lost = { name: 'p', versions: [v('5.1.0', '2024-01-01T00:00:00Z', { attestations: true }), v('5.1.1', '2024-02-01T00:00:00Z')] };
    expect(provenanceDropped.check(context(upgrade('p', '5.1.0', '5.1.1'), stripped(lost))).unchecked).toMatch(/_npmUser/);
  });
});
