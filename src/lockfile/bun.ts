import { parse as parseJsonc, printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import { LockfileError } from '../errors.js';
import { OBJECT_MEMBERS } from './names.js';
import { buildSnapshot, declaredIn, type LockedDep, type LockedImporter, type LockedPackageEntry } from './graph.js';
import { FolderTree, lookUpAll } from './lookup.js';
import { isRecord } from '../records.js';
import { optionalString, parseManifest, recordAt, splitSpec, stringsAt } from './shape.js';
import type { EdgeType, Snapshot } from '../model.js';
import type { LockfileText } from './source.js';

/** bun.lock versions seen so far: 0 (Bun 1.1), 1 (1.2), 2 (1.3 and later). */
const SUPPORTED_VERSIONS = new Set([0, 1, 2]);

const IMPORTER_FIELDS: ReadonlyArray<readonly [string, Exclude<EdgeType, 'workspace'>]> = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];

/**
 * bun.lock, Bun's text lockfile: JSON with trailing commas. `workspaces` holds what each
 * workspace declares (the root is ""); each `packages` key is an install position
 * ("a", "a/b" for b nested under a, "@acme/web/b" for b under that workspace), and each value
 * a tuple: [name@version, registry URL or "", info, integrity] for registry packages, shorter
 * ones for workspaces, git, tarball and folder sources.
 */
export function loadBunLockfile(text: LockfileText & { lockfile: string }): Snapshot {
  const { label } = text;
  const doc = parseDocument(label, text.lockfile);
  const version = doc.lockfileVersion;
  if (typeof version !== 'number' || !SUPPORTED_VERSIONS.has(version)) {
    throw new LockfileError(
      label,
      `has bun.lock lockfileVersion ${JSON.stringify(version) ?? 'missing'}, which depguard does not read (it reads ${[...SUPPORTED_VERSIONS].join(', ')})`,
    );
  }
  const workspaces = recordAt(label, 'workspaces', doc.workspaces);
  if (!isRecord(workspaces[''])) throw new LockfileError(label, 'has no root workspace ("")');
  const tuples = recordAt(label, 'packages', doc.packages);
  const lines = keyLines(label, text.lockfile);

  // workspace packages are keyed by name: their folder comes from the "name@workspace:path" ident
  const workspaceDirs = new Map<string, string>();
  const packages = new Map<string, LockedPackageEntry & { key: string }>();
  const infos = new Map<string, Record<string, unknown>>();
  for (const [key, raw] of Object.entries(tuples)) {
    const where = `packages[${JSON.stringify(key)}]`;
    if (!Array.isArray(raw) || typeof raw[0] !== 'string') throw new LockfileError(label, `${where} is not a [name@version, ...] entry`);
    const [name, ref] = splitSpec(raw[0]);
    if (ref.startsWith('workspace:')) {
      workspaceDirs.set(key, ref.slice('workspace:'.length));
      continue;
    }
    const registry = /^[^:]*$/.test(ref);
    const info = recordAt(label, `${where} info`, registry ? raw[2] : raw[1]);
    infos.set(key, info);
    packages.set(key, {
      key,
      packageName: name,
      version: registry ? ref : (optionalString(label, `${where} info.version`, info.version) ?? ref),
      // a non-registry ident carries its source: git+https://…, github:…, a tarball URL, file:/link: folders
      resolved: registry ? optionalString(label, `${where} resolved`, raw[1]) || null : ref,
      integrity: registry ? optionalString(label, `${where} integrity`, raw[3]) : null,
      hasInstallScript: info.hasInstallScript === true,
      deps: [],
      line: lines.packages.get(key) ?? null,
    });
  }

  const names = new Map<string, string>(); // workspace folder -> name
  for (const [dir, raw] of Object.entries(workspaces)) {
    const ws = recordAt(label, `workspaces[${JSON.stringify(dir)}]`, raw);
    names.set(dir, optionalString(label, `workspaces[${JSON.stringify(dir)}].name`, ws.name) ?? (dir || 'root'));
  }
  // Node's lookup: the nearest enclosing position that has the name, up to the top (workspaces
  // only there). Targets are filled in once every dependency is known: lookUpAll answers them all
  // in one walk, however deep the positions nest.
  const folders = new FolderTree();
  const installed = new Map<number, Map<string, LockedDep['target']>>();
  const install = (folder: number, name: string, target: LockedDep['target']): void => {
    installed.set(folder, (installed.get(folder) ?? new Map<string, LockedDep['target']>()).set(name, target));
  };
  for (const [key, dir] of workspaceDirs) install(0, key, { directory: dir });
  const folderOf = new Map<string, number>();
  for (const key of packages.keys()) {
    const parts = segments(key);
    const ids = folders.add(parts);
    install(ids.at(-2)!, parts.at(-1)!, { key });
    folderOf.set(key, ids.at(-1)!);
  }
  const unresolved: Array<[number, { name: string; target: LockedDep['target'] }]> = [];
  const depsOf = (where: string, record: Record<string, unknown>, folder: number, fields: typeof IMPORTER_FIELDS): LockedDep[] => {
    const optionalPeers = new Set(
      Array.isArray(record.optionalPeers) ? record.optionalPeers.filter((p): p is string => typeof p === 'string') : [],
    );
    const deps: LockedDep[] = [];
    for (const [field, type] of fields) {
      for (const [name, spec] of Object.entries(stringsAt(label, `${where}.${field}`, record[field]))) {
        const dep = {
          name,
          spec,
          type: type === 'peer' && optionalPeers.has(name) ? ('peerOptional' as const) : type,
          target: null as LockedDep['target'],
        };
        unresolved.push([folder, dep]);
        deps.push(dep);
      }
    }
    return deps;
  };
  for (const entry of packages.values()) {
    const deps = depsOf(
      `packages[${JSON.stringify(entry.key)}]`,
      infos.get(entry.key)!,
      folderOf.get(entry.key)!,
      IMPORTER_FIELDS.filter(([f]) => f !== 'devDependencies'),
    );
    packages.set(entry.key, { ...entry, deps });
  }

  const importers: LockedImporter[] = [];
  for (const [dir, raw] of Object.entries(workspaces)) {
    const ws = raw as Record<string, unknown>;
    const folder = dir === '' ? 0 : folders.add([names.get(dir)!]).at(-1)!;
    const manifest = dir === '' ? parseManifest(text.packageJson) : null;
    importers.push({
      location: dir,
      name: names.get(dir)!,
      version:
        optionalString(label, `workspaces[${JSON.stringify(dir)}].version`, ws.version) ??
        (typeof manifest?.version === 'string' ? manifest.version : ''),
      deps: depsOf(`workspaces[${JSON.stringify(dir)}]`, ws, folder, IMPORTER_FIELDS),
      line: lines.workspaces.get(dir) ?? null,
    });
  }
  const asked = new Map<number, Set<string>>();
  for (const [folder, dep] of unresolved) asked.set(folder, (asked.get(folder) ?? new Set<string>()).add(dep.name));
  const answers = lookUpAll(folders.parent, installed, asked);
  for (const [folder, dep] of unresolved) dep.target = answers.get(folder)?.get(dep.name) ?? null;
  importers.sort((a, b) => (a.location === '' ? -1 : b.location === '' ? 1 : a.location < b.location ? -1 : 1));

  const rootManifest = parseManifest(text.packageJson);
  const byName = new Map([...names].map(([dir, name]) => [name, dir]));
  return buildSnapshot({
    source: label,
    format: 'bun',
    importers,
    packages,
    locate: (key) => {
      const [first, ...rest] = segments(key);
      const dir = rest.length > 0 ? byName.get(first!) : undefined;
      const chain = dir === undefined ? [first!, ...rest] : rest;
      return `${dir === undefined ? '' : `${dir}/`}node_modules/${chain.join('/node_modules/')}`;
    },
    manifest: rootManifest ? declaredIn(rootManifest) : null,
    lockedRoot: declaredIn(workspaces[''] as Record<string, unknown>),
  });
}

function parseDocument(label: string, text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  let doc: unknown;
  try {
    doc = parseJsonc(text, errors, JSONC_OPTIONS);
  } catch (error) {
    // jsonc-parser recurses once per nesting level: thousands of '[' overflow the stack
    if (error instanceof RangeError) throw new LockfileError(label, 'is not a bun.lock depguard can read: nested too deeply');
    throw error;
  }
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new LockfileError(label, `is not valid bun.lock JSON (${printParseErrorCode(first.error)} at line ${line})`);
  }
  if (!isRecord(doc)) throw new LockfileError(label, 'is not a bun.lock: expected a JSON object');
  return doc;
}

const JSONC_OPTIONS = { allowTrailingComma: true, disallowComments: false };

/**
 * The 1-based line of each key of `packages` and of `workspaces`: a second pass of jsonc-parser's
 * scanner (its parse keeps no positions), a third of the parse's own cost.
 */
function keyLines(label: string, text: string): { packages: Map<string, number>; workspaces: Map<string, number> } {
  const lines = { packages: new Map<string, number>(), workspaces: new Map<string, number>() };
  let depth = 0;
  let section: Map<string, number> | undefined;
  const enter = (): void => void depth++;
  const leave = (): void => void depth--;
  visit(
    text,
    {
      onObjectBegin: enter,
      onArrayBegin: enter,
      onObjectEnd: leave,
      onArrayEnd: leave,
      onObjectProperty: (property, _offset, _length, startLine) => {
        // jsonc-parser's parse assigns keys: a "__proto__" key would become a prototype, and its package vanish from the audit
        if (OBJECT_MEMBERS.has(property))
          throw new LockfileError(label, `uses the reserved JavaScript name ${JSON.stringify(property)} as a key (line ${startLine + 1})`);
        if (depth === 1) section = property === 'packages' ? lines.packages : property === 'workspaces' ? lines.workspaces : undefined;
        else if (depth === 2) section?.set(property, startLine + 1);
      },
    },
    JSONC_OPTIONS,
  );
  return lines;
}

/** "a/@scope/b/c" -> ["a", "@scope/b", "c"] */
function segments(key: string): string[] {
  const out: string[] = [];
  const parts = key.split('/');
  for (let i = 0; i < parts.length; i++)
    out.push(parts[i]!.startsWith('@') && i + 1 < parts.length ? `${parts[i]}/${parts[++i]}` : parts[i]!);
  return out;
}
