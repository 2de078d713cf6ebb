import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Arborist from '@npmcli/arborist';
import { LockfileError } from '../errors.js';
import { npmEntryLines } from './npm-lines.js';
import type { LockfileData } from './parse.js';
import { compareLocation, type TreeShape } from './snapshot.js';
import type { Edge, EdgeType, PackageNode } from '../model.js';
import type { LockfileText } from './source.js';

/**
 * The loader of record: Arborist's loadVirtual. Arborist reads from disk, and git content has no
 * directory, so the lockfile is copied into a private temporary directory (with its
 * package.json, and the workspace manifests Arborist needs to flag nodes correctly); the
 * project itself is never touched. Used for lockfile v1, and by the tests as the oracle the fast
 * loader must match.
 */
export async function loadWithArborist(
  text: LockfileText & { lockfile: string },
  data: LockfileData,
  packageJson: Record<string, unknown> | null,
): Promise<TreeShape> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'depguard-lock-'));
  try {
    await writeFile(path.join(dir, text.fileName === 'npm-shrinkwrap.json' ? 'npm-shrinkwrap.json' : 'package-lock.json'), text.lockfile);
    if (packageJson !== null) await writeFile(path.join(dir, 'package.json'), JSON.stringify(packageJson));
    await writeWorkspaceManifests(dir, data);
    const { default: ArboristClass } = await import('@npmcli/arborist');
    const tree = await new ArboristClass({ path: dir }).loadVirtual().catch((error: Error) => {
      throw new LockfileError(text.label, `cannot be loaded (${error.message.split('\n')[0]})`);
    });
    return toShape(tree, dir, npmEntryLines(text.lockfile, data.lockfileVersion));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Workspace folders are lockfile keys outside node_modules; Arborist wants their package.json. */
async function writeWorkspaceManifests(dir: string, data: LockfileData): Promise<void> {
  for (const [key, entry] of Object.entries(data.packages)) {
    if (key === '' || key.startsWith('node_modules/') || key.includes('/node_modules/')) continue;
    const target = path.join(dir, key);
    if (!target.startsWith(dir + path.sep)) continue;
    await mkdir(target, { recursive: true });
    const manifest: Record<string, unknown> = {};
    for (const field of [
      'name',
      'version',
      'dependencies',
      'devDependencies',
      'optionalDependencies',
      'peerDependencies',
      'peerDependenciesMeta',
    ]) {
      if (entry[field] !== undefined) manifest[field] = entry[field];
    }
    await writeFile(path.join(target, 'package.json'), JSON.stringify(manifest));
  }
}

function toShape(tree: Arborist.Node, dir: string, lines: ReadonlyMap<string, number>): TreeShape {
  // Arborist spells workspace specs with the absolute path of the temporary directory
  const local = `file:${dir}/`;
  const nodes: PackageNode[] = [];
  const edges: Edge[] = [];
  for (const node of tree.inventory.values()) {
    const isRoot = node.isProjectRoot;
    nodes.push({
      location: node.location,
      name: isRoot || !node.location.includes('node_modules') ? node.packageName : node.name,
      packageName: node.packageName ?? node.name,
      version: node.version ?? '',
      resolved: node.resolved ?? null,
      integrity: node.integrity ?? null,
      dev: node.dev,
      optional: node.optional,
      devOptional: node.devOptional,
      isRoot,
      isLink: node.isLink,
      isWorkspace: node.isWorkspace,
      target: node.isLink ? (node.target?.location ?? null) : null,
      hasInstallScript: node.hasInstallScript,
      inBundle: node.inBundle,
      line: lines.get(node.location) ?? null,
    });
    if (node.isLink) continue;
    for (const edge of node.edgesOut.values()) {
      edges.push({
        from: node.location,
        to: edge.to?.location ?? null,
        name: edge.name,
        spec: edge.spec.startsWith(local) ? `file:${edge.spec.slice(local.length)}` : edge.spec,
        type: edge.type as EdgeType,
      });
    }
  }
  return sortShape(nodes, edges);
}

/** One canonical order, so two loaders of the same lockfile give deep-equal shapes. */
function sortShape(nodes: PackageNode[], edges: Edge[]): TreeShape {
  nodes.sort((a, b) => compareLocation(a.location, b.location));
  edges.sort((a, b) => compareLocation(a.from, b.from) || compareLocation(a.name, b.name));
  return { nodes, edges };
}
