import { createHash } from 'node:crypto';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { PackageNode, Publisher, Snapshot } from '../model.js';
import { hashesOf } from './hashes.js';
import { purlOf, splitName } from './purl.js';

/** What the registry said about one locked package, when depguard asked (see registry-facts.ts). */
export interface ComponentFacts {
  readonly publisher?: Publisher;
  /** The registry's document lists a provenance attestation for this version (`dist.attestations`). */
  readonly provenance: boolean;
}

export interface BomInput {
  readonly snapshot: Snapshot;
  /** The lockfile's file name, recorded in the metadata. */
  readonly lockfileName: string;
  /** The project's name when its lockfile records none (the project folder's name). */
  readonly fallbackName: string;
  readonly toolVersion: string;
  /** Registry facts by node location; absent when depguard did not ask. */
  readonly facts?: ReadonlyMap<string, ComponentFacts>;
  /** When the BOM was made; absent: not recorded. */
  readonly timestamp?: Date;
  /**
   * A random `urn:uuid:` serial number, or 'content' for one derived from the BOM itself (the
   * same lockfile gives the same bytes: `--reproducible`).
   */
  readonly serialNumber: string | 'content';
}

/** Property names: CycloneDX's npm taxonomy where it has one (as npm sbom and cyclonedx-npm write them), depguard's own otherwise. */
export const PROPERTY = {
  development: 'cdx:npm:package:development',
  bundled: 'cdx:npm:package:bundled',
  path: 'cdx:npm:package:path',
  reproducible: 'cdx:reproducible',
  workspace: 'depguard:workspace',
  lockfile: 'depguard:lockfile',
  publisher: 'depguard:publisher',
  trustedPublisher: 'depguard:trusted-publisher',
  provenance: 'depguard:provenance',
} as const;

/** Formats whose lockfile records where each package is installed: their locations are real paths. */
const LAYOUT_RECORDED: ReadonlySet<Snapshot['format']> = new Set(['npm', 'bun']);

/** The longest `version` the CycloneDX 1.6 schema allows. */
const MAX_VERSION = 1024;

/** A UUID namespace of depguard's own, for serial numbers derived from content (RFC 9562 version 5). */
const SERIAL_NAMESPACE = Buffer.from('5e1a0b7c9d2f4e6a8b3c1d0e2f4a6b8c', 'hex');

/**
 * The locked tree as a CycloneDX 1.6 JSON BOM, modelled and serialised by the CycloneDX library:
 * the project (the lockfile's root) as metadata.component, every other node of the snapshot as a
 * component (a workspace too, marked depguard:workspace; a link stands for the folder it points
 * to), and the lockfile's dependency edges as the dependency graph.
 */
export function buildBom(input: BomInput): { readonly json: string; readonly components: number } {
  const { snapshot } = input;
  const bom = new Models.Bom();
  const nodes = new Map(snapshot.nodes.map((n) => [n.location, n]));
  const rootNode = snapshot.nodes.find((n) => n.isRoot);
  const members = snapshot.nodes.filter((n) => !n.isRoot && !(n.isLink && n.target !== null && nodes.has(n.target)));
  const refs = bomRefs(rootNode ? [rootNode, ...members] : members, input.fallbackName);
  const components = new Map<string, Models.Component>();

  const root = new Models.Component(Enums.ComponentType.Application, '', {});
  fill(root, rootNode, input.fallbackName, refs.get('') ?? input.fallbackName);
  components.set('', root);
  for (const node of members) {
    const component = new Models.Component(Enums.ComponentType.Library, '', {});
    fill(component, node, '', refs.get(node.location)!);
    describe(component, node, snapshot.format, input.facts?.get(node.location));
    components.set(node.location, component);
    bom.components.add(component);
  }
  // a link is the folder it points to (npm and Bun list a workspace both ways)
  const resolve = (location: string): string => {
    const node = nodes.get(location);
    return node?.isLink && node.target !== null && nodes.has(node.target) ? node.target : location;
  };
  for (const edge of snapshot.edges) {
    if (edge.to === null) continue;
    const from = components.get(resolve(edge.from));
    const to = components.get(resolve(edge.to));
    if (from && to && from !== to) from.dependencies.add(to.bomRef);
  }

  const { metadata } = bom;
  metadata.component = root;
  metadata.lifecycles.add(Enums.LifecyclePhase.PreBuild); // from the lockfile, nothing installed or built
  metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'depguard', { version: input.toolVersion }));
  metadata.properties.add(new Models.Property(PROPERTY.lockfile, input.lockfileName));
  if (input.timestamp) metadata.timestamp = input.timestamp;
  if (input.serialNumber === 'content') metadata.properties.add(new Models.Property(PROPERTY.reproducible, 'true'));
  else bom.serialNumber = input.serialNumber;

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const json = (): string => `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
  if (input.serialNumber === 'content') bom.serialNumber = contentSerial(json());
  return { json: json(), components: members.length };
}

/** Name, group, version, bom-ref and purl, from the node (or the fallback name for a root without one). */
function fill(component: Models.Component, node: PackageNode | undefined, fallbackName: string, ref: string): void {
  const packageName = node?.packageName || fallbackName;
  const { group, name } = splitName(packageName);
  component.name = name;
  if (group !== undefined) component.group = group;
  // the schema caps a version at 1024 characters; a longer one (only a stranger writes one) stays in the purl
  if (node?.version && node.version.length <= MAX_VERSION) component.version = node.version;
  component.bomRef.value = ref;
  const purl = node?.packageName ? purlOf(node.packageName, node.version, node.isRoot ? null : node.resolved) : undefined;
  if (purl !== undefined) component.purl = purl;
}

/** Scope, hashes and properties of a package or workspace. */
function describe(component: Models.Component, node: PackageNode, format: Snapshot['format'], facts: ComponentFacts | undefined): void {
  const property = (name: string, value: string): void => {
    component.properties.add(new Models.Property(name, value));
  };
  if (node.isWorkspace) property(PROPERTY.workspace, 'true');
  else {
    // as cyclonedx-npm: what only development needs is excluded from what ships, and marked so;
    // what only optional dependencies bring is optional; and what both (and nothing else) bring is both
    const development = node.dev || (node.devOptional && !node.optional);
    component.scope = node.dev
      ? Enums.ComponentScope.Excluded
      : node.optional || node.devOptional
        ? Enums.ComponentScope.Optional
        : Enums.ComponentScope.Required;
    if (development) property(PROPERTY.development, 'true');
    if (node.inBundle) property(PROPERTY.bundled, 'true');
  }
  if (node.isWorkspace || LAYOUT_RECORDED.has(format)) property(PROPERTY.path, node.location);
  for (const [algorithm, hex] of hashesOf(node.integrity)) component.hashes.set(algorithm, hex);
  if (facts?.publisher) {
    property(PROPERTY.publisher, facts.publisher.name);
    if (facts.publisher.trustedPublisher) property(PROPERTY.trustedPublisher, facts.publisher.trustedPublisher);
  }
  if (facts?.provenance) property(PROPERTY.provenance, 'true');
}

/**
 * A bom-ref for every node, stable for a given lockfile and unique: `name@version`, and where
 * the lockfile has several copies of one name@version (nested at different paths, or a name that
 * reads like another's ref), each copy's location after it. Keyed by location.
 */
export function bomRefs(nodes: readonly PackageNode[], fallbackName: string): Map<string, string> {
  const plain = (n: PackageNode): string => {
    const name = n.packageName || (n.isRoot ? fallbackName : n.name) || n.location;
    return n.version ? `${name}@${n.version}` : name;
  };
  const count = new Map<string, number>();
  for (const n of nodes) count.set(plain(n), (count.get(plain(n)) ?? 0) + 1);
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const n of nodes) {
    const base = count.get(plain(n)) === 1 ? plain(n) : `${plain(n)}|${n.location || '.'}`;
    let ref = base;
    // a stranger's lockfile can name a package so that its plain ref is another's long one
    for (let i = 2; taken.has(ref); i++) ref = `${base}#${i}`;
    taken.add(ref);
    out.set(n.location, ref);
  }
  return out;
}

/** `urn:uuid:` of a version-5 UUID of the BOM's own text: the same BOM, the same serial number. */
function contentSerial(text: string): string {
  const hash = createHash('sha1').update(SERIAL_NAMESPACE).update(text).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
