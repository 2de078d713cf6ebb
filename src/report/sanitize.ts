/**
 * Text from strangers (package names, maintainer names, messages that quote them) made safe for
 * a terminal: control characters, including ESC (ANSI sequences), CR and LF, become visible
 * escapes, so nothing can recolour the screen or start a line that looks like depguard's own.
 * Bidirectional overrides are escaped too. Long strings are cut.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MAX_LENGTH = 500;

export function forTerminal(text: string, max = MAX_LENGTH): string {
  const escaped = text.replace(UNSAFE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max)}… (${escaped.length - max} more characters)` : escaped;
}
