import { LockfileError } from '../errors.js';
import { buildSnapshot, declaredIn, type LockedDep, type LockedImporter, type LockedPackageEntry } from './graph.js';
import { isRecord } from '../records.js';
import { optionalString, parseManifest, recordAt, splitSpec, stringsAt } from './shape.js';
import type { Snapshot } from '../model.js';
import type { LockfileText } from './source.js';
import { parseYamlLockfile } from './yaml.js';

/**
 * yarn.lock of Yarn 2 and later ("Berry"), which is YAML: `__metadata`, then one entry per
 * resolved package, keyed by the descriptors it satisfies ("a@npm:^1.0.0, a@npm:^1.1.0"), with
 * its `resolution` locator. Workspaces are entries too (`name@workspace:path`), but their
 * dependencies are merged regardless of kind, so their package.json files supply dev/optional.
 *
 * What Berry does not record: an npm integrity (`checksum` is Yarn's hash of its own zip archive,
 * so integrity stays null), the download URL of registry packages (only a non-standard one, as
 * `::__archiveUrl=`), and whether a package runs install scripts.
 */
export function loadYarnBerryLockfile(text: LockfileText & { lockfile: string }): Snapshot {
  const { label } = text;
  const { value: doc, keyLines } = parseYamlLockfile(label, text.lockfile);
  if (!isRecord(doc) || !isRecord(doc.__metadata)) throw new LockfileError(label, 'is not a Yarn Berry lockfile: no __metadata');

  const descriptors = new Map<string, string>(); // descriptor -> entry key
  const entries = new Map<string, Record<string, unknown>>();
  const workspaces = new Map<string, string>(); // entry key -> folder
  for (const [key, raw] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const entry = recordAt(label, `entry ${JSON.stringify(key)}`, raw);
    const resolution = optionalString(label, `entry ${JSON.stringify(key)}.resolution`, entry.resolution);
    if (resolution === null) throw new LockfileError(label, `entry ${JSON.stringify(key)} has no resolution`);
    entries.set(key, entry);
    for (const descriptor of key.split(/,\s*/)) descriptors.set(descriptor, key);
    const [, ref] = splitSpec(resolution);
    if (ref.startsWith('workspace:')) workspaces.set(key, ref.slice('workspace:'.length));
  }

  const target = (name: string, range: string): LockedDep['target'] => {
    const key = descriptors.get(`${name}@${range}`) ?? descriptors.get(`${name}@npm:${range}`);
    if (key === undefined) return null;
    const folder = workspaces.get(key);
    return folder === undefined ? { key } : { directory: folder === '.' ? '' : folder };
  };
  const depsOf = (key: string, kinds: Record<string, 'prod' | 'dev' | 'optional'>): LockedDep[] => {
    const entry = entries.get(key)!;
    const where = `entry ${JSON.stringify(key)}`;
    const meta = recordAt(label, `${where}.dependenciesMeta`, entry.dependenciesMeta);
    const peerMeta = recordAt(label, `${where}.peerDependenciesMeta`, entry.peerDependenciesMeta);
    const deps: LockedDep[] = [];
    for (const [name, range] of Object.entries(stringsAt(label, `${where}.dependencies`, entry.dependencies))) {
      const optional = isRecord(meta[name]) && meta[name].optional === true;
      deps.push({ name, spec: range, type: kinds[name] ?? (optional ? 'optional' : 'prod'), target: target(name, range) });
    }
    for (const [name, range] of Object.entries(stringsAt(label, `${where}.peerDependencies`, entry.peerDependencies))) {
      const optional = isRecord(peerMeta[name]) && peerMeta[name].optional === true;
      deps.push({ name, spec: range, type: optional ? 'peerOptional' : 'peer', target: target(name, range) });
    }
    return deps;
  };

  // an entry's line is its header, the key listing the descriptors it satisfies
  const lines = keyLines([]);
  const packages = new Map<string, LockedPackageEntry>();
  for (const [key, entry] of entries) {
    if (workspaces.has(key)) continue;
    const resolution = entry.resolution as string;
    const [packageName] = splitSpec(resolution);
    packages.set(key, {
      packageName,
      version: optionalString(label, `entry ${JSON.stringify(key)}.version`, entry.version) ?? '',
      resolved: sourceOf(resolution),
      integrity: null,
      hasInstallScript: false,
      deps: depsOf(key, {}),
      line: lines.get(key) ?? null,
    });
  }

  const rootManifest = parseManifest(text.packageJson);
  const importers: LockedImporter[] = [];
  for (const [key, folder] of workspaces) {
    const location = folder === '.' ? '' : folder;
    const manifest = location === '' ? rootManifest : parseManifest(text.workspaceManifests[location]);
    const kinds = Object.fromEntries(Object.entries(manifest ? declaredIn(manifest) : {}).map(([name, d]) => [name, d.type]));
    const [name] = splitSpec(entries.get(key)!.resolution as string);
    importers.push({
      location,
      name,
      version: typeof manifest?.version === 'string' ? manifest.version : '',
      deps: depsOf(key, kinds),
      line: lines.get(key) ?? null,
    });
  }
  if (!importers.some((i) => i.location === '')) importers.push({ location: '', name: 'root', version: '', deps: [], line: null });
  importers.sort((a, b) => (a.location === '' ? -1 : b.location === '' ? 1 : a.location < b.location ? -1 : 1));

  return buildSnapshot({
    source: label,
    format: 'yarn-berry',
    importers,
    packages,
    locate: (key, name) => `node_modules/.yarn/${storeDirectory(entries.get(key)!.resolution as string)}/node_modules/${name}`,
    manifest: rootManifest ? declaredIn(rootManifest) : null,
    lockedRoot: null,
  });
}

/**
 * Where the bytes come from, as the other formats say it: nothing for a registry package at its
 * usual URL, the URL for a tarball elsewhere, git+URL for git, and for a project patch its
 * locator (`patch:` protocol; Yarn's own builtin compatibility patches are left out, like the
 * registry package they patch).
 */
function sourceOf(resolution: string): string | null {
  const [, ref] = splitSpec(resolution);
  const archive = /::(?:.*&)?__archiveUrl=([^&]+)/.exec(ref)?.[1];
  if (archive) return decodeURIComponent(archive);
  if (ref.startsWith('npm:')) return null;
  if (ref.startsWith('patch:')) return ref.includes('#~builtin<') || ref.includes('#optional!builtin<') ? null : ref.replace(/::.*$/, '');
  if (/#commit=/.test(ref)) return `git+${ref.replace('#commit=', '#')}`;
  if (/^(link|portal):/.test(ref)) return `file:${ref.slice(ref.indexOf(':') + 1).replace(/::.*$/, '')}`;
  return ref;
}

/** One folder per entry, named after its resolution (unique in a Berry lockfile), made path-safe. */
function storeDirectory(resolution: string): string {
  return resolution.replaceAll('/', '+').replace(/[^\w@+.-]/g, '_');
}
