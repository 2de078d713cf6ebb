/**
 * The capabilities found in one file while it is read: each identity (`kind:detail`) once, at its
 * earliest offset, at most MAX_CAPABILITIES identities. Lines and excerpts are computed only at the
 * end, for the survivors, in one pass over the text.
 */
import type { Capability, CapabilityKind } from '../model.js';
import { classifyString, type StringHit, secretVariable } from './strings.js';

const MAX_CAPABILITIES = 200;
const MAX_DETAIL = 120;
const EXCERPT = 80;
/** How far before the node an excerpt may start on a long line. */
const EXCERPT_LEAD = 30;
/** Strings longer than this are classified but not remembered. */
const CACHE_VALUE_LIMIT = 2048;
const CACHE_ENTRIES = 20_000;

interface Found {
  readonly kind: CapabilityKind;
  readonly detail: string;
  offset: number;
}

/** Collects a file's capabilities by offset into its decoded text. */
export class Findings {
  private readonly found = new Map<string, Found>();
  private readonly classified = new Map<string, readonly StringHit[]>();

  constructor(readonly text: string) {}

  add(kind: CapabilityKind, detail: string, offset: number): void {
    const bounded = detail.length > MAX_DETAIL ? detail.slice(0, MAX_DETAIL) : detail;
    const id = `${kind}:${bounded}`;
    const previous = this.found.get(id);
    if (previous !== undefined) {
      if (offset < previous.offset) previous.offset = offset;
    } else if (this.found.size < MAX_CAPABILITIES) {
      this.found.set(id, { kind, detail: bounded, offset });
    }
  }

  /**
   * A string literal (or a piece of one) at `offset`: whatever the string classifier sees in it,
   * except a path outside the package, which is a capability only where code writes to it (the
   * write detectors ask `classify` themselves): `'users.*.profile'` is not a shell profile.
   */
  string(value: string, offset: number): void {
    if (value.length === 0) return;
    for (const hit of this.classify(value)) if (hit.kind !== 'write-outside') this.add(hit.kind, hit.detail, offset);
  }

  /** The classifier's hits for a value, remembered per file (minified code repeats its strings). */
  classify(value: string): readonly StringHit[] {
    const cached = this.classified.get(value);
    if (cached !== undefined) return cached;
    const hits = classifyString(value);
    if (value.length <= CACHE_VALUE_LIMIT && this.classified.size < CACHE_ENTRIES) this.classified.set(value, hits);
    return hits;
  }

  /** `process.env.NAME` read at `offset`. */
  environmentVariable(name: string, offset: number): void {
    if (secretVariable(name)) this.add('token-read', name, offset);
    this.string(name, offset);
  }

  /** The capabilities in file order, with 1-based lines and one-line excerpts. */
  capabilities(file: string): Capability[] {
    const sorted = [...this.found.values()].sort((a, b) => a.offset - b.offset);
    const text = this.text;
    const out: Capability[] = [];
    let line = 1;
    let newline = text.indexOf('\n');
    for (const found of sorted) {
      const offset = Math.min(Math.max(found.offset, 0), text.length);
      for (; newline !== -1 && newline < offset; newline = text.indexOf('\n', newline + 1)) line++;
      out.push({ kind: found.kind, detail: found.detail, file, line, excerpt: excerpt(text, offset) });
    }
    return out;
  }
}

function isLineBreak(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

/** The line around `offset`, trimmed, at most EXCERPT characters, never a broken surrogate pair. */
function excerpt(text: string, offset: number): string {
  let start = offset;
  const lowest = Math.max(0, offset - EXCERPT_LEAD);
  while (start > lowest && !isLineBreak(text.charCodeAt(start - 1))) start--;
  while (start < offset && isSpace(text.charCodeAt(start))) start++;
  let end = offset;
  const highest = Math.min(text.length, start + EXCERPT);
  while (end < highest && !isLineBreak(text.charCodeAt(end))) end++;
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  if (end > start && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end).trimEnd();
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 11 || code === 12 || code === 0xfeff || code === 0xa0;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
