import semver from 'semver';

/**
 * What each package manager does with the install scripts of dependencies, as plain data (read
 * from the project's files by src/config/script-allowlist.ts), and the verdict for one version.
 */

export type ScriptManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** One entry that lets a dependency's install scripts run (allow) or stops them (deny). */
export interface ScriptEntry {
  readonly name: string;
  /** The exact versions it is limited to; null: every version of the name. */
  readonly versions: readonly string[] | null;
  /** Where it is written, as messages name it: `package.json allowScripts`. */
  readonly setting: string;
  /** The entry as written: the key, or the list item. */
  readonly entry: string;
}

/** What one package manager does with the install scripts of dependencies, as the project sets it up. */
export interface ScriptPolicy {
  readonly manager: ScriptManager;
  readonly allow: readonly ScriptEntry[];
  readonly deny: readonly ScriptEntry[];
  /**
   * Why the manager runs no install script of a dependency that no entry allows (a setting, or
   * its default and what shows it applies); null when it runs them, or when depguard cannot tell.
   */
  readonly blocksUnlisted: string | null;
  /**
   * When an allow and a deny entry both cover a version: npm denies; Yarn takes the entry for the
   * exact version over the one for the name; pnpm answers differently across versions (10 allows,
   * 11 denies), so depguard assumes it runs.
   */
  readonly conflict: 'deny' | 'version' | 'allow';
}

export type ScriptPolicies = Readonly<Record<ScriptManager, ScriptPolicy>>;

/** The policies as the base revision has them (what judges) and as the change has them (never used to lower anything). */
export interface ScriptPolicySides {
  readonly base: ScriptPolicies;
  readonly head: ScriptPolicies;
}

/** What the manager of a lockfile does with the install scripts of one locked version, and why. */
export type ScriptGate =
  | {
      readonly kind: 'allowed';
      readonly manager: ScriptManager;
      readonly entry: ScriptEntry;
      /** The entry covers every version of the name. */
      readonly byName: boolean;
      /** The base's files do not allow it; the change adds the entry. */
      readonly addedByThisChange: boolean;
    }
  | { readonly kind: 'blocked'; readonly manager: ScriptManager; readonly reason: string }
  | { readonly kind: 'runs' };

const RUNS: ScriptGate = { kind: 'runs' };

type Decision =
  | { readonly kind: 'allowed' | 'denied'; readonly entry: ScriptEntry }
  | { readonly kind: 'unlisted'; readonly pinnedTo?: ScriptEntry };

/**
 * The verdict for `name@version` in a lockfile of `format`: allowed by an entry of the base (or,
 * where the base did not allow it, of the change: the change lets it run), blocked on both sides
 * (the change does not lift the block), or neither. Yarn v1 lockfiles have no allowlist.
 */
export function scriptGate(sides: ScriptPolicySides | null, format: string, name: string, version: string): ScriptGate {
  const manager = MANAGERS[format];
  if (sides === null || manager === undefined) return RUNS;
  const base = decide(sides.base[manager], name, version);
  if (base.kind === 'allowed')
    return { kind: 'allowed', manager, entry: base.entry, byName: base.entry.versions === null, addedByThisChange: false };
  const head = decide(sides.head[manager], name, version);
  if (head.kind === 'allowed')
    return { kind: 'allowed', manager, entry: head.entry, byName: head.entry.versions === null, addedByThisChange: true };
  const blocked = blockReason(sides.base[manager], base, name);
  return blocked !== null && blockReason(sides.head[manager], head, name) !== null ? { kind: 'blocked', manager, reason: blocked } : RUNS;
}

const MANAGERS: Readonly<Record<string, ScriptManager>> = { npm: 'npm', pnpm: 'pnpm', 'yarn-berry': 'yarn', bun: 'bun' };

function decide(policy: ScriptPolicy, name: string, version: string): Decision {
  const exact = semver.valid(version) ?? version;
  const covers = (e: ScriptEntry): boolean => e.name === name && (e.versions === null || e.versions.includes(exact));
  const allow = policy.allow.filter(covers).sort((a, b) => Number(a.versions !== null) - Number(b.versions !== null));
  const deny = policy.deny.filter(covers);
  if (allow[0] && deny[0]) {
    if (policy.conflict === 'allow') return { kind: 'allowed', entry: allow[0] };
    if (policy.conflict === 'deny') return { kind: 'denied', entry: deny[0] };
    const pinned = [...allow, ...deny].find((e) => e.versions !== null)!;
    return { kind: allow.includes(pinned) ? 'allowed' : 'denied', entry: pinned };
  }
  if (allow[0]) return { kind: 'allowed', entry: allow[0] };
  if (deny[0]) return { kind: 'denied', entry: deny[0] };
  const pinnedTo = policy.allow.find((e) => e.name === name);
  return pinnedTo ? { kind: 'unlisted', pinnedTo } : { kind: 'unlisted' };
}

/** Why the manager does not run it; null when it does. */
function blockReason(policy: ScriptPolicy, decision: Decision, name: string): string | null {
  if (decision.kind === 'denied') return `${decision.entry.setting} denies it (${JSON.stringify(decision.entry.entry)})`;
  if (decision.kind !== 'unlisted' || policy.blocksUnlisted === null) return null;
  return decision.pinnedTo
    ? `${policy.blocksUnlisted}, and ${decision.pinnedTo.setting} allows only ${JSON.stringify(decision.pinnedTo.entry)}`
    : `${policy.blocksUnlisted}, and nothing allows ${name}`;
}
