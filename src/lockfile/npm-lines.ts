/** What an object of a package-lock.json holds, as far as finding entries goes. */
type Kind = 'top' | 'packages' | 'dependencies' | 'entry' | 'other';

interface Frame {
  readonly kind: Kind;
  readonly array: boolean;
  /** For 'dependencies' and 'entry' (v1): the location of the package they belong to. */
  readonly location: string;
  expectKey: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The line of every package entry of a package-lock.json, by location: in v2/v3 the
 * `"<location>": {` key in `packages` ('' for the root), in v1 the `"<name>": {` key in the
 * nested `dependencies` (node_modules/a/node_modules/b is dependencies.a.dependencies.b). One
 * pass over text that parseLockfile has accepted: JSON strings cannot hold a raw newline, so
 * counting newlines outside strings counts lines, and any indentation or key order works.
 */
export function npmEntryLines(text: string, lockfileVersion: number): Map<string, number> {
  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  let line = 1;
  let key: { readonly name: string; readonly line: number } | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
    } else if (ch === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack.at(-1);
      // only keys that can lead to an entry are read; every other string is skipped
      if (top?.expectKey) {
        top.expectKey = false;
        if (top.kind !== 'other') {
          const raw = text.slice(i + 1, end);
          key = { name: raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw, line };
        }
      }
      i = end;
    } else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      const array = ch === 91;
      const parent = stack.at(-1);
      let kind: Kind = parent ? 'other' : 'top';
      let location = '';
      if (parent && key && !array) {
        if (parent.kind === 'top' && lockfileVersion >= 2 && key.name === 'packages') kind = 'packages';
        else if (parent.kind === 'top' && lockfileVersion < 2 && key.name === 'dependencies') kind = 'dependencies';
        else if (parent.kind === 'entry' && key.name === 'dependencies') [kind, location] = ['dependencies', parent.location];
        else if (parent.kind === 'packages') lines.set(key.name, key.line);
        else if (parent.kind === 'dependencies') {
          location = `${parent.location === '' ? '' : `${parent.location}/`}node_modules/${key.name}`;
          kind = 'entry';
          lines.set(location, key.line);
        }
      }
      stack.push({ kind, array, location, expectKey: !array });
      key = null;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      stack.pop();
    } else if (ch === 44 /* , */) {
      const top = stack.at(-1);
      if (top && !top.array) top.expectKey = true;
      key = null;
    }
  }
  return lines;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}
