import { SENSITIVE, type CodeComparison, type FileCapabilities } from '../code/compare.js';
import { capabilityId, type Capability, type TarProblem } from '../code/model.js';

import type { Severity } from '../severity.js';
import { defineRule, pass, unchecked, type CodeKind, type CodeTrait, type Draft } from './rule.js';

/** Files listed one finding each; the rest are counted in the last. */
const MAX_FILES = 10;
/** Capabilities named in one message. */
const MAX_NAMED = 6;

export const codeCapabilities = defineRule({
  id: 'code-capabilities',
  title:
    "The new version's code can do what the previous one could not (network, processes, dynamic code, secrets, hooks, obfuscation, binaries)",
  defaultSeverity: 'info',
  metadata: 'optional',
  code: true,
  appliesTo: (change) => change.after !== null,
  check({ change, code }) {
    if (!code || code.mismatch) return pass; // no stage, or source-changed reports the tarball
    if (code.unavailable) return unchecked(code.unavailable);
    const comparison = code.comparison;
    if (!comparison) return pass;
    const version = change.after!.version;
    const isNew = change.before === null;
    const findings: Draft[] = comparison.files.slice(0, MAX_FILES).map((file) => fileDraft(file, version, isNew));
    const rest = comparison.files.length - MAX_FILES;
    if (rest > 0 && findings.length > 0) {
      const last = findings.at(-1)!;
      findings[findings.length - 1] = { ...last, message: `${last.message} (and ${rest} more file${rest === 1 ? '' : 's'})` };
    }
    const rewrite = rewriteDraft(comparison, version, change.before?.version);
    if (rewrite) findings.push(rewrite);
    findings.push(...problemDrafts(comparison.problems, version));
    if (!comparison.complete)
      return { findings, unchecked: 'the tarball is larger than the limits for reading it: files past them were not analysed' };
    return { findings };
  },
});

/** Dynamic code bundles are full of: `require` of a computed name, `Function` of a constant string. */
const COMMON_DYNAMIC = new Set(['require(non-literal)', 'Function(constant)']);
/** Decoders that turn data into a payload; the others (fromCharCode, URI escapes, reversal) are everyday string handling. */
const PAYLOAD_DECODERS = new Set(['hex', 'base64', 'decipher']);

/** The capability as a trait kind, graded so that what every bundle does is no link of a chain. */
function traitKind(c: Capability): CodeKind {
  if (c.kind === 'dynamic-code' && COMMON_DYNAMIC.has(c.detail)) return 'dynamic-common';
  if (c.kind === 'decode-execute' && !PAYLOAD_DECODERS.has(c.detail)) return 'dynamic-code';
  return c.kind;
}

function fileDraft(file: FileCapabilities, version: string, isNew: boolean): Draft {
  const fresh = file.capabilities.filter((c) => file.fresh.has(capabilityId(c)));
  const had = file.capabilities.filter((c) => !file.fresh.has(capabilityId(c)));
  const traits = new Set<CodeTrait>();
  for (const c of fresh) traits.add(`code:${traitKind(c)}`);
  for (const c of had) if (!traits.has(`code:${traitKind(c)}`)) traits.add(`code:had:${traitKind(c)}`);
  if (file.installTime) traits.add('code:install-time');
  const severity: Severity = file.installTime || fresh.some(sensitive) ? 'low' : 'info';
  // the weightiest first: a host name says less than a token read
  const named = [...fresh]
    .sort((a, b) => rank(b) - rank(a))
    .slice(0, MAX_NAMED)
    .map(
      (c) =>
        `${describe(c)} (${[c.line > 0 ? String(c.line) : '', c.excerpt ? `\`${c.excerpt}\`` : ''].filter(Boolean).join(' ') || 'the file'})`,
    );
  const more = fresh.length > MAX_NAMED ? `, and ${fresh.length - MAX_NAMED} more` : '';
  const where = `${file.file}${file.installTime ? ' (runs at install)' : ''}`;
  const first = fresh[0]!;
  return {
    severity,
    traits: [...traits],
    inPackage: { file: file.file, line: first.line },
    message: `${isNew ? `${version} (new to the tree)` : `new in ${version}`}: ${where}: ${named.join(', ')}${more}`,
    evidence: {
      file: file.file,
      installTime: file.installTime,
      capabilities: fresh.map(({ kind, detail, line, excerpt }) => ({ kind, detail, line, excerpt })),
      alsoHad: [...new Set(had.map(capabilityId))],
    },
  };
}

/** A kind that says more than "uses a common API" (a computed require is everyday bundler output). */
function sensitive(c: Capability): boolean {
  return SENSITIVE.has(c.kind) && traitKind(c) !== 'dynamic-common';
}

function rank(c: Capability): number {
  return sensitive(c) ? 2 : c.kind === 'host' ? 0 : 1;
}

/** How a capability reads in a message. */
function describe(c: Pick<Capability, 'kind' | 'detail'>): string {
  switch (c.kind) {
    case 'network':
      return `network (${c.detail})`;
    case 'host':
      return `names host ${c.detail}`;
    case 'process':
      return `runs processes (${c.detail})`;
    case 'shell-command':
      return `shell command ${c.detail}`;
    case 'dynamic-code':
      return `dynamic code (${c.detail})`;
    case 'decode-execute':
      return `runs decoded data (${c.detail})`;
    case 'env-dump':
      return 'reads the whole environment';
    case 'token-read':
      return `reads ${c.detail}`;
    case 'credential-path':
      return `credential path ${c.detail}`;
    case 'write-outside':
      return `writes outside the package (${c.detail})`;
    case 'browser-hook':
      return `hooks ${c.detail}`;
    case 'crypto-address':
      return `${c.detail} address`;
    case 'obfuscated':
      return `obfuscated (${c.detail})`;
    case 'high-entropy':
      return `high-entropy blob (${c.detail})`;
    case 'native-binary':
      return `native binary (${c.detail})`;
    case 'wasm':
      return 'WebAssembly module';
    case 'unparseable':
      return `no parser reads it (${c.detail})`;
  }
}

function rewriteDraft(comparison: CodeComparison, version: string, previous: string | undefined): Draft | null {
  const { rewrite, before, after } = comparison;
  if (!rewrite || !before || !previous) return null;
  const size = (s: { files: number; bytes: number }) => `${s.files} file${s.files === 1 ? '' : 's'}, ${kb(s.bytes)}`;
  return {
    severity: 'low',
    traits: ['code:rewritten'],
    message: `${version} ${rewrite === 'emptied' ? 'is nearly empty' : 'is ten times larger'}: ${size(after)} where ${previous} had ${size(before)}`,
    evidence: { rewrite, before, after, counts: comparison.counts },
  };
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Entries npm would refuse or that no packer writes: a sign of a hand-made tarball. */
const HOSTILE = new Set<TarProblem['kind']>(['traversal', 'absolute', 'link', 'special', 'corrupt']);

function problemDrafts(problems: readonly TarProblem[], version: string): Draft[] {
  const hostile = problems.filter((p) => HOSTILE.has(p.kind));
  const duplicates = problems.filter((p) => p.kind === 'duplicate');
  const out: Draft[] = [];
  if (hostile.length > 0)
    out.push({
      severity: 'medium',
      traits: ['code:tarball-anomaly'],
      message: `${version}'s tarball has entries npm does not install as they are: ${list(hostile)}`,
      evidence: { problems: hostile.slice(0, 20) },
    });
  if (duplicates.length > 0)
    out.push({
      severity: 'low',
      traits: ['code:tarball-anomaly'],
      message: `${version}'s tarball has the same path twice (the later copy is what npm installs): ${list(duplicates)}`,
      evidence: { problems: duplicates.slice(0, 20) },
    });
  return out;
}

function list(problems: readonly TarProblem[]): string {
  const shown = problems.slice(0, 3).map((p) => `${p.kind} ${p.path}`);
  return `${shown.join(', ')}${problems.length > 3 ? `, and ${problems.length - 3} more` : ''}`;
}
