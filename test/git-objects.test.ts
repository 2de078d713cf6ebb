import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GitError } from '../src/errors.js';
import { ObjectReader } from '../src/git-objects.js';
import { tempRepo } from './helpers/git.js';

const write = (repo: string, text: string): string =>
  execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: text, encoding: 'utf8' }).trim();

describe('ObjectReader: one git cat-file --batch for many objects', () => {
  it('answers in order: content, missing objects, objects over the limit (passed over, the stream kept in step)', async () => {
    const repo = tempRepo();
    const small = write(repo, 'small\n');
    const large = write(repo, 'x'.repeat(100_000));
    const other = write(repo, 'line one\nline two\n');
    const reader = new ObjectReader(repo, 1000);
    try {
      const answers = await Promise.all([small, 'f'.repeat(40), large, other].map((id) => reader.read(id)));
      expect(answers[0]).toEqual({ kind: 'found', type: 'blob', content: Buffer.from('small\n') });
      expect(answers[1]).toEqual({ kind: 'missing' });
      expect(answers[2]).toEqual({ kind: 'too-large', type: 'blob', size: 100_000 });
      expect(answers[3]).toEqual({ kind: 'found', type: 'blob', content: Buffer.from('line one\nline two\n') });
    } finally {
      reader.close();
    }
  });

  it('writes only object ids to git: a name or a line break is refused before it gets there', async () => {
    const reader = new ObjectReader(tempRepo(), 1000);
    try {
      await expect(reader.read('HEAD')).rejects.toThrow(GitError);
      await expect(reader.read(`${'a'.repeat(40)}\nHEAD`)).rejects.toThrow(GitError);
    } finally {
      reader.close();
    }
  });
});
