/**
 * Text from strangers (package names, maintainer names, messages that quote them) made safe for
 * a terminal: control characters, including ESC (ANSI sequences), CR and LF, become visible
 * escapes, so nothing can recolour the screen or start a line that looks like depguard's own.
 * Bidirectional overrides are escaped too. Long strings are cut.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in strangers' strings is the point
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

/** Cuts raw text (before escaping, so no escape is cut in half). */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** Control characters and bidirectional overrides go; line breaks and tabs become spaces. */
function flatten(text: string): string {
  return text.replace(UNSAFE, (ch) => (ch === '\n' || ch === '\r' || ch === '\t' ? ' ' : ''));
}

/**
 * GitHub links `@user` (and notifies them) and `#123` even in rendered HTML, outside code: a
 * zero-width joiner after the sign breaks the reference and renders as nothing.
 */
function unlinkReferences(text: string): string {
  return text.replace(/([@#])(?=[\p{L}\p{N}])/gu, '$1\u200d');
}

const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~$:<>&]/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text from strangers made inert in GitHub Markdown (a pull-request comment, a step summary),
 * also inside a table cell: one line, no HTML (`<`, `>`, `&` become entities), every Markdown
 * punctuation character backslash-escaped (so no link, image, emphasis, code, table cell break or
 * math can start), and no @mention or #reference.
 */
export function forMarkdown(text: string, max = MAX_LENGTH): string {
  return unlinkReferences(cut(flatten(text), max)).replace(MARKDOWN_PUNCTUATION, (ch) => ENTITIES[ch] ?? `\\${ch}`);
}

/**
 * The same for an HTML element GitHub renders as-is (a `<summary>`), where Markdown is not
 * parsed and a backslash would show: entities only.
 */
export function forHtml(text: string, max = MAX_LENGTH): string {
  return unlinkReferences(cut(flatten(text), max)).replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * A GitHub workflow command's message (`::error ...::MESSAGE`), escaped as the runner decodes it,
 * so that no stranger's line break can start a second command. Other control characters go.
 */
export function forWorkflowData(text: string, max = MAX_LENGTH): string {
  const kept = cut(text, max).replace(UNSAFE, (ch) => (ch === '\n' || ch === '\r' ? ch : ''));
  return kept.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value (`file=`, `title=`): `:` and `,` would end it. */
export function forWorkflowProperty(text: string, max = MAX_LENGTH): string {
  return forWorkflowData(text, max).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
