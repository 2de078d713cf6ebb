import { lstat, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HooksDirState, InstallPlan, UninstallPlan } from './plan.js';
import { CHAINED_FILE, HOOK_FILE } from './script.js';

export async function readHooksDir(dir: string): Promise<HooksDirState> {
  const hookPath = path.join(dir, HOOK_FILE);
  const chainedPath = path.join(dir, CHAINED_FILE);
  const hook = (await exists(hookPath)) ? await readFile(hookPath, 'utf8').catch(() => '') : null;
  return { hookPath, chainedPath, hook, chained: await exists(chainedPath) };
}

export async function applyInstall(state: HooksDirState, plan: InstallPlan, script: string): Promise<void> {
  if (plan.kind === 'unchanged') return;
  await mkdir(path.dirname(state.hookPath), { recursive: true });
  if (plan.moveExisting) await rename(state.hookPath, state.chainedPath);
  await writeFile(state.hookPath, script, { mode: 0o755, flag: 'wx' });
}

export async function applyUninstall(state: HooksDirState, plan: UninstallPlan): Promise<void> {
  // rename replaces our hook in one step, so there is never a moment without the chained one.
  if (plan.restoreChained) await rename(state.chainedPath, state.hookPath);
  else if (plan.removeHook) await unlink(state.hookPath);
}

/** lstat, so that a dangling symlink counts as a hook that is there. */
async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}
