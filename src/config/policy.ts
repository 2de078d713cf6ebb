import semver from 'semver';
import { ConfigError } from '../errors.js';
import { globMatch } from '../glob.js';
import { parseDuration } from '../duration.js';
import { isSeverity, type Severity } from '../severity.js';
import { isRecord } from '../records.js';
import { parseIntegrity } from '../integrity.js';
import type { IgnoreEntry } from '../model.js';

/** The team's policy file, validated. */
export interface Policy {
  /** Where it came from, for messages; null when there is none. */
  readonly source: string | null;
  readonly rules: Readonly<Record<string, Severity | 'off'>>;
  readonly ignore: readonly IgnoreEntry[];
  readonly minReleaseAgeMs?: number;
  readonly failOn?: Severity;
  /** Package names or globs (`@acme/*`) whose findings never block: capped at low. */
  readonly trusted: readonly string[];
  /** Package names or globs on which any publisher or maintainer change is at least high. */
  readonly critical: readonly string[];
  /** false: the code stage does not run (`"code": false`, like --no-code). */
  readonly code?: boolean;
}

export const EMPTY_POLICY: Policy = { source: null, rules: {}, ignore: [], trusted: [], critical: [] };

const KEYS = ['$schema', 'rules', 'ignore', 'minReleaseAge', 'failOn', 'trusted', 'critical', 'code'];
const IGNORE_KEYS = ['package', 'version', 'rule', 'rules', 'integrity', 'reason', 'expires', 'approvedBy', 'approvedAt'];

/** Lockfile tampering: no ignore entry covers it, and a trusted package is not spared it (see apply.ts). */
export const NEVER_IGNORED = 'source-changed';

/**
 * Known malware (a malware advisory covers the locked version): always critical. The policy
 * cannot name it in `rules` or in an ignore entry, and apply.ts gives it no severity override,
 * no trusted cap and no ignore entry (not even a `*` one), so no approval can cover it.
 */
export const ALWAYS_CRITICAL = 'known-malicious';

/** Validates a parsed policy; every error names the file and the offending key. */
export function validatePolicy(raw: unknown, source: string, ruleIds: readonly string[]): Policy {
  const fail = (key: string, problem: string): never => {
    throw new ConfigError(`${source}: ${key} ${problem}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('(top level)', 'must be a JSON object');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!KEYS.includes(key)) fail(key, `is not a known key (known: ${KEYS.slice(1).join(', ')})`);

  const rules: Record<string, Severity | 'off'> = {};
  if (obj.rules !== undefined) {
    if (!isRecord(obj.rules)) fail('rules', 'must be an object of rule id: severity or "off"');
    for (const [id, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!ruleIds.includes(id)) fail(`rules.${id}`, `is not a rule (see depguard rules)`);
      if (id === ALWAYS_CRITICAL) fail(`rules.${id}`, 'cannot be set: known malware is always critical');
      if (value !== 'off' && !isSeverity(value)) fail(`rules.${id}`, 'must be "off" or one of info, low, medium, high, critical');
      rules[id] = value as Severity | 'off';
    }
  }

  const ignore: IgnoreEntry[] = [];
  if (obj.ignore !== undefined) {
    if (!Array.isArray(obj.ignore)) fail('ignore', 'must be an array');
    for (const [i, entry] of (obj.ignore as unknown[]).entries()) {
      const at = `ignore[${i}]`;
      if (!isRecord(entry)) return fail(at, 'must be an object');
      const e = entry as Record<string, unknown>;
      for (const key of Object.keys(e))
        if (!IGNORE_KEYS.includes(key)) fail(`${at}.${key}`, `is not a known key (known: ${IGNORE_KEYS.join(', ')})`);
      if (typeof e.package !== 'string' || e.package === '') fail(`${at}.package`, 'is required (a package name or glob)');
      if (typeof e.reason !== 'string' || e.reason.trim() === '')
        fail(`${at}.reason`, 'is required: say why this was reviewed and accepted');
      const version = e.version === undefined ? '*' : e.version;
      if (typeof version !== 'string' || semver.validRange(version) === null) fail(`${at}.version`, 'must be a semver range');
      if (e.rule !== undefined && e.rules !== undefined) fail(at, 'has both rule and rules: use one');
      const rule = e.rule === undefined && e.rules === undefined ? '*' : e.rule;
      if (rule !== undefined && (typeof rule !== 'string' || (rule !== '*' && !ruleIds.includes(rule))))
        fail(`${at}.rule`, 'must be a rule id or "*"');
      if (
        e.rules !== undefined &&
        (!Array.isArray(e.rules) || e.rules.length === 0 || e.rules.some((r) => typeof r !== 'string' || !ruleIds.includes(r)))
      )
        fail(`${at}.rules`, 'must be a non-empty array of rule ids');
      if (Array.isArray(e.rules) && e.rules.includes(NEVER_IGNORED))
        fail(`${at}.rules`, `cannot include ${NEVER_IGNORED}: lockfile tampering is never approved`);
      if (rule === ALWAYS_CRITICAL || (Array.isArray(e.rules) && e.rules.includes(ALWAYS_CRITICAL)))
        fail(`${at}.${rule === ALWAYS_CRITICAL ? 'rule' : 'rules'}`, `cannot name ${ALWAYS_CRITICAL}: known malware is never approved`);
      if (e.integrity !== undefined && (typeof e.integrity !== 'string' || parseIntegrity(e.integrity) === null))
        fail(`${at}.integrity`, 'must be an integrity hash (sha512-...)');
      if (e.expires !== undefined && (typeof e.expires !== 'string' || Number.isNaN(Date.parse(e.expires))))
        fail(`${at}.expires`, 'must be a date (YYYY-MM-DD)');
      for (const k of ['approvedBy', 'approvedAt'] as const)
        if (e[k] !== undefined && typeof e[k] !== 'string') fail(`${at}.${k}`, 'must be a string');
      ignore.push({
        package: e.package as string,
        version: version as string,
        ...(rule !== undefined ? { rule: rule as string } : {}),
        ...(e.rules !== undefined ? { rules: e.rules as string[] } : {}),
        ...(e.integrity !== undefined ? { integrity: e.integrity as string } : {}),
        reason: e.reason as string,
        ...(e.expires !== undefined ? { expires: e.expires as string } : {}),
        ...(e.approvedBy !== undefined ? { approvedBy: e.approvedBy as string } : {}),
        ...(e.approvedAt !== undefined ? { approvedAt: e.approvedAt as string } : {}),
      });
    }
  }

  let minReleaseAgeMs: number | undefined;
  if (obj.minReleaseAge !== undefined) {
    const v = obj.minReleaseAge;
    const parsed = typeof v === 'number' && v >= 0 ? v * 86_400_000 : typeof v === 'string' ? parseDuration(v) : null;
    if (parsed === null) fail('minReleaseAge', 'must be a number of days or a duration like "3d", "12h"');
    minReleaseAgeMs = parsed as number;
  }
  if (obj.code !== undefined && typeof obj.code !== 'boolean') fail('code', 'must be true or false');
  if (obj.failOn !== undefined && !isSeverity(obj.failOn)) fail('failOn', 'must be one of info, low, medium, high, critical');

  const names = (key: 'trusted' | 'critical'): string[] => {
    const v = obj[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === ''))
      return fail(key, 'must be an array of package names or globs');
    return v as string[];
  };
  return {
    source,
    rules,
    ignore,
    ...(minReleaseAgeMs !== undefined ? { minReleaseAgeMs } : {}),
    ...(obj.failOn !== undefined ? { failOn: obj.failOn as Severity } : {}),
    ...(obj.code !== undefined ? { code: obj.code as boolean } : {}),
    trusted: names('trusted'),
    critical: names('critical'),
  };
}

/** `@acme/*` matches every package of the scope; `*` matches within one name segment (names come from the change: no backtracking). */
export function matchesPackage(pattern: string, name: string): boolean {
  return pattern.includes('*') ? globMatch(pattern, name) : pattern === name;
}
