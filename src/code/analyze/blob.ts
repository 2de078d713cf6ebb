/**
 * Long high-entropy runs of base64 or hex characters: payloads hidden in a string. One linear
 * pass; a run may be wrapped over lines (as base64 often is), and media and source maps inlined
 * as data: URIs are not payloads.
 */

/** What a blob looks like: 'base64-blob' or 'hex-blob'. */
export type BlobDetail = 'base64-blob' | 'hex-blob';

/** Shortest run (line breaks not counted) worth measuring. */
const MIN_RUN = 200;
/** Random base64 measures about 5.6 bits per character over 200 characters, English text about 4.2. */
const BASE64_BITS = 5.2;
/** Random hex measures about 3.9 bits per character over 200 characters. */
const HEX_BITS = 3.6;
/** Inlined media and source maps: `data:<one of these>...;base64,`. */
const INERT_DATA =
  /data:(?:image|font|audio|video|application\/(?:x-)?font|application\/vnd\.ms-fontobject|application\/json)[^,]{0,80},$/i;

/** The first blob in `text[from, to)`, if any: where it starts and what it is. */
export function findBlob(text: string, from = 0, to = text.length): { index: number; detail: BlobDetail } | null {
  let start = -1;
  let length = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : -1;
    if (isBase64(c)) {
      if (start < 0) start = i;
      length++;
    } else if (start >= 0 && (c === 10 || c === 13)) {
      // a wrapped line continues the run
    } else if (start >= 0) {
      const detail = length >= MIN_RUN ? measure(text, start, i) : null;
      if (detail && !INERT_DATA.test(text.slice(Math.max(0, start - 120), start))) return { index: start, detail };
      start = -1;
      length = 0;
    }
  }
  return null;
}

function isBase64(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 43 || // +
    c === 47 || // /
    c === 61 || // =
    c === 45 || // -
    c === 95 // _
  );
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Shannon entropy of the run's characters (line breaks skipped) against the threshold of its alphabet. */
function measure(text: string, start: number, end: number): BlobDetail | null {
  const counts = new Uint32Array(128);
  let n = 0;
  let hex = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) continue;
    counts[c]!++;
    n++;
    if (hex && !isHex(c)) hex = false;
  }
  let bits = 0;
  for (const k of counts) {
    if (k > 0) bits -= (k / n) * Math.log2(k / n);
  }
  if (hex) return bits > HEX_BITS ? 'hex-blob' : null;
  return bits > BASE64_BITS ? 'base64-blob' : null;
}
