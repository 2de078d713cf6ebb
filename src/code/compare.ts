import { capabilityId, type Capability, type CapabilityKind } from './model.js';
import type { PackageAnalysis } from './package.js';
import type { TarProblem } from './model.js';

/** A file of the new version that can do something the old version could not. */
export interface FileCapabilities {
  readonly file: string;
  /** Runs at install (an install script runs it, or it is the script itself). */
  readonly installTime: boolean;
  /** Every capability of the file in the new version, fresh or not: chains are read per file. */
  readonly capabilities: readonly Capability[];
  /** Identities (capabilityId) of those new to the package. */
  readonly fresh: ReadonlySet<string>;
}

export interface CodeComparison {
  /** Files with at least one capability new to the package, the weightiest first. */
  readonly files: readonly FileCapabilities[];
  readonly counts: { readonly added: number; readonly changed: number; readonly removed: number };
  readonly before?: { readonly files: number; readonly bytes: number };
  readonly after: { readonly files: number; readonly bytes: number };
  /** The package emptied or rewritten wholesale. */
  readonly rewrite?: 'emptied' | 'exploded';
  /** What reading the new tarball revealed that the old one did not have. */
  readonly problems: readonly TarProblem[];
  /** False when a limit stopped reading either tarball. */
  readonly complete: boolean;
}

/** Kinds that say more than "uses a common API": a new one makes a file finding low rather than info. */
export const SENSITIVE: ReadonlySet<CapabilityKind> = new Set<CapabilityKind>([
  'shell-command',
  'dynamic-code',
  'decode-execute',
  'env-dump',
  'token-read',
  'credential-path',
  'write-outside',
  'browser-hook',
  'obfuscated',
  'native-binary',
  'unparseable',
]);

/**
 * What the new version can do that the old one could not, as sets of capabilities (most bumps
 * rewrite most files, so lines say little): a capability is fresh when no file of the old version
 * had it; one in a file run at install is a different capability from the same call elsewhere.
 * Without an old version (a package new to the tree) every capability is fresh.
 */
export function compareCode(before: PackageAnalysis | undefined, after: PackageAnalysis): CodeComparison {
  const installAfter = installSet(after);
  const known = new Set<string>();
  if (before) {
    const installBefore = installSet(before);
    for (const c of before.capabilities) known.add(identity(c, installBefore));
  }
  const byFile = new Map<string, Capability[]>();
  for (const c of after.capabilities) {
    const list = byFile.get(c.file);
    if (list) list.push(c);
    else byFile.set(c.file, [c]);
  }
  const files: FileCapabilities[] = [];
  for (const [file, capabilities] of byFile) {
    const fresh = new Set(capabilities.filter((c) => !known.has(identity(c, installAfter))).map(capabilityId));
    if (fresh.size > 0) files.push({ file, installTime: installAfter.has(file), capabilities, fresh });
  }
  files.sort((a, b) => weight(b) - weight(a) || (a.file < b.file ? -1 : 1));

  const old = new Map((before?.files ?? []).map((f) => [f.path, f.hash]));
  const paths = new Set(after.files.map((f) => f.path));
  const counts = {
    added: after.files.filter((f) => !old.has(f.path)).length,
    changed: after.files.filter((f) => old.has(f.path) && (old.get(f.path) !== f.hash || f.hash === '')).length,
    removed: [...old.keys()].filter((p) => !paths.has(p)).length,
  };
  const size = (a: PackageAnalysis) => ({ files: a.files.length, bytes: a.files.reduce((n, f) => n + f.size, 0) });
  const seen = new Set((before?.problems ?? []).map((p) => `${p.kind}\0${p.path}`));
  return {
    files,
    counts,
    ...(before ? { before: size(before) } : {}),
    after: size(after),
    ...(before ? rewriteOf(size(before), size(after)) : {}),
    problems: after.problems.filter((p) => !seen.has(`${p.kind}\0${p.path}`)),
    complete: after.complete && (before?.complete ?? true),
  };
}

function installSet(a: PackageAnalysis): Set<string> {
  const files = new Set(a.installFiles);
  if (Object.keys(a.installScripts).length > 0) files.add('package.json');
  return files;
}

function identity(c: Capability, installFiles: ReadonlySet<string>): string {
  return `${installFiles.has(c.file) ? 'install:' : ''}${capabilityId(c)}`;
}

function weight(f: FileCapabilities): number {
  let w = f.installTime ? 100 : 0;
  for (const c of f.capabilities) if (f.fresh.has(capabilityId(c))) w += SENSITIVE.has(c.kind) ? 10 : 1;
  return w;
}

/** A package whose size collapses to a tenth, or grows tenfold past a megabyte, was rewritten wholesale. */
function rewriteOf(
  before: { files: number; bytes: number },
  after: { files: number; bytes: number },
): { rewrite?: 'emptied' | 'exploded' } {
  if (before.bytes >= 4096 && after.bytes * 10 < before.bytes) return { rewrite: 'emptied' };
  if (after.bytes >= 1024 * 1024 && after.bytes > before.bytes * 10) return { rewrite: 'exploded' };
  return {};
}
