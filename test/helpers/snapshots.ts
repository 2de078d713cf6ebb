import type { Declared, Snapshot } from '../../src/model.js';

/**
 * A head or base snapshot for the project rules: the root's package.json (`manifest`), what the
 * lockfile was made for (`lockedRoot`) and what each root dependency resolves to (`locked`,
 * name -> version), as root edges to packages in node_modules.
 */
export function projectSnapshot(
  parts: { manifest?: Declared | null; lockedRoot?: Declared | null; locked?: Record<string, string> } = {},
): Snapshot {
  const locked = Object.entries(parts.locked ?? {});
  const node = (location: string, name: string, version: string, isRoot = false) => ({
    location,
    name,
    packageName: name,
    version,
    resolved: null,
    integrity: null,
    dev: false,
    optional: false,
    devOptional: false,
    isRoot,
    isLink: false,
    isWorkspace: false,
    target: null,
    hasInstallScript: false,
    inBundle: false,
    line: isRoot ? 3 : null,
  });
  return {
    source: 'package-lock.json',
    format: 'npm',
    nodes: [node('', 'app', '1.0.0', true), ...locked.map(([name, version]) => node(`node_modules/${name}`, name, version))],
    edges: locked.map(([name, version]) => ({ from: '', to: `node_modules/${name}`, name, spec: `^${version}`, type: 'prod' as const })),
    manifest: parts.manifest === undefined ? null : parts.manifest,
    lockedRoot: parts.lockedRoot === undefined ? null : parts.lockedRoot,
  };
}
