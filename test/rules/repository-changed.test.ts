import { describe, expect, it } from 'vitest';
import { normalizeRepository, repositoryChanged } from '../../src/rules/repository-changed.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { person, upgrade } from '../helpers/rules.js';

const v = (version: string, repository: unknown) => ({
  version,
  time: '2022-01-01T00:00:00Z',
  publisher: person('a'),
  maintainers: [person('a')],
  repository,
});
const SAME = [
  'git+https://github.com/Bob/p.git',
  'git://github.com/bob/p',
  'https://www.github.com/bob/p/',
  'git@github.com:bob/p.git',
  'github:bob/p',
  'bob/p',
  'git+ssh://git@github.com/bob/p.git#main',
];

ruleTester.run(repositoryChanged, {
  valid: [
    {
      name: 'two spellings of the same repository',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: { name: 'p', versions: [v('1.0.0', SAME[0]), v('1.0.1', { url: SAME[3] })] },
    },
    {
      name: 'a version without repository',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: { name: 'p', versions: [v('1.0.0', SAME[0]), v('1.0.1', undefined)] },
    },
    {
      name: 'not evaluated when the registry does not list both versions',
      change: upgrade('p', '1.0.0', '1.0.2'),
      registry: { name: 'p', versions: [v('1.0.0', SAME[0])] },
      skipped: [{ reason: 'the registry does not list both versions' }],
    },
  ],
  invalid: [
    {
      name: 'a different repository',
      change: upgrade('p', '1.0.0', '1.0.1'),
      registry: { name: 'p', versions: [v('1.0.0', { type: 'git', url: 'git+https://github.com/bob/p.git' }), v('1.0.1', 'github:b0b/p')] },
      findings: [
        {
          severity: 'low',
          traits: ['source:repository-changed'],
          message: 'repository changed from git+https://github.com/bob/p.git to github:b0b/p',
        },
      ],
    },
  ],
});

describe('normalizeRepository', () => {
  it('treats spellings of the same repository as the same', () => {
    expect(new Set(SAME.map(normalizeRepository))).toEqual(new Set(['github.com/bob/p']));
  });
});
