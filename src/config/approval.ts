import { isPackage, type Snapshot, type IgnoreEntry } from '../model.js';
import { parseDuration } from '../duration.js';
import { RegistryError, UsageError } from '../errors.js';
import type { DiffResult } from '../result.js';
import { ALWAYS_CRITICAL, NEVER_IGNORED } from './policy.js';

export const DEFAULT_APPROVAL_TTL = '90d';

export interface ApprovalRequest {
  readonly name: string;
  readonly version: string;
  readonly reason: string;
  /** --rule, possibly repeated; empty: the rules the version has findings for. */
  readonly rules: readonly string[];
  /** A date (YYYY-MM-DD) or a duration from now ("30d"). */
  readonly expires: string;
  readonly approvedBy: string;
  readonly now: number;
}

/**
 * The ignore entry `depguard approve` writes: bound to the integrity the head lockfile locks for
 * the version, covering the rules it has findings for in the same analysis `depguard diff` runs
 * (or those named), never source-changed, and expiring.
 */
export function planApproval(request: ApprovalRequest, head: Snapshot, result: DiffResult): IgnoreEntry {
  const { name, version } = request;
  const spec = `${name}@${version}`;
  const locked = head.nodes.filter((n) => isPackage(n) && n.packageName === name && n.version === version);
  // a bundled copy comes in its parent's tarball: its own integrity is not what npm checks
  const copies = locked.filter((n) => !n.inBundle);
  if (locked.length === 0) {
    const others = [...new Set(head.nodes.filter((n) => isPackage(n) && n.packageName === name).map((n) => n.version))];
    const has = others.length > 0 ? ` (it locks ${name} ${others.join(', ')})` : '';
    throw new UsageError(`${spec} is not in ${result.head}${has}: approve a version the lockfile locks`);
  }
  const integrities = new Set(copies.map((n) => n.integrity));
  if (integrities.size > 1)
    throw new UsageError(
      `the copies of ${spec} in ${result.head} have different integrity hashes (see source-changed): fix the lockfile before approving`,
    );
  if (request.rules.includes(ALWAYS_CRITICAL))
    throw new UsageError(`--rule ${ALWAYS_CRITICAL}: known malware is never approved; remove ${spec} instead`);
  const rules = request.rules.length > 0 ? [...new Set(request.rules)] : rulesWithFindings(spec, name, version, result);
  const integrity = copies[0]?.integrity ?? null;
  return {
    package: name,
    version,
    rules,
    ...(integrity !== null ? { integrity } : {}),
    reason: request.reason,
    expires: expiryDate(request.expires, request.now),
    approvedBy: request.approvedBy,
    approvedAt: new Date(request.now).toISOString(),
  };
}

function rulesWithFindings(spec: string, name: string, version: string, result: DiffResult): string[] {
  const unavailable = result.unavailable.find((u) => u.package.name === name && u.package.version === version);
  if (unavailable)
    throw new RegistryError(
      name,
      `${unavailable.reason}; approve needs the version's findings to know which rules it covers (retry, or name them with --rule)`,
    );
  const mine = [...result.findings, ...result.suppressed.map((s) => s.finding)].filter(
    (f) => f.package.name === name && f.package.version === version,
  );
  const rules = [...new Set(mine.map((f) => f.ruleId).filter((r) => r !== NEVER_IGNORED && r !== ALWAYS_CRITICAL))].sort();
  if (rules.length > 0) return rules;
  if (mine.some((f) => f.ruleId === ALWAYS_CRITICAL))
    throw new UsageError(`${spec} is known malware (${ALWAYS_CRITICAL}), which no approval covers: remove it instead`);
  if (mine.length > 0)
    throw new UsageError(`${spec}: its only findings are ${NEVER_IGNORED}, which no approval covers; fix the lockfile entry instead`);
  throw new UsageError(
    `${spec} has no findings between ${result.base} and ${result.head}: nothing to approve (compare with the branch it lands on, e.g. --base main, or name the rules with --rule)`,
  );
}

/** YYYY-MM-DD, from a date or a duration counted from now; never in the past. */
export function expiryDate(expires: string, now: number): string {
  let date: string;
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires) && !Number.isNaN(Date.parse(expires))) date = expires;
  else {
    const ms = parseDuration(expires);
    if (ms === null) throw new UsageError(`--expires must be a date (YYYY-MM-DD) or a duration like 30d, not '${expires}'`);
    date = new Date(now + ms).toISOString().slice(0, 10);
  }
  if (Date.parse(`${date}T23:59:59.999Z`) < now) throw new UsageError(`--expires ${expires} is already past`);
  return date;
}
