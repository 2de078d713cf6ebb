import type { Finding, PathStep, RegistryField, Skipped } from '../model.js';
import type { ChangeRecord, DiffResult } from '../result.js';
import { atLeast, severityRank, type Severity } from '../severity.js';

/** Findings by package name@version, the most severe package first (stable otherwise). */
export function groupByPackage(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.package.name}@${f.package.version}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const top = (g: Finding[]): number => severityRank(topSeverity(g));
  return [...groups.values()].sort((a, b) => top(b) - top(a));
}

export function topSeverity(findings: readonly Finding[]): Severity {
  return findings.map((f) => f.severity).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
}

/** Checks not made for one cause, said once: the rules it stopped and the packages they could not check. */
export interface SkippedGroup {
  /**
   * For the checks stopped by fields the registry's documents leave out altogether (a mirror
   * that strips them): which fields, in a fixed order. Empty for any other cause.
   */
  readonly fields: readonly RegistryField[];
  /** Any other cause: the reason the checks gave (raw). */
  readonly reason: string;
  readonly rules: readonly string[];
  /** Package names, in the order the checks name them. */
  readonly packages: readonly string[];
}

const FIELD_ORDER: readonly RegistryField[] = ['_npmUser', 'maintainers', 'time'];

/**
 * Checks not made, by cause: every check stopped by a field the registry leaves out is one
 * group (whichever field and rule), listed first; the others are grouped by the reason they give.
 * Rules are listed in `ruleOrder` (the result's listing order).
 */
export function groupSkipped(skipped: readonly Skipped[], ruleOrder: readonly { readonly id: string }[]): SkippedGroup[] {
  const rank = new Map(ruleOrder.map((r, i) => [r.id, i]));
  const byRank = (a: string, b: string): number => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size);
  const byCause = new Map<string, { fields: Set<RegistryField>; reason: string; rules: Set<string>; packages: Set<string> }>();
  for (const s of skipped) {
    const key = s.missing ? '' : `reason:${s.reason}`;
    let group = byCause.get(key);
    if (!group) {
      group = { fields: new Set(), reason: s.missing ? '' : s.reason, rules: new Set(), packages: new Set() };
      byCause.set(key, group);
    }
    if (s.missing) group.fields.add(s.missing);
    group.rules.add(s.ruleId);
    group.packages.add(s.package.name);
  }
  return [...byCause.entries()]
    .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : 0))
    .map(([, g]) => ({
      fields: FIELD_ORDER.filter((f) => g.fields.has(f)),
      reason: g.reason,
      rules: [...g.rules].sort(byRank),
      packages: [...g.packages],
    }));
}

/**
 * Packages new to the tree, by the package that brings them in: reports show each block as one
 * line, so that a new dependency with forty packages of its own does not bury what matters.
 */
export interface NewPackages {
  /** What brings them in: a new direct dependency (then also in `members`' count, as `parentIsNew`), or the package that starts depending on them. */
  readonly parent: PathStep;
  /** The parent's own change, when it changed (for "1.0.0 -> 2.0.0"). */
  readonly parentChange: ChangeRecord | null;
  /** The parent is itself new to the tree (a new direct dependency), and part of the block. */
  readonly parentIsNew: boolean;
  /** The parent has findings above info (shown on their own). */
  readonly parentFlagged: boolean;
  /** The other new packages it brings, in name order. */
  readonly members: readonly ChangeRecord[];
  /** Those of the members (not the parent) with findings above info: shown on their own, counted here. */
  readonly flagged: readonly ChangeRecord[];
}

export interface NewPackageBlocks {
  /** Largest first, then by the parent's name. */
  readonly blocks: readonly NewPackages[];
  /** Keys (name@version) of the new packages a block stands for, that are not shown on their own. */
  readonly quiet: ReadonlySet<string>;
}

const keyOf = (p: { name: string; version: string | null }): string => `${p.name}@${p.version ?? ''}`;

/**
 * The blocks of a diff (an audit has no "new"). A package new to the tree belongs to the block of
 * the first added package on its shortest path: that package itself when it is a direct
 * dependency, else the package before it on the path (the upgraded or existing package that
 * started depending on it). Packages with findings above info stay in their block's count and
 * are also shown on their own.
 */
export function newPackageBlocks(result: DiffResult): NewPackageBlocks {
  if (result.command !== 'diff') return { blocks: [], quiet: new Set() };
  const changes = new Map(result.changes.map((c) => [keyOf(c), c]));
  const added = new Set(result.changes.filter((c) => c.kind === 'added').map(keyOf));
  const flagged = new Set(result.findings.filter((f) => atLeast(f.severity, 'low')).map((f) => keyOf(f.package)));
  const blocks = new Map<string, { parent: PathStep; members: ChangeRecord[] }>();
  const block = (parent: PathStep) => {
    const key = keyOf(parent);
    let b = blocks.get(key);
    if (!b) {
      b = { parent, members: [] };
      blocks.set(key, b);
    }
    return b;
  };
  for (const change of result.changes) {
    if (change.kind !== 'added' || !change.newName) continue;
    const path = change.paths[0];
    if (!path || path.length < 2) continue;
    const self = keyOf(change);
    // the path ends at the package itself (by the name it is installed under, for an alias)
    const steps = [...path.slice(1, -1), { name: change.name, version: change.version ?? '' }];
    const at = steps.findIndex((s) => added.has(keyOf(s)));
    const first = steps[at]!;
    const firstChange = changes.get(keyOf(first));
    const parent = firstChange?.direct ? first : path[at]!;
    if (keyOf(parent) === self) block(parent);
    else block(parent).members.push(change);
  }
  const out: NewPackages[] = [];
  const quiet = new Set<string>();
  for (const { parent, members } of blocks.values()) {
    const parentChange = changes.get(keyOf(parent)) ?? null;
    const parentIsNew = parentChange !== null && parentChange.kind === 'added' && parentChange.newName;
    // a new direct dependency with nothing new of its own, and findings above info, is shown on its own only
    if (members.length === 0 && (!parentIsNew || flagged.has(keyOf(parent)))) continue;
    if (parentIsNew && !flagged.has(keyOf(parent))) quiet.add(keyOf(parent));
    for (const m of members) if (!flagged.has(keyOf(m))) quiet.add(keyOf(m));
    out.push({
      parent,
      parentChange,
      parentIsNew,
      parentFlagged: flagged.has(keyOf(parent)),
      members: [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      flagged: members.filter((m) => flagged.has(keyOf(m))),
    });
  }
  out.sort((a, b) => b.members.length - a.members.length || (a.parent.name < b.parent.name ? -1 : a.parent.name > b.parent.name ? 1 : 0));
  return { blocks: out, quiet };
}
