import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectFolder } from '../../src/lockfile/project-folder.js';

/** A tree of files under a new temporary folder: path -> content. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'depguard-folder-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const LOCK = '{"lockfileVersion": 3}';

describe('projectFolder: the lockfile is found upward, as npm finds its project', () => {
  it('is the current folder when it holds a lockfile, with or without a package.json', async () => {
    const root = tree({ 'package-lock.json': LOCK, 'only/yarn.lock': '', 'package.json': '{}' });
    expect(await projectFolder(root)).toBe(root);
    expect(await projectFolder(path.join(root, 'only'))).toBe(path.join(root, 'only'));
  });

  it('from a subfolder without a package.json, is the project above', async () => {
    const root = tree({ 'package.json': '{}', 'pnpm-lock.yaml': '', 'src/lib/x.js': '' });
    expect(await projectFolder(path.join(root, 'src', 'lib'))).toBe(root);
  });

  it('from a workspace package, is the workspace root that declares it (package.json or pnpm-workspace.yaml)', async () => {
    const npm = tree({
      'package.json': '{"workspaces": ["packages/*", "tools/cli"]}',
      'package-lock.json': LOCK,
      'packages/api/package.json': '{}',
      'packages/api/src/index.js': '',
      'tools/cli/package.json': '{}',
    });
    expect(await projectFolder(path.join(npm, 'packages', 'api'))).toBe(npm);
    expect(await projectFolder(path.join(npm, 'packages', 'api', 'src'))).toBe(npm);
    expect(await projectFolder(path.join(npm, 'tools', 'cli'))).toBe(npm);
    const yarn = tree({ 'package.json': '{"workspaces": {"packages": ["apps/**"]}}', 'yarn.lock': '', 'apps/a/b/package.json': '{}' });
    expect(await projectFolder(path.join(yarn, 'apps', 'a', 'b'))).toBe(yarn);
    const pnpm = tree({
      'package.json': '{}',
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'pnpm-lock.yaml': '',
      'packages/web/package.json': '{}',
    });
    expect(await projectFolder(path.join(pnpm, 'packages', 'web'))).toBe(pnpm);
  });

  it('leaves a project of its own where it is: a package.json no folder above declares, or excludes', async () => {
    const root = tree({
      'package.json': '{"workspaces": ["packages/*", "!packages/private"]}',
      'package-lock.json': LOCK,
      'examples/demo/package.json': '{}',
      'packages/private/package.json': '{}',
      'packages/own/package.json': '{}',
      'packages/own/package-lock.json': LOCK,
    });
    expect(await projectFolder(path.join(root, 'examples', 'demo'))).toBe(path.join(root, 'examples', 'demo'));
    expect(await projectFolder(path.join(root, 'packages', 'private'))).toBe(path.join(root, 'packages', 'private'));
    // a workspace package with a lockfile of its own (pnpm's shared-workspace-lockfile=false) reads that one
    expect(await projectFolder(path.join(root, 'packages', 'own'))).toBe(path.join(root, 'packages', 'own'));
  });
});
