import { globsMatcher } from '../glob.js';
import { isRecord } from '../records.js';

/**
 * The workspace folders a project declares: the root package.json's `"workspaces": [globs]` or
 * `{ "packages": [globs] }` (npm, Yarn, Bun), and pnpm-workspace.yaml's `packages`. A yarn.lock
 * records neither which folders are workspaces nor what they declare, and pnpm's importers do
 * not record their names, so the loaders need these package.json files.
 */
export async function workspacePatterns(packageJson: string | null, pnpmWorkspace: string | null): Promise<string[]> {
  // the YAML parser is loaded only for projects that have a pnpm-workspace.yaml
  const parseYaml = pnpmWorkspace === null ? null : (await import('yaml')).parse;
  const lists = [
    workspaceGlobs(parsed(() => JSON.parse(packageJson ?? 'null'))),
    parseYaml ? strings(globList(parsed(() => parseYaml(pnpmWorkspace!)))) : [],
  ];
  return [...new Set(lists.flat())];
}

/** A package.json's `workspaces` as written, `[globs]` or `{ "packages": [globs] }`, whatever the list holds; [] when there is none. */
export function declaredWorkspaces(manifest: unknown): unknown[] {
  return isRecord(manifest) ? globList(manifest.workspaces) : [];
}

/** The globs of a package.json's `workspaces`. */
export function workspaceGlobs(manifest: unknown): string[] {
  return strings(declaredWorkspaces(manifest));
}

/** `[globs]`, or `{ packages: [globs] }` (Yarn's form, and pnpm-workspace.yaml's). */
function globList(value: unknown): unknown[] {
  const list = Array.isArray(value) ? value : isRecord(value) ? value.packages : undefined;
  return Array.isArray(list) ? list : [];
}

function strings(list: readonly unknown[]): string[] {
  return list.filter((p): p is string => typeof p === 'string');
}

function parsed(parse: () => unknown): unknown {
  try {
    return parse();
  } catch {
    return null;
  }
}

/** The candidate folders (relative, '/'-separated, holding a package.json) the patterns select. */
export function matchWorkspaces(patterns: readonly string[], folders: readonly string[]): string[] {
  const selected = globsMatcher(patterns);
  return folders.filter((f) => f !== '' && !f.split('/').includes('node_modules') && selected(f)).sort();
}
