import { UsageError } from '../errors.js';
import { isDepguardHook } from './script.js';

/** What the hooks directory holds now. */
export interface HooksDirState {
  readonly hookPath: string;
  readonly chainedPath: string;
  /** The pre-commit hook's text ('' when it cannot be read, e.g. a dangling symlink); null when there is none. */
  readonly hook: string | null;
  readonly chained: boolean;
}

export type InstallPlan =
  | { readonly kind: 'unchanged' }
  /** moveExisting: the hook there is not ours and becomes the chained one; chained: ours will run one. */
  | { readonly kind: 'write'; readonly moveExisting: boolean; readonly chained: boolean };

export interface UninstallPlan {
  readonly removeHook: boolean;
  readonly restoreChained: boolean;
}

export function planInstall(state: HooksDirState, script: string): InstallPlan {
  if (state.hook !== null && isDepguardHook(state.hook)) {
    if (state.hook === script) return { kind: 'unchanged' };
    throw new UsageError(`${state.hookPath} is a depguard hook with other settings; run depguard hook uninstall first to replace it`);
  }
  if (state.hook !== null && state.chained) {
    throw new UsageError(`cannot chain ${state.hookPath}: ${state.chainedPath} already exists (move one of them away first)`);
  }
  return { kind: 'write', moveExisting: state.hook !== null, chained: state.hook !== null || state.chained };
}

export function planUninstall(state: HooksDirState): UninstallPlan {
  if (state.hook !== null && !isDepguardHook(state.hook)) {
    throw new UsageError(`${state.hookPath} was not installed by depguard; leaving it alone`);
  }
  return { removeHook: state.hook !== null, restoreChained: state.chained };
}
