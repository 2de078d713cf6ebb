import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { planInstall, planUninstall, type HooksDirState } from '../../src/hook/plan.js';

const OURS = '#!/bin/sh\n# depguard-hook v1\nexit 0\n';
const OTHER = '#!/bin/sh\nnpm test\n';

function state(hook: string | null, chained = false): HooksDirState {
  return { hookPath: '/r/.git/hooks/pre-commit', chainedPath: '/r/.git/hooks/pre-commit.depguard-chained', hook, chained };
}

describe('planInstall', () => {
  it('writes the hook where there is none', () => {
    expect(planInstall(state(null), OURS)).toEqual({ kind: 'write', moveExisting: false, chained: false });
  });

  it('moves a hook that is not ours aside and chains it', () => {
    expect(planInstall(state(OTHER), OURS)).toEqual({ kind: 'write', moveExisting: true, chained: true });
    expect(planInstall(state(''), OURS)).toEqual({ kind: 'write', moveExisting: true, chained: true });
  });

  it('chains a hook left aside by an earlier install', () => {
    expect(planInstall(state(null, true), OURS)).toEqual({ kind: 'write', moveExisting: false, chained: true });
  });

  it('changes nothing when the same hook is installed', () => {
    expect(planInstall(state(OURS, true), OURS)).toEqual({ kind: 'unchanged' });
  });

  it('refuses to replace our hook written with other settings, and to overwrite a chained hook', () => {
    expect(() => planInstall(state(OURS.replace('exit 0', 'exit 1')), OURS)).toThrow(
      new UsageError('/r/.git/hooks/pre-commit is a depguard hook with other settings; run depguard hook uninstall first to replace it'),
    );
    expect(() => planInstall(state(OTHER, true), OURS)).toThrow(
      new UsageError(
        'cannot chain /r/.git/hooks/pre-commit: /r/.git/hooks/pre-commit.depguard-chained already exists (move one of them away first)',
      ),
    );
  });

  it('recognises a hook written by a later depguard as ours', () => {
    expect(() => planInstall(state('#!/bin/sh\n# depguard-hook v2\n'), OURS)).toThrow(/is a depguard hook with other settings/);
  });
});

describe('planUninstall', () => {
  it('removes our hook and restores the chained one', () => {
    expect(planUninstall(state(OURS, true))).toEqual({ removeHook: true, restoreChained: true });
    expect(planUninstall(state(OURS))).toEqual({ removeHook: true, restoreChained: false });
    expect(planUninstall(state(null, true))).toEqual({ removeHook: false, restoreChained: true });
    expect(planUninstall(state(null))).toEqual({ removeHook: false, restoreChained: false });
  });

  it('refuses to touch a hook that is not ours', () => {
    expect(() => planUninstall(state(OTHER, true))).toThrow(
      new UsageError('/r/.git/hooks/pre-commit was not installed by depguard; leaving it alone'),
    );
    expect(() => planUninstall(state('#!/bin/sh\necho "# depguard-hook v1"\n'))).toThrow(UsageError);
  });
});
