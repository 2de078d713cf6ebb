import { createRequire } from 'node:module';
import { LockfileError } from '../errors.js';
import { buildSnapshot, declaredIn, type LockedDep, type LockedImporter, type LockedPackageEntry } from './graph.js';
import { isRecord } from '../records.js';
import { optionalString, parseManifest, splitSpec, stringsAt } from './shape.js';
import type { Snapshot } from '../model.js';
import type { LockfileText } from './source.js';

// A webpack-built CommonJS bundle marked __esModule: Node's and Vite's ESM interop disagree on its default export.
const yarnLockfile = createRequire(import.meta.url)('@yarnpkg/lockfile') as typeof import('@yarnpkg/lockfile');

/**
 * yarn.lock v1 (Yarn classic), parsed with @yarnpkg/lockfile, Yarn 1's own parser. The file maps
 * `name@range` requests to resolved packages and nothing more: it records no root or workspace
 * dependencies, no dev/optional kind and no layout, so the root's and the workspaces'
 * package.json supply the first two, and packages get one folder each under node_modules/.yarn.
 */
export function loadYarnClassicLockfile(text: LockfileText & { lockfile: string }): Snapshot {
  const { label } = text;
  let parsed: ReturnType<typeof yarnLockfile.parse>;
  try {
    parsed = yarnLockfile.parse(text.lockfile);
  } catch (error) {
    throw new LockfileError(label, `is not a valid yarn.lock v1 (${(error as Error).message.split('\n')[0]})`);
  }
  if (parsed.type !== 'success') throw new LockfileError(label, 'has unresolved git merge conflict markers');

  // one entry object is shared by all the requests it satisfies ("a@^1.0.0, a@^1.1.0:")
  const keys = new Map<object, string>();
  const lines = headerLines(text.lockfile);
  const requests = new Map<string, string>();
  const packages = new Map<string, LockedPackageEntry>();
  const raw = parsed.object as Record<string, unknown>;
  for (const [request, value] of Object.entries(raw)) {
    const where = JSON.stringify(request);
    if (!isRecord(value)) throw new LockfileError(label, `entry ${where} is not an object`);
    let key = keys.get(value);
    if (key === undefined) {
      const version = optionalString(label, `entry ${where}.version`, value.version);
      if (version === null) throw new LockfileError(label, `entry ${where} has no version`);
      key = uniqueKey(packages, `${realName(request)}@${version}`);
      keys.set(value, key);
      const resolvedField = optionalString(label, `entry ${where}.resolved`, value.resolved);
      packages.set(key, {
        packageName: realName(request),
        version,
        resolved: resolvedField?.replace(/#.*$/, '') ?? null,
        integrity: optionalString(label, `entry ${where}.integrity`, value.integrity) ?? legacySha1(resolvedField),
        hasInstallScript: false,
        deps: [],
        line: lines.get(request) ?? null,
      });
    }
    requests.set(request, key);
  }

  const workspaceNames = new Map<string, string>();
  for (const [dir, manifest] of Object.entries(text.workspaceManifests)) {
    const name = parseManifest(manifest)?.name;
    if (typeof name === 'string') workspaceNames.set(name, dir);
  }
  const target = (name: string, range: string): LockedDep['target'] => {
    const key = requests.get(`${name}@${range}`);
    if (key !== undefined) return { key };
    const dir = workspaceNames.get(name);
    return dir === undefined ? null : { directory: dir };
  };
  const done = new Set<string>();
  for (const [request, value] of Object.entries(raw)) {
    const key = requests.get(request)!;
    if (done.has(key)) continue;
    done.add(key);
    const entry = packages.get(key)!;
    const record = value as Record<string, unknown>;
    const deps: LockedDep[] = [];
    for (const [field, type] of [
      ['dependencies', 'prod'],
      ['optionalDependencies', 'optional'],
    ] as const) {
      for (const [name, range] of Object.entries(stringsAt(label, `entry ${JSON.stringify(request)}.${field}`, record[field])))
        deps.push({ name, spec: range, type, target: target(name, range) });
    }
    packages.set(key, { ...entry, deps });
  }

  const rootManifest = parseManifest(text.packageJson);
  const importers: LockedImporter[] = rootManifest
    ? [
        ['', rootManifest] as const,
        ...Object.entries(text.workspaceManifests).map(([dir, m]) => [dir, parseManifest(m) ?? {}] as const),
      ].map(([location, manifest]) => ({
        location,
        name: typeof manifest.name === 'string' ? manifest.name : location || 'root',
        version: typeof manifest.version === 'string' ? manifest.version : '',
        deps: Object.entries(declaredIn(manifest)).map(([name, { spec, type }]) => ({
          name,
          spec,
          type,
          target: target(name, spec) ?? anyEntryFor(requests, name),
        })),
        line: null,
      }))
    : [{ location: '', name: 'root', version: '', deps: unrequired(packages, requests), line: null }];
  return buildSnapshot({
    source: label,
    format: 'yarn-classic',
    importers,
    packages,
    locate: (key, name) => `node_modules/.yarn/${key.replaceAll('/', '+')}/node_modules/${name}`,
    manifest: rootManifest ? declaredIn(rootManifest) : null,
    lockedRoot: null,
  });
}

/**
 * The line of each request of every entry header (`"a@^1.0.0", a@^1.1.0:`), which
 * @yarnpkg/lockfile does not keep: headers are the lines that start in the first column, their
 * requests quoted (JSON strings) or bare words, as Yarn's tokenizer reads them (\r\n is one line).
 */
function headerLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split(/\r\n?|\n/).forEach((line, i) => {
    if (line === '' || ' \t#'.includes(line[0]!) || !line.trimEnd().endsWith(':')) return;
    for (const [token] of line.matchAll(/"(?:[^"\\]|\\.)*"|[^\s,:"]+/g)) {
      try {
        lines.set(token.startsWith('"') ? (JSON.parse(token) as string) : token, i + 1);
      } catch {
        // not a JSON string, so not a request: Yarn's parser, which accepted the file, reads none so
      }
    }
  });
  return lines;
}

/** `alias@npm:real@^1.0.0` is the package `real`; anything else is its own name. */
function realName(request: string): string {
  const [name, range] = splitSpec(request);
  return range.startsWith('npm:') ? splitSpec(range.slice('npm:'.length))[0] : name;
}

function uniqueKey(packages: ReadonlyMap<string, unknown>, key: string): string {
  let candidate = key;
  for (let i = 2; packages.has(candidate); i++) candidate = `${key}-${i}`;
  return candidate;
}

/** Lockfiles from before Yarn 1.10 carry only the tarball's sha1, as the resolved URL's #fragment. */
function legacySha1(resolved: string | null): string | null {
  const hex = resolved?.match(/#([0-9a-f]{40})$/)?.[1];
  return hex ? `sha1-${Buffer.from(hex, 'hex').toString('base64')}` : null;
}

/** A declared range that no request matches (package.json edited, lockfile not): the name's only entry, if any. */
function anyEntryFor(requests: ReadonlyMap<string, string>, name: string): LockedDep['target'] {
  for (const [request, key] of requests) if (splitSpec(request)[0] === name) return { key };
  return null;
}

/** Without a package.json, the root's dependencies are the entries no other entry requires. */
function unrequired(packages: ReadonlyMap<string, LockedPackageEntry>, requests: ReadonlyMap<string, string>): LockedDep[] {
  const required = new Set<string>();
  for (const entry of packages.values()) for (const dep of entry.deps) if (dep.target && 'key' in dep.target) required.add(dep.target.key);
  const deps: LockedDep[] = [];
  for (const [request, key] of requests) {
    if (required.has(key)) continue;
    required.add(key);
    const [name, range] = splitSpec(request);
    deps.push({ name, spec: range, type: 'prod', target: { key } });
  }
  return deps;
}
