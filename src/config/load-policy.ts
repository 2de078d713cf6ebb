import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { readRegularFile } from '../files.js';
import type { ProjectView } from '../project-view.js';
import { EMPTY_POLICY, validatePolicy, type Policy } from './policy.js';

const POLICY_FILES = ['depguard.config.json', '.depguardrc.json'] as const;

/** Policy files are at most this large. */
const MAX_POLICY_BYTES = 16 * 1024 * 1024;

/** Where the policy lives: an explicit --config, one of POLICY_FILES, or package.json#depguard. */
export type PolicyLocation =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'package-json'; readonly file: string }
  | { readonly kind: 'none'; readonly dir: string };

export function locatePolicy(projectDir: string, explicit?: string): PolicyLocation {
  if (explicit) {
    if (!existsSync(explicit)) throw new ConfigError(`${explicit}: no such policy file`);
    return { kind: 'file', file: explicit };
  }
  const found = POLICY_FILES.map((f) => path.join(projectDir, f)).filter((f) => existsSync(f));
  if (found.length > 1) throw new ConfigError(`both ${found.map((f) => path.basename(f)).join(' and ')} exist in ${projectDir}: keep one`);
  if (found[0]) return { kind: 'file', file: found[0] };
  const pkg = path.join(projectDir, 'package.json');
  if (existsSync(pkg)) {
    const data = readJson(pkg);
    if (data && typeof data === 'object' && 'depguard' in data) return { kind: 'package-json', file: pkg };
  }
  return { kind: 'none', dir: projectDir };
}

export function loadPolicy(location: PolicyLocation, ruleIds: readonly string[]): Policy {
  switch (location.kind) {
    case 'none':
      return EMPTY_POLICY;
    case 'file':
      return validatePolicy(readJson(location.file), location.file, ruleIds);
    case 'package-json':
      return validatePolicy((readJson(location.file) as Record<string, unknown>).depguard, `${location.file} "depguard"`, ruleIds);
  }
}

export function readJson(file: string): unknown {
  const text = readRegularFile(file, { maxBytes: MAX_POLICY_BYTES });
  if (text === null) throw new ConfigError(`${file}: cannot be read`);
  return parseJson(text, file);
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${label}: is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The places a policy may live, as `PolicySide` names them. */
const PACKAGE_JSON_KEY = 'package.json "depguard"';
type PolicyPlace = (typeof POLICY_FILES)[number] | typeof PACKAGE_JSON_KEY;
const PLACES: readonly PolicyPlace[] = [...POLICY_FILES, PACKAGE_JSON_KEY];

/**
 * What one side of a change says about the policy: the text of each policy file, and the
 * "depguard" value of package.json (as JSON; the rest of package.json is not policy; the whole
 * text when it is not JSON but may hold one). Absent places are undefined.
 */
export interface PolicySide {
  readonly view: ProjectView;
  readonly places: Readonly<Record<PolicyPlace, string | undefined>>;
}

export async function readPolicySide(view: ProjectView): Promise<PolicySide> {
  const [config, rc, pkg] = await Promise.all([view.read(POLICY_FILES[0]), view.read(POLICY_FILES[1]), view.read('package.json')]);
  let depguard: string | undefined;
  if (pkg !== null) {
    let data: unknown;
    try {
      data = JSON.parse(pkg);
    } catch {
      // kept as it is when it may hold a policy: policyOf then says it cannot be read
      if (pkg.includes('"depguard"')) depguard = pkg;
    }
    if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.hasOwn(data, 'depguard'))
      depguard = JSON.stringify((data as Record<string, unknown>).depguard);
  }
  return { view, places: { [POLICY_FILES[0]]: config ?? undefined, [POLICY_FILES[1]]: rc ?? undefined, [PACKAGE_JSON_KEY]: depguard } };
}

/** The policy a side states, validated: one policy file, else package.json's "depguard", else none. */
export function policyOf(side: PolicySide, ruleIds: readonly string[]): Policy {
  const files = POLICY_FILES.filter((f) => side.places[f] !== undefined);
  if (files.length > 1) throw new ConfigError(`both ${files.map((f) => side.view.describe(f)).join(' and ')} exist: keep one`);
  const file = files[0];
  if (file !== undefined) return validatePolicy(parseJson(side.places[file]!, side.view.describe(file)), side.view.describe(file), ruleIds);
  const depguard = side.places[PACKAGE_JSON_KEY];
  if (depguard !== undefined)
    return validatePolicy(
      parseJson(depguard, side.view.describe('package.json')),
      `${side.view.describe('package.json')} "depguard"`,
      ruleIds,
    );
  return EMPTY_POLICY;
}

/** How the head changes a place the policy may live in. */
export interface PolicyEdit {
  readonly place: PolicyPlace;
  readonly change: 'added' | 'removed' | 'modified';
}

/** The places where the head's policy differs from the base's (layout and key order aside). */
export function policyEdits(base: PolicySide, head: PolicySide): PolicyEdit[] {
  return PLACES.flatMap((place): PolicyEdit[] => {
    const [a, b] = [base.places[place], head.places[place]];
    if (a === undefined && b === undefined) return [];
    if (a === undefined) return [{ place, change: 'added' }];
    if (b === undefined) return [{ place, change: 'removed' }];
    return canonical(a) === canonical(b) ? [] : [{ place, change: 'modified' }];
  });
}

/** JSON text with its layout and key order ignored; text that is not JSON stays itself. */
function canonical(text: string): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sorted(v)]),
    );
  };
  try {
    return JSON.stringify(sorted(JSON.parse(text)));
  } catch {
    return text;
  }
}
