import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../src/registry/facts.js';
import { versionUnpublished } from '../../src/rules/version-unpublished.js';
import { context, NOW, person, SETTINGS, upgrade } from '../helpers/rules.js';
import { buildPackument } from '../../scripts/fixture-registry.mjs';

const v = (version: string, extra: Record<string, unknown> = {}) => ({ version, time: '2023-01-01T00:00:00Z', publisher: person('a'), maintainers: [person('a')], ...extra });

function withDoc(change: ReturnType<typeof upgrade>, doc: Record<string, unknown>) {
  const facts = extractFacts(doc, change.name);
  return { change, facts, before: facts.versions.get(change.before!.version), after: facts.versions.get(change.after!.version), now: NOW, settings: SETTINGS };
}

describe('version-unpublished', () => {
  it('is high for a locked version the registry withdrew (gone from versions, still in time)', () => {
    const doc = buildPackument({ name: 'p', versions: [v('1.0.0'), v('1.0.1')] });
    delete doc.versions['1.0.1'];
    expect(versionUnpublished.check(withDoc(upgrade('p', '1.0.0', '1.0.1'), doc)).findings[0]).toMatchObject({ severity: 'high', evidence: { unpublished: 'version' } });
  });

  it('is critical for a package replaced by a 0.0.1-security placeholder', () => {
    const doc = buildPackument({ name: 'p', versions: [v('1.0.0'), v('0.0.1-security')], latest: '0.0.1-security' });
    delete doc.versions['1.0.0'];
    expect(versionUnpublished.check(withDoc(upgrade('p', '0.9.0', '1.0.0'), doc)).findings[0]!.severity).toBe('critical');
  });

  it('is high when the whole package was unpublished', () => {
    const doc = { _id: 'p', name: 'p', time: { created: '2020-01-01T00:00:00Z', modified: '2024-01-01T00:00:00Z', '1.0.0': '2020-01-01T00:00:00Z', unpublished: { time: '2024-01-01T00:00:00Z', versions: ['1.0.0'] } } };
    expect(versionUnpublished.check(withDoc(upgrade('p', '0.9.0', '1.0.0'), doc)).findings[0]).toMatchObject({ severity: 'high', evidence: { unpublished: 'package' } });
  });

  it('is low for a newly deprecated version, and quiet otherwise', () => {
    expect(versionUnpublished.check(context(upgrade('p', '1.0.0', '1.1.0'), { name: 'p', versions: [v('1.0.0'), v('1.1.0', { deprecated: 'use q' })] })).findings[0]).toMatchObject({ severity: 'low', evidence: { deprecated: 'use q' } });
    expect(versionUnpublished.check(context(upgrade('p', '1.0.0', '1.1.0'), { name: 'p', versions: [v('1.0.0', { deprecated: 'old' }), v('1.1.0', { deprecated: 'old' })] })).findings).toEqual([]);
  });
});
