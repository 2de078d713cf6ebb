import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Env } from '../trust.js';
import type { ManagerName } from './command.js';
import { runManager } from './sandbox.js';

/** How the package manager is started: an executable, and what goes before the command's arguments (Corepack's `pnpm@9.15.0`). */
export interface ManagerLauncher {
  readonly executable: string;
  readonly prefix: readonly string[];
}

/** The `packageManager` field of the project's package.json (`pnpm@9.15.0+sha512...`): name and version. */
export function packageManagerField(packageJson: string | null): { readonly name: string; readonly version: string } | null {
  if (packageJson === null) return null;
  let field: unknown;
  try {
    field = (JSON.parse(packageJson) as { packageManager?: unknown }).packageManager;
  } catch {
    return null;
  }
  if (typeof field !== 'string') return null;
  const match = /^(npm|pnpm|yarn|bun)@([^+\s]+)/.exec(field);
  return match ? { name: match[1]!, version: match[2]! } : null;
}

/**
 * The package manager as the project would run it. Without a `packageManager` pin: the one on
 * PATH. With one: the one on PATH when it is Corepack's shim (which runs the pinned version) or
 * is the pinned version; else Corepack, when it is on PATH, asked for the pinned version; else
 * the one on PATH (pnpm and Yarn Berry follow a pin themselves). A project pinned to another
 * manager, and a missing manager, are one-line errors naming it.
 */
export async function locateManager(
  manager: ManagerName,
  packageJson: string | null,
  env: Env,
  run: { readonly cwd: string; readonly env: Record<string, string>; readonly signal?: AbortSignal },
): Promise<ManagerLauncher> {
  const field = packageManagerField(packageJson);
  if (field !== null && field.name !== manager)
    throw new UsageError(`the project uses ${field.name} (packageManager in package.json), not ${manager}: preview -- ${field.name} ...`);
  const onPath = findOnPath(manager, env);
  const pinned = field?.version;
  if (onPath !== null && (pinned === undefined || isCorepackShim(onPath) || (await versionOf(onPath, run)) === pinned))
    return { executable: onPath, prefix: [] };
  const corepack = pinned === undefined ? null : findOnPath('corepack', env);
  if (corepack !== null) return { executable: corepack, prefix: [`${manager}@${pinned}`] };
  if (onPath !== null) return { executable: onPath, prefix: [] };
  throw new UsageError(
    `${manager} is not installed (not found on PATH${pinned === undefined ? '' : `; the project pins ${manager}@${pinned}`}): install it, or enable Corepack (corepack enable), and preview again`,
  );
}

/** The version a manager says it is (its last line of output); null when it fails. */
async function versionOf(executable: string, run: Parameters<typeof locateManager>[3]): Promise<string | null> {
  const ran = await runManager(executable, ['--version'], run);
  return ran.code === 0 ? (ran.output.trim().split('\n').pop()?.trim() ?? null) : null;
}

/** Corepack's shims (what `corepack enable` links) run the version the packageManager field pins. */
function isCorepackShim(file: string): boolean {
  try {
    return realpathSync(file).split(path.sep).includes('corepack');
  } catch {
    return false;
  }
}

/** The executable `name` on PATH, as the shell would find it; null when none. */
function findOnPath(name: string, env: Env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const file = path.join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}
