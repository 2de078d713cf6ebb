import { RegistryError } from '../errors.js';
import { differentBytes, parseIntegrity } from '../integrity.js';
import { isPackage, type PackageNode, type PackageFacts } from '../model.js';
import { mapLimit, type MetadataClient } from '../registry/client.js';
import { localOrGitSource, nonRegistrySource } from '../sources.js';
import type { ComponentFacts } from './bom.js';

/** What asking the registry gave, for the SBOM and for what the CLI says about it. */
export interface RegistryFacts {
  /** By node location: only what the registry served for that very artifact. */
  readonly byLocation: ReadonlyMap<string, ComponentFacts>;
  /** Package names asked about. */
  readonly asked: number;
  /** Names whose document names no publisher for any version (a registry that strips `_npmUser`). */
  readonly withoutPublishers: number;
  /** Locked versions the registry's document lists a provenance attestation for. */
  readonly withProvenance: number;
  /** Names whose facts could not be had, with why. */
  readonly unavailable: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
  /** name@version the registry does not list, or lists with other bytes than the lockfile's integrity: nothing recorded for them. */
  readonly notMatched: readonly string[];
}

/**
 * Registry facts for every registry package of the tree: each name asked once (for the versions
 * locked), at most `concurrency` at a time. Git, folder, remote-tarball and patched packages are
 * not the registry's artifacts, and a version whose registry integrity differs from the
 * lockfile's is another artifact: neither gets the registry's word.
 */
export async function registryFacts(nodes: readonly PackageNode[], client: MetadataClient, concurrency: number): Promise<RegistryFacts> {
  const wanted = new Map<string, PackageNode[]>();
  for (const node of nodes) {
    if (!isPackage(node) || nonRegistrySource(node.resolved) !== null || localOrGitSource(node.resolved) === 'patch') continue;
    const list = wanted.get(node.packageName);
    if (list) list.push(node);
    else wanted.set(node.packageName, [node]);
  }
  const byLocation = new Map<string, ComponentFacts>();
  const unavailable: Array<{ name: string; reason: string }> = [];
  const notMatched: string[] = [];
  let withoutPublishers = 0;
  let withProvenance = 0;
  const names = [...wanted.keys()];
  await mapLimit(names, concurrency, async (name) => {
    const copies = wanted.get(name)!;
    let facts: PackageFacts;
    try {
      facts = await client.packageFacts(name, [...new Set(copies.map((n) => n.version))]);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      unavailable.push({ name, reason: error.reason });
      return;
    }
    if (facts.missing.publishers) withoutPublishers++;
    for (const node of copies) {
      const version = facts.versions.get(node.version);
      if (version === undefined || otherBytes(node.integrity, version.integrity)) {
        notMatched.push(`${name}@${node.version}`);
        continue;
      }
      if (version.hasProvenance) withProvenance++;
      byLocation.set(node.location, {
        ...(version.publisher ? { publisher: version.publisher } : {}),
        provenance: version.hasProvenance,
      });
    }
  });
  unavailable.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { byLocation, asked: names.length, withoutPublishers, withProvenance, unavailable, notMatched: [...new Set(notMatched)].sort() };
}

function otherBytes(locked: string | null, registry: string | undefined): boolean {
  if (!locked || !registry) return false;
  const a = parseIntegrity(locked);
  const b = parseIntegrity(registry);
  return a !== null && b !== null && differentBytes(a, b);
}
