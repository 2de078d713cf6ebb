/**
 * What one file of a package can do, read without running it: binaries by their magic bytes,
 * JavaScript through the parser chain (meriyah, acorn-loose, the token scan) and the detectors,
 * shell scripts line by line. Everything else is skipped.
 */
import type { FileAnalysis } from '../model.js';
import type { AstNode } from './ast.js';
import { binaryKind } from './binary.js';
import { Findings } from './findings.js';
import { obfuscationSignals } from './obfuscation.js';
import { parseJavaScript } from './parse.js';
import { scanScript } from './script-lines.js';
import { scanTokens } from './tokens.js';
import { walkProgram } from './walk.js';

export interface AnalyzeOptions {
  /** Files over this many bytes are token-scanned, not parsed (default 1 MiB). */
  readonly parseLimit?: number;
}

const DEFAULT_PARSE_LIMIT = 1024 * 1024;
const JAVASCRIPT = new Set(['.js', '.cjs', '.mjs', '.jsx']);
/** Extensions whose parse failure is itself evidence (JSX and extension-less files may simply be something else). */
const STRICT_JAVASCRIPT = new Set(['.js', '.cjs', '.mjs']);
const SCRIPTS = new Set(['.sh', '.bash', '.bat', '.cmd', '.ps1']);
/** Extension-less files that are documentation, not programs. */
const DOCUMENTS =
  /^(?:licen[cs]e|readme|changelog|changes|history|authors|contributors|notice|copying|patents|codeowners|makefile)(?:[-_.]|$)/i;
const NODE_SHEBANG = /\b(?:node|nodejs|bun|deno)\b/;
/** Flow-typed sources are read by acorn-loose and are not evidence of anything when meriyah refuses them. */
const FLOW_PRAGMA = /@flow\b/;
const SKIPPED: FileAnalysis = { reader: 'skipped', capabilities: [] };
const decoder = new TextDecoder('utf-8');

type Language = 'javascript' | 'script' | 'other';

/** Pure, synchronous, never throws, never executes anything. */
export function analyzeFile(path: string, bytes: Uint8Array, options: AnalyzeOptions = {}): FileAnalysis {
  try {
    const binary = binaryKind(path, bytes);
    if (binary !== null) {
      return { reader: 'binary', capabilities: [{ kind: binary.kind, detail: binary.detail, file: path, line: 0, excerpt: '' }] };
    }
    const name = path.slice(path.lastIndexOf('/') + 1);
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 ? name.slice(dot).toLowerCase() : '';
    const language = languageOf(name, extension, bytes);
    if (language === 'other') return SKIPPED;
    const findings = new Findings(decoder.decode(bytes));
    if (language === 'script') {
      scanScript(findings);
      return { reader: 'tokens', capabilities: findings.capabilities(path) };
    }
    const reader = readJavaScript(findings, extension, bytes.length > (options.parseLimit ?? DEFAULT_PARSE_LIMIT));
    for (const signal of obfuscationSignals(findings.text)) findings.add(signal.kind, signal.detail, signal.index);
    return { reader, capabilities: findings.capabilities(path) };
  } catch {
    return SKIPPED;
  }
}

function languageOf(name: string, extension: string, bytes: Uint8Array): Language {
  if (bytes[0] === 0x23 && bytes[1] === 0x21) {
    const newline = bytes.indexOf(0x0a);
    const shebang = decoder.decode(bytes.subarray(0, Math.min(newline < 0 ? bytes.length : newline, 256)));
    if (NODE_SHEBANG.test(shebang) || JAVASCRIPT.has(extension)) return 'javascript';
    return 'script';
  }
  if (JAVASCRIPT.has(extension)) return 'javascript';
  if (SCRIPTS.has(extension)) return 'script';
  if (extension === '' && !name.startsWith('.') && !DOCUMENTS.test(name)) return 'javascript';
  return 'other';
}

/** Parses (or token-scans) a JavaScript file into `findings`; returns the reader that read it. */
function readJavaScript(findings: Findings, extension: string, tooBig: boolean): 'ast' | 'loose' | 'tokens' {
  if (tooBig) {
    scanTokens(findings);
    return 'tokens';
  }
  const outcome = parseJavaScript(findings.text, { module: extension === '.mjs', jsx: extension === '.jsx' });
  const strict = STRICT_JAVASCRIPT.has(extension);
  if (outcome.reader === 'ast' && walked(outcome.program, findings)) return 'ast';
  if (strict && (outcome.reader === 'tokens' || (outcome.reader === 'loose' && !FLOW_PRAGMA.test(findings.text.slice(0, 4096))))) {
    findings.add('unparseable', outcome.error, 0);
  }
  scanTokens(findings);
  return outcome.reader === 'loose' && walked(outcome.program, findings) ? 'loose' : 'tokens';
}

/** Walks a tree; false if the walk failed (a shape no detector expected): the token scan then stands in. */
function walked(program: AstNode, findings: Findings): boolean {
  try {
    walkProgram(program, findings);
    return true;
  } catch {
    return false;
  }
}
