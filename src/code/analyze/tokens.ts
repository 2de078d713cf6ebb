/**
 * The token scan: what is left when no parser reads a file (too big, too broken, too deep). A
 * linear, approximate lexer (comments skipped, regex literals skipped up to a bound, strings and
 * template pieces unescaped and classified, identifiers matched against a few short patterns over
 * the last tokens). Every position is consumed once: a 50 MB single line costs 50 MB of scanning.
 */
import type { CapabilityKind } from '../model.js';
import type { Findings } from './findings.js';

const IDENT = 1;
const PUNCT = 2;
const STRING = 3;
/** Longest string value (UTF-16 units) kept for classification; the scan itself goes on to the closing quote. */
const MAX_STRING = 16_384;
const MAX_IDENT = 64;
/** A regex literal longer than this is taken as ended (the scan stays linear whatever it was). */
const MAX_REGEX = 256;
const HISTORY = 8;

const NETWORK_MODULES = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns']);
const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self', 'global']);
/** After these words a `/` starts a regex, not a division. */
const EXPRESSION_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);
const DECLARATIONS = new Set(['var', 'let', 'const', 'function']);
/** Calls worth a capability when written `name(`: [kind, detail]. */
const CALLS = new Map<string, readonly [CapabilityKind, string]>([
  ['eval', ['dynamic-code', 'eval']],
  ['Function', ['dynamic-code', 'Function']],
  ['fetch', ['network', 'fetch']],
]);

/** Token-scans `findings.text`, adding what it recognises to `findings`. */
export function scanTokens(findings: Findings): void {
  new TokenScanner(findings).run();
}

class TokenScanner {
  private readonly text: string;
  private readonly kinds = new Uint8Array(HISTORY);
  private readonly values: string[] = new Array(HISTORY).fill('');
  private count = 0;
  /** Open `${` substitutions of template literals: the `{` depth inside each. */
  private readonly templates: number[] = [];

  constructor(private readonly findings: Findings) {
    this.text = findings.text;
  }

  run(): void {
    const text = this.text;
    const n = text.length;
    let i = 0;
    let regexAllowed = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c <= 32 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) {
        i++;
      } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
        const end = text.indexOf('\n', i + 2);
        i = end < 0 ? n : end;
      } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c === 47 && regexAllowed) {
        i = skipRegex(text, i + 1);
        this.push(PUNCT, '/');
        regexAllowed = false;
      } else if (c === 39 || c === 34) {
        i = this.string(i, c);
        regexAllowed = false;
      } else if (c === 96) {
        i = this.template(i + 1);
        regexAllowed = false;
      } else if (isIdentifierPart(c) && !(c >= 48 && c <= 57)) {
        let end = i + 1;
        while (end < n && isIdentifierPart(text.charCodeAt(end))) end++;
        const word = text.slice(i, Math.min(end, i + MAX_IDENT));
        this.identifier(word, i);
        regexAllowed = EXPRESSION_KEYWORDS.has(word);
        i = end;
      } else if (c >= 48 && c <= 57) {
        i++;
        while (i < n && (isIdentifierPart(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
        regexAllowed = false;
      } else {
        const open = this.templates.length - 1;
        if (c === 125 && open >= 0 && this.templates[open] === 0) {
          this.templates.pop();
          i = this.template(i + 1);
          regexAllowed = false;
          continue;
        }
        if (open >= 0 && (c === 123 || c === 125)) this.templates[open] = (this.templates[open] as number) + (c === 123 ? 1 : -1);
        this.punctuator(c, i);
        regexAllowed = c !== 41 && c !== 93 && c !== 125;
        i++;
      }
    }
  }

  /** The k-th previous token's value if it has the given kind ('' otherwise). */
  private previous(k: number, kind = IDENT): string {
    if (k > this.count) return '';
    const slot = (this.count - k) % HISTORY;
    return this.kinds[slot] === kind ? (this.values[slot] as string) : '';
  }

  private push(kind: number, value: string): void {
    const slot = this.count % HISTORY;
    this.kinds[slot] = kind;
    this.values[slot] = value;
    this.count++;
  }

  private identifier(word: string, offset: number): void {
    const findings = this.findings;
    if (word === 'child_process') findings.add('process', 'child_process', offset);
    else if (word === 'XMLHttpRequest') findings.add('network', 'XMLHttpRequest', offset);
    else if (word === 'WebSocket' && this.previous(1) === 'new') findings.add('network', 'WebSocket', offset);
    else if (word === '_compile') findings.add('dynamic-code', '_compile', offset);
    if (this.previous(1, PUNCT) === '.') {
      if (word === 'sendBeacon' && this.previous(2) === 'navigator') findings.add('network', 'navigator.sendBeacon', offset);
      else if (word === 'dlopen' && this.previous(2) === 'process') findings.add('process', 'process.dlopen', offset);
      else if (this.previous(2) === 'env' && this.previous(3, PUNCT) === '.' && this.previous(4) === 'process') {
        findings.environmentVariable(word, offset);
      }
    }
    this.push(IDENT, word);
  }

  private value(value: string, offset: number): void {
    const findings = this.findings;
    const specifier = value.startsWith('node:') ? value.slice(5) : value;
    const loaded = this.previous(1) === 'from' || (this.previous(1, PUNCT) === '(' && ['require', 'import'].includes(this.previous(2)));
    if (specifier === 'child_process') findings.add('process', 'child_process', offset);
    else if (loaded && NETWORK_MODULES.has(specifier)) findings.add('network', specifier, offset);
    else if (loaded && specifier === 'vm') findings.add('dynamic-code', 'vm', offset);
    if (
      this.previous(1, PUNCT) === '[' &&
      this.previous(2) === 'env' &&
      this.previous(3, PUNCT) === '.' &&
      this.previous(4) === 'process'
    ) {
      findings.environmentVariable(value, offset);
    }
    findings.string(value, offset);
    this.push(STRING, value);
  }

  private punctuator(c: number, offset: number): void {
    const findings = this.findings;
    if (c === 40) {
      const call = CALLS.get(this.previous(1));
      if (call !== undefined && this.callsGlobal()) findings.add(call[0], call[1], offset);
    } else if (c === 41) {
      if (
        this.previous(1) === 'env' &&
        this.previous(3) === 'process' &&
        this.previous(4, PUNCT) === '(' &&
        this.previous(5) === 'stringify'
      ) {
        if (this.previous(7) === 'JSON') findings.add('env-dump', 'process.env', offset);
      }
    } else if (c === 61 && this.isAssignment(offset)) {
      this.assignment(offset);
    }
    this.push(PUNCT, String.fromCharCode(c));
  }

  /** `name(` with no object before it, or a global object's: `eval(`, `window.fetch(`. */
  private callsGlobal(): boolean {
    if (this.previous(2, PUNCT) === '.') return GLOBAL_OBJECTS.has(this.previous(3));
    return !DECLARATIONS.has(this.previous(2));
  }

  private isAssignment(offset: number): boolean {
    const next = this.text.charCodeAt(offset + 1);
    const before = this.text.charCodeAt(offset - 1);
    return next !== 61 && next !== 62 && !'=!<>+-*/%&|^?'.includes(String.fromCharCode(before));
  }

  private assignment(offset: number): void {
    const name = this.previous(1);
    const member = this.previous(2, PUNCT) === '.';
    if (name === 'fetch' && (member ? GLOBAL_OBJECTS.has(this.previous(3)) : !DECLARATIONS.has(this.previous(2)))) {
      this.findings.add('browser-hook', 'fetch', offset);
    } else if (member && name !== '' && this.previous(3) === 'prototype' && this.previous(5) === 'XMLHttpRequest') {
      this.findings.add('browser-hook', `XMLHttpRequest.prototype.${name}`, offset);
    } else if (member && name === 'request' && this.previous(3) === 'ethereum') {
      this.findings.add('browser-hook', 'ethereum.request', offset);
    }
  }

  /** A '…' or "…" string from its opening quote; returns the position after it. */
  private string(start: number, quote: number): number {
    const text = this.text;
    const n = text.length;
    let i = start + 1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === quote || c === 10 || c === 13) break;
      i += c === 92 ? 2 : 1;
    }
    const end = Math.min(i, n);
    this.value(decodeEscapes(text.slice(start + 1, Math.min(end, start + 1 + MAX_STRING))), start);
    return end < n && text.charCodeAt(end) === quote ? end + 1 : end;
  }

  /** A template piece from just after '`' or '}'; returns the position after its '`' or '${'. */
  private template(start: number): number {
    const text = this.text;
    const n = text.length;
    let i = start;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 96) break;
      if (c === 36 && text.charCodeAt(i + 1) === 123) break;
      i += c === 92 ? 2 : 1;
    }
    const end = Math.min(i, n);
    this.value(decodeEscapes(text.slice(start, Math.min(end, start + MAX_STRING))), start);
    if (end >= n) return n;
    if (text.charCodeAt(end) === 96) return end + 1;
    this.templates.push(0);
    return end + 2;
  }
}

function isIdentifierPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128;
}

/** Skips a regex literal's body and flags from just after its '/'. */
function skipRegex(text: string, start: number): number {
  const limit = Math.min(text.length, start + MAX_REGEX);
  let inClass = false;
  let i = start;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    if (c === 92) i += 2;
    else {
      i++;
      if (c === 91) inClass = true;
      else if (c === 93) inClass = false;
      else if (c === 47 && !inClass) {
        while (i < text.length && isIdentifierPart(text.charCodeAt(i))) i++;
        return i;
      }
    }
  }
  return Math.min(i, text.length);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** JavaScript string escapes decoded (\n, \xHH, \uHHHH, \u{…}); anything else loses its backslash. */
function decodeEscapes(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i] as string;
    if (c !== '\\' || i + 1 >= raw.length) {
      out += c;
      i++;
      continue;
    }
    const e = raw[i + 1] as string;
    let code = Number.NaN;
    let length = 2;
    if (e === 'x') {
      code = hex(raw.slice(i + 2, i + 4), 2);
      length = 4;
    } else if (e === 'u' && raw[i + 2] === '{') {
      const close = raw.indexOf('}', i + 3);
      if (close > 0 && close - i <= 10) {
        code = hex(raw.slice(i + 3, close), close - i - 3);
        length = close - i + 1;
      }
    } else if (e === 'u') {
      code = hex(raw.slice(i + 2, i + 6), 4);
      length = 6;
    }
    if (!Number.isNaN(code) && code <= 0x10ffff) out += String.fromCodePoint(code);
    else if (e === '\n' || e === '\r') length = 2;
    else {
      out += SIMPLE_ESCAPES[e] ?? e;
      length = 2;
    }
    i += length;
  }
  return out;
}

function hex(digits: string, length: number): number {
  return digits.length === length && length > 0 && /^[0-9a-fA-F]+$/.test(digits) ? Number.parseInt(digits, 16) : Number.NaN;
}
