import { describe, expect, it } from 'vitest';
import { normalizeRepository, repositoryChanged } from '../../src/rules/repository-changed.js';
import { context, person, upgrade } from '../helpers/rules.js';

const v = (version: string, repository: unknown) => ({ version, time: '2022-01-01T00:00:00Z', publisher: person('a'), maintainers: [person('a')], repository });

describe('repository-changed', () => {
  it('flags a different repository', () => {
    const out = repositoryChanged.check(context(upgrade('p', '1.0.0', '1.0.1'), { name: 'p', versions: [v('1.0.0', { type: 'git', url: 'git+https://github.com/bob/p.git' }), v('1.0.1', 'github:b0b/p')] }));
    expect(out.findings[0]).toMatchObject({ severity: 'low', traits: ['source:repository-changed'] });
  });

  it('treats spellings of the same repository as the same', () => {
    const same = ['git+https://github.com/Bob/p.git', 'git://github.com/bob/p', 'https://www.github.com/bob/p/', 'git@github.com:bob/p.git', 'github:bob/p', 'bob/p', 'git+ssh://git@github.com/bob/p.git#main'];
    expect(new Set(same.map(normalizeRepository))).toEqual(new Set(['github.com/bob/p']));
    expect(repositoryChanged.check(context(upgrade('p', '1.0.0', '1.0.1'), { name: 'p', versions: [v('1.0.0', same[0]), v('1.0.1', { url: same[3] })] })).findings).toEqual([]);
  });
});
