import { globsMatcher } from '../glob.js';

/**
 * The workspace folders a project declares: the root package.json's `"workspaces": [globs]` or
 * `{ "packages": [globs] }` (npm, Yarn, Bun), and pnpm-workspace.yaml's `packages`. A yarn.lock
 * records neither which folders are workspaces nor what they declare, and pnpm's importers do
 * not record their names, so the loaders need these package.json files.
 */
export async function workspacePatterns(packageJson: string | null, pnpmWorkspace: string | null): Promise<string[]> {
  // the YAML parser is loaded only for projects that have a pnpm-workspace.yaml
  const parseYaml = pnpmWorkspace === null ? null : (await import('yaml')).parse;
  const lists = [globsOf(() => JSON.parse(packageJson ?? 'null'), 'workspaces'), parseYaml ? globsOf(() => parseYaml(pnpmWorkspace!) as unknown, null) : []];
  return [...new Set(lists.flat())];
}

function globsOf(parse: () => unknown, field: string | null): string[] {
  let doc: unknown;
  try {
    doc = parse();
  } catch {
    return [];
  }
  if (doc === null || typeof doc !== 'object') return [];
  const value = field === null ? doc : (doc as Record<string, unknown>)[field];
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? (value as Record<string, unknown>).packages : undefined;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
}

/** The candidate folders (relative, '/'-separated, holding a package.json) the patterns select. */
export function matchWorkspaces(patterns: readonly string[], folders: readonly string[]): string[] {
  const selected = globsMatcher(patterns);
  return folders.filter((f) => f !== '' && !f.split('/').includes('node_modules') && selected(f)).sort();
}
