/**
 * Whole-file signs of obfuscation, as opposed to minification. javascript-obfuscator's output
 * (the 2025 chalk/debug injection) renames to `_0x` hex identifiers, moves strings into an array
 * behind a decoder function that it rotates with push(shift()), and escapes characters as \xNN;
 * other droppers push their code off-screen behind a run of blanks. A minifier does none of
 * these: its identifiers are short words, its strings stay in place and readable.
 * Every scan is one linear pass; each signal is reported once, at its first evidence.
 */
import { findBlob } from './blob.js';

/** One signal: its kind, which sign (or blob) it is, and the character offset of the evidence. */
export interface ObfuscationSignal {
  readonly kind: 'obfuscated' | 'high-entropy';
  readonly detail: string;
  readonly index: number;
}

const HEX_IDENTIFIER = /(?<![\w$])_0x[0-9a-f]{4,6}(?![\w$])/g;
/** Distinct _0x identifiers that make a file obfuscated, or occurrences of fewer. */
const MIN_DISTINCT = 10;
const MIN_OCCURRENCES = 30;

/** `function _0xNNNN(){var _0xMMMM=[` — the string-array function's head. */
const ARRAY_FUNCTION = /function\s+(_0x[0-9a-f]{4,6})\s*\(\s*\)\s*\{\s*(?:var|let|const)\s+(_0x[0-9a-f]{4,6})\s*=\s*\[/g;
/** How many string-array heads are followed up (a file has one or two). */
const MAX_HEADS = 8;
/** The rotation loop: `a.push(a.shift())` or `a['push'](a['shift']())`. */
const ROTATION = /(?<![\w$])([\w$]+)(?:\.push|\[(['"])push\2\])\(\s*([\w$]+)(?:\.shift|\[(['"])shift\4\])\(\s*\)\s*\)/g;
/** One element of an array of short strings, escapes allowed. */
const ARRAY_STRING = /\s*(?:'(?:[^'\\\n]|\\.){0,80}'|"(?:[^"\\\n]|\\.){0,80}")\s*,/y;
/** A rotated array this long is a string array. */
const MIN_ARRAY_STRINGS = 20;

const ESCAPE = /\\x([0-9a-fA-F]{2})|\\u00([0-9a-fA-F]{2})/g;
/** Regions measured for escapes, and the share of a region's characters in escapes of printable ASCII that is heavy. */
const ESCAPE_REGION = 2000;
const ESCAPE_SHARE = 0.3;

/** A run of blanks on one line this long before code pushes the code off-screen. */
const PADDING = 200;

/** Whole-file signals: obfuscation as opposed to plain minification, and high-entropy blobs. index = char offset of the evidence. */
export function obfuscationSignals(text: string): ObfuscationSignal[] {
  const signals: ObfuscationSignal[] = [];
  const found = (kind: ObfuscationSignal['kind'], detail: string, index: number | null) => {
    if (index !== null) signals.push({ kind, detail, index });
  };
  found('obfuscated', '_0x identifiers', hexIdentifiers(text));
  found('obfuscated', 'string-array decoder', stringArray(text));
  found('obfuscated', 'heavy escapes', heavyEscapes(text));
  found('obfuscated', 'padding', padding(text));
  const blob = findBlob(text);
  if (blob) found('high-entropy', blob.detail, blob.index);
  return signals;
}

function hexIdentifiers(text: string): number | null {
  const distinct = new Set<string>();
  let first = -1;
  let count = 0;
  for (const m of text.matchAll(HEX_IDENTIFIER)) {
    if (first < 0) first = m.index;
    count++;
    distinct.add(m[0]);
    if (distinct.size >= MIN_DISTINCT || count >= MIN_OCCURRENCES) return first;
  }
  return null;
}

/** javascript-obfuscator's string-array function, or a long string array rotated by push(shift()). */
function stringArray(text: string): number | null {
  let heads = 0;
  for (const m of text.matchAll(ARRAY_FUNCTION)) {
    const [, fn, array] = m;
    const reassigned = new RegExp(`${fn}\\s*=\\s*function\\s*\\(\\s*\\)\\s*\\{\\s*return\\s+${array}(?![\\w$])`, 'g');
    reassigned.lastIndex = m.index + m[0].length;
    if (reassigned.test(text)) return m.index;
    if (++heads >= MAX_HEADS) break;
  }
  // the regex scans every identifier; a text without a shift call cannot match it
  if (!text.includes('shift')) return null;
  let hasArray: boolean | undefined;
  for (const m of text.matchAll(ROTATION)) {
    const [, pushed, quote, shifted] = m;
    if (pushed !== shifted) continue;
    hasArray ??= longStringArray(text);
    // the bracketed form is the obfuscator's own; the dotted one also rotates queues in plain code
    if (quote !== undefined || hasArray) return m.index;
  }
  return null;
}

/** Whether the text has an array literal of at least MIN_ARRAY_STRINGS short strings. */
function longStringArray(text: string): boolean {
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
    ARRAY_STRING.lastIndex = i + 1;
    let n = 0;
    while (ARRAY_STRING.test(text)) {
      if (++n >= MIN_ARRAY_STRINGS) return true;
    }
    if (n > 0) i = ARRAY_STRING.lastIndex;
  }
  return false;
}

/** The first region where escapes of printable ASCII (which need no escaping) are a large share of the characters. */
function heavyEscapes(text: string): number | null {
  if (text.length < ESCAPE_REGION) return null;
  let region = -1;
  let first = 0;
  let escaped = 0;
  for (const m of text.matchAll(ESCAPE)) {
    const code = Number.parseInt(m[1] ?? m[2]!, 16);
    if (code < 0x20 || code > 0x7e) continue;
    const r = Math.floor(m.index / ESCAPE_REGION);
    if (r !== region) {
      region = r;
      first = m.index;
      escaped = 0;
    }
    escaped += m[0].length;
    if (escaped > ESCAPE_REGION * ESCAPE_SHARE) return first;
  }
  return null;
}

/** The first code after a run of PADDING blanks on its line. */
function padding(text: string): number | null {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) run++;
    else if (c === 10 || c === 13) run = 0;
    else if (run >= PADDING) return i;
    else run = 0;
  }
  return null;
}
