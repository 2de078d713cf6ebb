import ini from 'ini';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { isPackageName } from '../lockfile/names.js';
import { isRecord } from '../records.js';
import { BUN_DEFAULT_TRUSTED, BUN_DEFAULT_TRUSTED_VERSION } from './bun-default-trusted.js';
import type { ScriptEntry, ScriptPolicies, ScriptPolicy } from '../rules/script-gate.js';
import type { ProjectFiles } from './project-files.js';

/**
 * Which dependencies' install scripts each package manager runs, as the project's files
 * configure it (see docs/rules/install-script-added.md for each format and where it was checked).
 * The files are strangers' data: nothing here runs or resolves anything; names that are not
 * registry names and versions that are not exact are skipped, and a setting with more than
 * MAX_ENTRIES entries makes the manager's default unknowable rather than slow.
 */

/** Facts from the lockfiles that a default depends on. */
export interface LockfileHints {
  /** Berry's yarn.lock `__metadata.version`; null without one. */
  readonly yarnLockfileVersion: number | null;
}

/** A setting with more entries than this is not read: no real project approves that many packages. */
const MAX_ENTRIES = 10_000;

/** npm's limit on a package name. */
const MAX_NAME = 214;

/** Each manager's policy, from the project files given (one side of the change). */
export function readScriptPolicies(files: ProjectFiles, hints: LockfileHints): ScriptPolicies {
  const pkg = jsonObject(files['package.json']);
  return {
    npm: npmPolicy(pkg, iniObject(files['.npmrc'])),
    pnpm: pnpmPolicy(pkg, yamlObject(files['pnpm-workspace.yaml'])),
    yarn: yarnPolicy(pkg, yamlObject(files['.yarnrc.yml']), hints.yarnLockfileVersion),
    bun: bunPolicy(pkg),
  };
}

/**
 * npm 11.19+: package.json `allowScripts` (spec -> true | false), else `allow-scripts` in the
 * .npmrc (a comma-separated list of specs, all allowed). A spec is a name, `name@*`, or exact
 * versions joined by `||`; npm drops ranges and tags with a warning. npm 11 runs unlisted
 * scripts with a notice unless `strict-allow-scripts` is set; npm 12 blocks them.
 */
function npmPolicy(pkg: Record<string, unknown>, npmrc: Record<string, unknown>): ScriptPolicy {
  const policy = { manager: 'npm', conflict: 'deny' } as const;
  if (isTrue(npmrc['dangerously-allow-all-scripts'])) return { ...policy, allow: [], deny: [], blocksUnlisted: null };
  let entries = isRecord(pkg.allowScripts) ? mapEntries(pkg.allowScripts, 'package.json allowScripts', npmSpec) : NO_ENTRIES;
  // npm reads the .npmrc's list only when package.json has no valid entry
  if (entries.count === 0) entries = listEntries(npmrcList(npmrc['allow-scripts']), '.npmrc allow-scripts', npmSpec);
  const blocks = isTrue(npmrc['strict-allow-scripts']) ? '.npmrc strict-allow-scripts=true' : requiredNpm12(pkg.devEngines);
  return { ...policy, allow: entries.allow, deny: entries.deny, blocksUnlisted: entries.truncated ? null : blocks };
}

/** `devEngines.packageManager` when it makes npm refuse to run below 12 (npm checks it before installing; onFail defaults to error). */
function requiredNpm12(devEngines: unknown): string | null {
  const wanted = isRecord(devEngines) ? devEngines.packageManager : undefined;
  const list: unknown[] = Array.isArray(wanted) ? wanted : wanted === undefined ? [] : [wanted];
  const strict = (e: unknown): e is { version: string } =>
    isRecord(e) && e.name === 'npm' && typeof e.version === 'string' && (e.onFail === undefined || e.onFail === 'error');
  if (list.length === 0 || !list.every(strict)) return null;
  const from12 = list.every((e) => {
    const min = semver.validRange(e.version) === null ? null : semver.minVersion(e.version);
    return min !== null && min.major >= 12;
  });
  return from12 ? `package.json devEngines.packageManager requires npm ${(list[0] as { version: string }).version}` : null;
}

/**
 * pnpm: `onlyBuiltDependencies` (a list) and `allowBuilds` (spec -> true | false), in package.json
 * `pnpm` (pnpm 10; pnpm 11 stopped reading that field) or pnpm-workspace.yaml (pnpm 10.26+ reads
 * `allowBuilds`; pnpm 11 reads only `allowBuilds`). A spec is a name or exact versions joined by
 * `||`. pnpm 10+ builds no unlisted dependency; older pnpm does unless an allowlist is set, so
 * depguard counts on the block when the project sets one or pins pnpm 10+ in `packageManager`.
 */
function pnpmPolicy(pkg: Record<string, unknown>, workspace: Record<string, unknown>): ScriptPolicy {
  const policy = { manager: 'pnpm', conflict: 'allow' } as const;
  const places = [
    { setting: 'package.json pnpm.', values: isRecord(pkg.pnpm) ? pkg.pnpm : {} },
    { setting: 'pnpm-workspace.yaml ', values: workspace },
  ];
  if (places.some((p) => p.values.dangerouslyAllowAllBuilds === true)) return { ...policy, allow: [], deny: [], blocksUnlisted: null };
  const allow: ScriptEntry[] = [];
  const deny: ScriptEntry[] = [];
  let truncated = false;
  let optedIn: string | null = null;
  for (const { setting, values } of places) {
    const only = values.onlyBuiltDependencies;
    const builds = values.allowBuilds;
    for (const [key, entries] of [
      ['onlyBuiltDependencies', Array.isArray(only) ? listEntries(only, `${setting}onlyBuiltDependencies`, pnpmSpec) : null],
      ['allowBuilds', isRecord(builds) ? mapEntries(builds, `${setting}allowBuilds`, pnpmSpec) : null],
    ] as const) {
      if (entries === null) continue;
      optedIn ??= `${setting}${key} is set`;
      allow.push(...entries.allow);
      deny.push(...entries.deny);
      truncated ||= entries.truncated;
    }
  }
  // a denylist (pnpm 10 builds everything else), a list in a file, or pnpm 12's `permissions`: what runs is not known here
  const unknowable =
    truncated ||
    places.some(
      (p) =>
        (Array.isArray(p.values.neverBuiltDependencies) && p.values.neverBuiltDependencies.length > 0) ||
        p.values.onlyBuiltDependenciesFile !== undefined,
    ) ||
    workspace.permissions !== undefined;
  return { ...policy, allow, deny, blocksUnlisted: unknowable ? null : (optedIn ?? pinnedPnpm10(pkg.packageManager)) };
}

/** `packageManager: "pnpm@10.x"` or later: pnpm (and Corepack) run that version, which builds no unlisted dependency. */
function pinnedPnpm10(packageManager: unknown): string | null {
  if (typeof packageManager !== 'string' || !packageManager.startsWith('pnpm@')) return null;
  const version = semver.valid(packageManager.slice('pnpm@'.length).split('+')[0]!);
  return version !== null && semver.major(version) >= 10
    ? `package.json packageManager is ${JSON.stringify(packageManager.slice(0, 64))}`
    : null;
}

/**
 * Yarn Berry: package.json `dependenciesMeta` (`name` or `name@exact-version` -> `{ built }`),
 * the entry for the exact version over the one for the name; `enableScripts` in .yarnrc.yml.
 * Yarn's own default for `enableScripts` is false since yarn.lock version 9 (an older lockfile
 * gets `enableScripts: true` written for it on install), true before.
 */
function yarnPolicy(pkg: Record<string, unknown>, yarnrc: Record<string, unknown>, lockfileVersion: number | null): ScriptPolicy {
  const allow: ScriptEntry[] = [];
  const deny: ScriptEntry[] = [];
  const meta = isRecord(pkg.dependenciesMeta) ? Object.entries(pkg.dependenciesMeta) : [];
  for (const [key, value] of meta.slice(0, MAX_ENTRIES)) {
    const spec = exactSpec(key);
    if (spec === null || (spec.versions !== null && spec.versions.length !== 1) || !isRecord(value) || typeof value.built !== 'boolean')
      continue;
    (value.built ? allow : deny).push({ ...spec, setting: `package.json dependenciesMeta.${key}.built`, entry: key });
  }
  const enableScripts = booleanOf(yarnrc.enableScripts);
  const blocks =
    meta.length > MAX_ENTRIES || enableScripts === true
      ? null
      : enableScripts === false
        ? '.yarnrc.yml enableScripts: false'
        : lockfileVersion !== null && lockfileVersion >= 9
          ? `Yarn's default for a version ${lockfileVersion} yarn.lock (.yarnrc.yml sets no enableScripts)`
          : null;
  return { manager: 'yarn', conflict: 'version', allow, deny, blocksUnlisted: blocks };
}

/**
 * Bun: package.json `trustedDependencies`, a list of names (a `name@version` item matches
 * nothing); without the field, Bun's built-in list. Bun runs no other dependency's scripts.
 */
function bunPolicy(pkg: Record<string, unknown>): ScriptPolicy {
  const policy = { manager: 'bun', conflict: 'deny', deny: [] } as const;
  if (!Array.isArray(pkg.trustedDependencies))
    return {
      ...policy,
      allow: BUN_DEFAULT_ENTRIES,
      blocksUnlisted: `Bun ${BUN_DEFAULT_TRUSTED_VERSION} trusts only its default list (package.json has no trustedDependencies)`,
    };
  const entries = listEntries(pkg.trustedDependencies, 'package.json trustedDependencies', (item) =>
    isName(item) ? { name: item, versions: null } : null,
  );
  return {
    ...policy,
    allow: entries.allow,
    blocksUnlisted: entries.truncated ? null : 'Bun runs only the scripts of package.json trustedDependencies',
  };
}

const BUN_DEFAULT_ENTRIES: readonly ScriptEntry[] = [...BUN_DEFAULT_TRUSTED].map((name) => ({
  name,
  versions: null,
  setting: `Bun's default trusted list (Bun ${BUN_DEFAULT_TRUSTED_VERSION})`,
  entry: name,
}));

// ---------------------------------------------------------------------------------------------
// Entries

type Spec = Pick<ScriptEntry, 'name' | 'versions'>;

interface Entries {
  readonly allow: ScriptEntry[];
  readonly deny: ScriptEntry[];
  /** Keys read (npm counts a key with any value). */
  readonly count: number;
  readonly truncated: boolean;
}

const NO_ENTRIES: Entries = { allow: [], deny: [], count: 0, truncated: false };

/** `spec: true | false` entries; other values decide nothing. */
function mapEntries(map: Record<string, unknown>, setting: string, parse: (key: string) => Spec | null): Entries {
  const all = Object.entries(map);
  const allow: ScriptEntry[] = [];
  const deny: ScriptEntry[] = [];
  let count = 0;
  for (const [key, value] of all.slice(0, MAX_ENTRIES)) {
    const spec = parse(key);
    if (spec === null) continue;
    count++;
    if (value === true) allow.push({ ...spec, setting, entry: key });
    else if (value === false) deny.push({ ...spec, setting, entry: key });
  }
  return { allow, deny, count, truncated: all.length > MAX_ENTRIES };
}

/** A list of specs, all allowed. */
function listEntries(list: readonly unknown[], setting: string, parse: (item: string) => Spec | null): Entries {
  const allow: ScriptEntry[] = [];
  for (const item of list.slice(0, MAX_ENTRIES)) {
    const spec = typeof item === 'string' ? parse(item.trim()) : null;
    if (spec !== null) allow.push({ ...spec, setting, entry: item as string });
  }
  return { allow, deny: [], count: allow.length, truncated: list.length > MAX_ENTRIES };
}

/**
 * `name` or `name@1.0.0 || 1.0.1` (exact versions); with `anyVersion`, also npm's `name@*` and
 * `name@`. Anything else (a range, a tag, a URL, a path) names no registry version.
 */
function exactSpec(key: string, anyVersion = false): Spec | null {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  const name = at === -1 ? key : key.slice(0, at);
  if (!isName(name)) return null;
  if (at === -1) return { name, versions: null };
  const range = key.slice(at + 1).trim();
  if (range === '' || range === '*') return anyVersion ? { name, versions: null } : null;
  const versions = range.split('||').map((v) => semver.valid(v.trim()));
  return versions.every((v) => v !== null) ? { name, versions: versions as string[] } : null;
}

const npmSpec = (key: string): Spec | null => exactSpec(key, true);

/** pnpm's keys: as exactSpec, and a dependency path with its peers suffix (`name@1.0.0(react@18.0.0)`). */
function pnpmSpec(key: string): Spec | null {
  const peers = key.indexOf('(');
  return exactSpec(peers === -1 ? key : key.slice(0, peers));
}

function isName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME && isPackageName(name);
}

// ---------------------------------------------------------------------------------------------
// Files

function jsonObject(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

function yamlObject(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  try {
    const value: unknown = parseYaml(text, { maxAliasCount: 100 });
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

function iniObject(text: string | null): Record<string, unknown> {
  return text === null ? {} : (ini.parse(text) as Record<string, unknown>);
}

/** `allow-scripts=a,b` or `allow-scripts[]=a`, as npm splits them. */
function npmrcList(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [])).filter((s) => s !== '');
}

function isTrue(value: unknown): boolean {
  return booleanOf(value) === true;
}

/** A boolean setting as YAML or an .npmrc writes it; undefined when unset or neither. */
function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
