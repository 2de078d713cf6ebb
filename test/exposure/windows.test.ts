import { describe, expect, it } from 'vitest';
import type { History } from '../../src/exposure/history.js';
import { lineWindows, type RevisionAnswer } from '../../src/exposure/windows.js';

/** A line of commits c1..cN, each changing the lockfiles it names: blob ids are the versions locked ('-' deleted, '!' unreadable). */
function line(changes: Record<string, Record<string, string>>): { commits: string[]; history: History } {
  const commits = Object.keys(changes);
  const history: History = {
    commits: new Map(commits.map((c, i) => [c, { time: i, parent: i === 0 ? null : commits[i - 1]! }])),
    changes: new Map(
      commits.map((c) => [c, Object.entries(changes[c]!).map(([path, blob]) => ({ path, blob: blob === '-' ? null : blob }))]),
    ),
  };
  return { commits, history };
}

const answer = (_path: string, blob: string): RevisionAnswer =>
  blob === '!' ? { error: 'is not valid JSON' } : { versions: blob === '' ? [] : blob.split(',') };

describe('lineWindows', () => {
  it('opens a window when a version appears and closes it when it goes: add, upgrade, remove, re-add', () => {
    const { commits, history } = line({
      c1: { 'package-lock.json': '' },
      c2: { 'package-lock.json': '3.3.4' },
      c3: { 'package-lock.json': '3.3.6' },
      c4: { 'package-lock.json': '' },
      c5: { 'package-lock.json': '3.3.6' },
    });
    expect(lineWindows(commits, history, answer, () => true)).toEqual({
      windows: [
        { lockfile: 'package-lock.json', version: '3.3.4', entered: 'c2', left: 'c3' },
        { lockfile: 'package-lock.json', version: '3.3.6', entered: 'c3', left: 'c4' },
        { lockfile: 'package-lock.json', version: '3.3.6', entered: 'c5', left: null },
      ],
      unreadable: [],
    });
  });

  it('keeps a version locked through revisions that keep it, per lockfile, and closes it when the lockfile is deleted', () => {
    const { commits, history } = line({
      c1: { 'a/package-lock.json': '1.0.0', 'b/yarn.lock': '1.0.0' },
      c2: { 'a/package-lock.json': '1.0.0,2.0.0' },
      c3: { 'a/package-lock.json': '-' },
    });
    expect(lineWindows(commits, history, answer, () => true).windows).toEqual([
      { lockfile: 'a/package-lock.json', version: '1.0.0', entered: 'c1', left: 'c3' },
      { lockfile: 'a/package-lock.json', version: '2.0.0', entered: 'c2', left: 'c3' },
      { lockfile: 'b/yarn.lock', version: '1.0.0', entered: 'c1', left: null },
    ]);
  });

  it('only the versions asked about; an unreadable revision is listed and changes nothing', () => {
    const { commits, history } = line({
      c1: { 'package-lock.json': '3.3.4' },
      c2: { 'package-lock.json': '!' },
      c3: { 'package-lock.json': '3.3.6' },
    });
    expect(lineWindows(commits, history, answer, (v) => v === '3.3.4')).toEqual({
      windows: [{ lockfile: 'package-lock.json', version: '3.3.4', entered: 'c1', left: 'c3' }],
      unreadable: [{ lockfile: 'package-lock.json', commit: 'c2', reason: 'is not valid JSON' }],
    });
  });
});
