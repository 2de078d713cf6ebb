import { describe, expect, it } from 'vitest';
import { buildPackument } from '../scripts/fixture-registry.mjs';
import { extractFacts } from '../src/registry/facts.js';
import { ScopeHistory, summarise } from '../src/run-history.js';
import { person } from './helpers/rules.js';

const facts = (name: string, versions: Array<{ version: string; time: string; by: string }>) =>
  extractFacts(
    buildPackument({ name, versions: versions.map((v) => ({ version: v.version, time: v.time, publisher: person(v.by) })) }),
    name,
  );

describe('ScopeHistory', () => {
  const scopes = new ScopeHistory();
  scopes.record(
    facts('@team/a', [
      { version: '1.0.0', time: '2018-01-01T00:00:00Z', by: 'Bob' },
      { version: '1.1.0', time: '2017-01-01T00:00:00Z', by: 'bob' },
    ]),
  );
  scopes.record(facts('@team/b', [{ version: '2.0.0', time: '2019-01-01T00:00:00Z', by: 'bob' }]));
  scopes.record(facts('unscoped', [{ version: '1.0.0', time: '2010-01-01T00:00:00Z', by: 'bob' }]));

  it("gives an account's earliest release of another package of the scope, names compared without case", () => {
    expect(scopes.earliestElsewhere('@team/b', 'BOB')).toEqual({
      name: '@team/a',
      version: '1.1.0',
      publishedAt: Date.parse('2017-01-01T00:00:00Z'),
    });
    expect(scopes.earliestElsewhere('@team/a', 'bob')?.name).toBe('@team/b');
  });

  it('knows nothing of the package itself, of other scopes, of unscoped names or of other accounts', () => {
    expect(scopes.earliestElsewhere('@team/c', 'alice')).toBeUndefined();
    expect(scopes.earliestElsewhere('@other/x', 'bob')).toBeUndefined();
    expect(scopes.earliestElsewhere('unscoped-2', 'bob')).toBeUndefined();
  });
});

describe('summarise', () => {
  it('says when the package was first published, by whom, who publishes it and whether the base tree had it', () => {
    const summary = summarise(
      facts('dep', [
        { version: '1.0.0', time: '2015-01-01T00:00:00Z', by: 'Carol' },
        { version: '1.1.0', time: '2016-01-01T00:00:00Z', by: 'dave' },
      ]),
      true,
    );
    expect(summary).toMatchObject({ firstPublisher: 'Carol', publishers: ['carol', 'dave'], inBaseTree: true });
  });
});
