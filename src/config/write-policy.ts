import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readJson, type PolicyLocation } from './load-policy.js';
import { validatePolicy } from './policy.js';
import { coveredRules, type IgnoreEntry } from '../model.js';

export interface ApprovalWrite {
  /** The file written. */
  readonly file: string;
  /** True when an earlier entry for the same package and version was replaced. */
  readonly replaced: boolean;
}

/**
 * Adds one ignore entry to the policy, replacing those for the same package and version whose
 * rules it covers (or that covered every rule), and keeps the file's indentation. Writes only
 * the policy file (or package.json's "depguard" key when the policy lives there); validates the
 * result first, so a bad entry never lands.
 */
export function recordApproval(location: PolicyLocation, entry: IgnoreEntry, ruleIds: readonly string[]): ApprovalWrite {
  const file = location.kind === 'none' ? path.join(location.dir, 'depguard.config.json') : location.file;
  const whole = location.kind === 'none' ? {} : (readJson(file) as Record<string, unknown>);
  const policy = (location.kind === 'package-json' ? (whole.depguard as Record<string, unknown>) : whole) ?? {};
  const ignore = Array.isArray(policy.ignore) ? [...(policy.ignore as IgnoreEntry[])] : [];
  const rules = coveredRules(entry);
  const same = (e: IgnoreEntry): boolean =>
    e.package === entry.package && (e.version ?? '*') === entry.version && coveredRules(e).every((r) => r === '*' || rules.includes(r));
  const replaced = ignore.some(same);
  const updated = { ...policy, ignore: [...ignore.filter((e) => !same(e)), entry] };
  validatePolicy(updated, file, ruleIds);
  const out = location.kind === 'package-json' ? { ...whole, depguard: updated } : updated;
  writeFileSync(file, `${JSON.stringify(out, null, indentOf(file))}\n`);
  return { file, replaced };
}

function indentOf(file: string): string | number {
  try {
    const match = /^[{[]\r?\n([ \t]+)/.exec(readFileSync(file, 'utf8'));
    return match ? match[1]! : 2;
  } catch {
    return 2;
  }
}
