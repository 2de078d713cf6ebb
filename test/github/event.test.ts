import { describe, expect, it } from 'vitest';
import { pullRequestOf, pushEventOf } from '../../src/github/event.js';

const SHA = 'ab'.repeat(20);
const repo = (full_name: string) => ({ full_name });

describe('the GitHub event payload', () => {
  it('a push: the commit before it, none for a new ref (forty zeros), and the default branch', () => {
    expect(pushEventOf({ before: SHA, ref: 'refs/heads/x', repository: { default_branch: 'main' } })).toEqual({
      before: SHA,
      ref: 'refs/heads/x',
      defaultBranch: 'main',
    });
    expect(pushEventOf({ before: '0'.repeat(40), ref: 'refs/tags/v1' })).toEqual({
      before: null,
      ref: 'refs/tags/v1',
      defaultBranch: null,
    });
    // a SHA-256 repository's object names are 64 digits
    expect(pushEventOf({ before: 'c'.repeat(64), ref: 'refs/heads/x' })?.before).toBe('c'.repeat(64));
    for (const payload of [null, [], {}, { before: '--upload-pack=x', ref: 'r' }, { before: SHA }, { before: 'HEAD~1', ref: 'r' }])
      expect(pushEventOf(payload), JSON.stringify(payload)).toBeNull();
  });

  it('a pull request: its number, head commit, and whether it comes from a fork', () => {
    const pr = (head: object, base: object = { repo: repo('o/r') }, number: unknown = 3) => ({ pull_request: { number, head, base } });
    expect(pullRequestOf(pr({ sha: SHA, repo: repo('o/r') }))).toEqual({ number: 3, headSha: SHA, fromFork: false });
    expect(pullRequestOf(pr({ sha: SHA, repo: repo('fork/r') }))).toMatchObject({ fromFork: true });
    // a fork since deleted: GitHub sends no head repository
    expect(pullRequestOf(pr({ sha: SHA, repo: null }))).toMatchObject({ fromFork: true });
    expect(pullRequestOf({ before: SHA, ref: 'refs/heads/main' })).toBeNull();
    expect(pullRequestOf(pr({ sha: SHA }, {}, '3'))).toBeNull();
    expect(pullRequestOf(pr({ sha: 'main' }))).toBeNull();
    expect(pullRequestOf(JSON.parse('{"__proto__": {"pull_request": {"number": 1}}}'))).toBeNull();
  });
});
