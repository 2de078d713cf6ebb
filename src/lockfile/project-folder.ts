import { existsSync } from 'node:fs';
import path from 'node:path';
import { readRegularFile } from '../files.js';
import { BUN_BINARY, LOCKFILE_NAMES } from './detect.js';
import { matchWorkspaces, workspacePatterns } from './workspaces.js';

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * The folder whose lockfile a run from `cwd` reads, found upward as npm finds its project: the
 * nearest folder, `cwd` first, holding a lockfile or a package.json. A package.json without a
 * lockfile beside it that a folder further up declares as a workspace (package.json
 * `workspaces`, pnpm-workspace.yaml) is a workspace package: the lockfile is the workspace
 * root's. So a subfolder of a project reads the project's lockfile and a workspace package the
 * monorepo's, while a project of its own without a lockfile stays where it is (and is told so).
 */
export async function projectFolder(cwd: string): Promise<string> {
  const start = path.resolve(cwd);
  const nearest = ancestors(start).find((dir) => hasLockfile(dir) || existsSync(path.join(dir, 'package.json')));
  if (nearest === undefined) return start;
  if (hasLockfile(nearest)) return nearest;
  for (const dir of ancestors(nearest).slice(1)) {
    if (await declaresWorkspace(dir, nearest)) return dir;
  }
  return nearest;
}

/** `dir`, its parent, and so on up to the root of the file system. */
function ancestors(dir: string): string[] {
  const out = [dir];
  while (path.dirname(out.at(-1)!) !== out.at(-1)) out.push(path.dirname(out.at(-1)!));
  return out;
}

function hasLockfile(dir: string): boolean {
  return [...LOCKFILE_NAMES, BUN_BINARY].some((name) => existsSync(path.join(dir, name)));
}

/** Whether the project in `root` declares `member` one of its workspaces. */
async function declaresWorkspace(root: string, member: string): Promise<boolean> {
  const read = (name: string): string | null => readRegularFile(path.join(root, name), { maxBytes: MAX_MANIFEST_BYTES });
  const manifest = read('package.json');
  const pnpmWorkspace = read('pnpm-workspace.yaml');
  if (manifest === null && pnpmWorkspace === null) return false;
  const relative = path.relative(root, member).split(path.sep).join('/');
  return matchWorkspaces(await workspacePatterns(manifest, pnpmWorkspace), [relative]).length > 0;
}
