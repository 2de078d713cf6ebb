import { LockfileError } from '../errors.js';
import { buildSnapshot, declaredIn, type LockedDep, type LockedImporter, type LockedPackageEntry } from './graph.js';
import { isRecord } from '../records.js';
import { optionalString, parseManifest, recordAt, splitSpec, stringsAt } from './shape.js';
import type { Declared, Snapshot } from '../model.js';
import type { LockfileText } from './source.js';
import { parseYamlLockfile, type YamlLockfile } from './yaml.js';

const DEP_FIELDS = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
] as const;

/**
 * pnpm-lock.yaml, lockfile versions 6 (pnpm 8) and 9 (pnpm 9 and later). Importers are the root
 * ('.') and the workspaces; v9 splits each package into `packages` (resolution) and `snapshots`
 * (its dependencies, one per peer-resolution variant), v6 keeps both in `packages` under
 * '/'-prefixed keys. Packages are placed in pnpm's virtual store layout. A package's line is its
 * `packages` key, the entry with its resolution and integrity (not its v9 `snapshots` key).
 */
export function loadPnpmLockfile(text: LockfileText & { lockfile: string }): Snapshot {
  const { label } = text;
  const { doc, keyLines } = parseDocument(label, text.lockfile);
  const version = Number(String(doc.lockfileVersion));
  const major = Math.floor(version);
  if (major !== 6 && major !== 9)
    throw new LockfileError(
      label,
      `has pnpm lockfileVersion ${JSON.stringify(doc.lockfileVersion) ?? 'missing'}, which depguard does not read (it reads 6.x and 9.x)`,
    );

  const metadata = recordAt(label, 'packages', doc.packages);
  const snapshots = major === 9 ? recordAt(label, 'snapshots', doc.snapshots) : metadata;
  const keyPrefix = major === 6 ? '/' : '';
  const keyOf = (name: string, ref: string): LockedDep['target'] => {
    if (ref.startsWith('link:')) return { directory: ref.slice('link:'.length) };
    for (const key of [`${keyPrefix}${name}@${ref}`, ref]) if (key in snapshots) return { key };
    return null;
  };

  const packageLines = keyLines(['packages']);
  const packages = new Map<string, LockedPackageEntry>();
  for (const [key, raw] of Object.entries(snapshots)) {
    const where = `${major === 9 ? 'snapshots' : 'packages'}[${JSON.stringify(key)}]`;
    const snapshot = recordAt(label, where, raw);
    const meta = major === 9 ? recordAt(label, `packages[${JSON.stringify(withoutPeers(key))}]`, metadata[withoutPeers(key)]) : snapshot;
    const [keyName, keyVersion] = splitSpec(withoutPeers(key).replace(/^\//, ''));
    const resolution = recordAt(label, `${where}.resolution`, meta.resolution);
    const deps: LockedDep[] = [];
    for (const [field, type] of [
      ['dependencies', 'prod'],
      ['optionalDependencies', 'optional'],
    ] as const) {
      for (const [name, ref] of Object.entries(stringsAt(label, `${where}.${field}`, snapshot[field])))
        deps.push({ name, spec: ref, type, target: keyOf(name, ref) });
    }
    packages.set(key, {
      packageName: optionalString(label, `${where}.name`, meta.name) ?? keyName,
      version: optionalString(label, `${where}.version`, meta.version) ?? keyVersion,
      resolved: resolvedOf(label, where, resolution),
      integrity: optionalString(label, `${where}.resolution.integrity`, resolution.integrity),
      // pnpm 8 (v6) writes requiresBuild; pnpm 9 stopped recording it
      hasInstallScript: meta.requiresBuild === true,
      deps,
      line: packageLines.get(major === 9 ? withoutPeers(key) : key) ?? null,
    });
  }

  // v6 without workspaces keeps the root's dependencies at the top level
  const importers = major === 6 && doc.importers === undefined ? { '.': doc } : recordAt(label, 'importers', doc.importers);
  if (!isRecord(importers['.'])) throw new LockfileError(label, 'has no root importer (".")');
  const rootManifest = parseManifest(text.packageJson);
  const importerLines = keyLines(['importers']);
  const locked: LockedImporter[] = [];
  let lockedRoot: Declared = {};
  for (const [dir, raw] of Object.entries(importers)) {
    const where = `importers[${JSON.stringify(dir)}]`;
    const importer = recordAt(label, where, raw);
    const location = dir === '.' ? '' : dir;
    const manifest = location === '' ? rootManifest : parseManifest(text.workspaceManifests[location]);
    const deps: LockedDep[] = [];
    const specifiers: Record<string, Record<string, string>> = {};
    for (const [field, type] of DEP_FIELDS) {
      for (const [name, rawDep] of Object.entries(recordAt(label, `${where}.${field}`, importer[field]))) {
        const dep = recordAt(label, `${where}.${field}[${JSON.stringify(name)}]`, rawDep);
        const ref = optionalString(label, `${where}.${field}[${JSON.stringify(name)}].version`, dep.version) ?? '';
        const spec = optionalString(label, `${where}.${field}[${JSON.stringify(name)}].specifier`, dep.specifier) ?? ref;
        const target = keyOf(name, ref);
        deps.push({
          name,
          spec,
          type,
          target: target && 'directory' in target ? { directory: joinPath(location, target.directory) } : target,
        });
        specifiers[field] ??= {};
        specifiers[field][name] = spec;
      }
    }
    if (location === '') lockedRoot = declaredIn(specifiers);
    locked.push({
      location,
      name: stringField(manifest, 'name') ?? (location || 'root'),
      version: stringField(manifest, 'version') ?? '',
      deps,
      line: importerLines.get(dir) ?? null,
    });
  }
  locked.sort((a, b) => (a.location === '' ? -1 : b.location === '' ? 1 : a.location < b.location ? -1 : 1));

  return buildSnapshot({
    source: label,
    format: 'pnpm',
    importers: locked,
    packages,
    locate: (key, name) => `node_modules/.pnpm/${storeDirectory(key)}/node_modules/${name}`,
    manifest: rootManifest ? declaredIn(rootManifest) : null,
    lockedRoot,
  });
}

function parseDocument(label: string, text: string): { doc: Record<string, unknown>; keyLines: YamlLockfile['keyLines'] } {
  const { value: doc, keyLines } = parseYamlLockfile(label, text);
  if (!isRecord(doc) || doc.lockfileVersion === undefined) throw new LockfileError(label, 'is not a pnpm lockfile: no lockfileVersion');
  return { doc, keyLines };
}

/** pnpm records a URL only for tarballs off the default registry; git and directory sources have their own shape. */
function resolvedOf(label: string, where: string, resolution: Record<string, unknown>): string | null {
  const tarball = optionalString(label, `${where}.resolution.tarball`, resolution.tarball);
  if (tarball !== null) return tarball;
  if (resolution.type === 'git' && typeof resolution.repo === 'string') return `git+${resolution.repo}#${String(resolution.commit ?? '')}`;
  if (typeof resolution.directory === 'string') return `file:${resolution.directory}`;
  return null;
}

/** `name@1.0.0(peer@2.0.0)` -> `name@1.0.0` (v9 metadata keys); v6's `/name@1.0.0(peer@2.0.0)` likewise. */
function withoutPeers(key: string): string {
  const paren = key.indexOf('(');
  return paren < 0 ? key : key.slice(0, paren);
}

/** pnpm's folder name in node_modules/.pnpm: '/' becomes '+', peer suffixes become '_'. */
function storeDirectory(key: string): string {
  return key.replace(/^\//, '').replaceAll('/', '+').replaceAll(')(', '_').replaceAll('(', '_').replaceAll(')', '');
}

/** `link:../web` from packages/api -> packages/web */
function joinPath(from: string, relative: string): string {
  const parts = from === '' ? [] : from.split('/');
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function stringField(manifest: Record<string, unknown> | null, field: string): string | null {
  const value = manifest?.[field];
  return typeof value === 'string' ? value : null;
}
