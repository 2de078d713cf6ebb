/**
 * The parser chain: meriyah (script or module first as the file suggests, then the other, then
 * with JSX), then acorn-loose, which reads nearly anything. Positions are `start` offsets only
 * (meriyah's `loc` costs about half its speed; lines are counted at the end for the few nodes
 * reported). A stack overflow (deeply nested input) is a RangeError caught like any parse error.
 */
import { type Options as AcornOptions, Parser } from 'acorn';
import { LooseParser } from 'acorn-loose';
import { parseModule, parseScript } from 'meriyah';
import type { AstNode } from './ast.js';

/**
 * acorn's tokenizer, raising errors without a position: acorn computes line and column by
 * scanning from the start of the input on every error (and captures a stack), and acorn-loose
 * recovers from one error per bad token: a file of garbage cost quadratic time (200 KB of random
 * bytes: 30 s).
 */
const QuietParser = Parser.extend(
  (Base) =>
    class extends Base {
      /** One error object per parser, reused: acorn-loose only reads these three fields before going on. */
      private readonly error = Object.create(SyntaxError.prototype) as SyntaxError & { pos: number; raisedAt: number };

      raise(pos: number, message: string): never {
        this.error.message = message;
        this.error.pos = pos;
        this.error.raisedAt = (this as unknown as { pos: number }).pos;
        throw this.error;
      }

      raiseRecoverable(pos: number, message: string): never {
        this.raise(pos, message);
      }
    },
);

interface LooseInternals {
  readToken(): unknown;
  parse(): unknown;
}

const LooseBase = LooseParser as unknown as new (input: string, options: AcornOptions) => LooseInternals;

/** acorn-loose over the quiet tokenizer, with a token budget linear in the input (a safety net: it throws RangeError past it). */
class BoundedLooseParser extends LooseBase {
  static readonly BaseParser = QuietParser;
  private budget: number;

  constructor(input: string, options: AcornOptions) {
    super(input, options);
    this.budget = 2 * input.length + 1000;
  }

  override readToken(): unknown {
    if (--this.budget < 0) throw new RangeError('acorn-loose token budget exceeded');
    return super.readToken();
  }
}

/** What the chain made of a file: a tree, or why there is none. */
type ParseOutcome =
  | { readonly reader: 'ast'; readonly program: AstNode }
  /** `error`: why meriyah refused the file (the error's name, e.g. 'SyntaxError'). */
  | { readonly reader: 'loose'; readonly program: AstNode; readonly error: string }
  | { readonly reader: 'tokens'; readonly error: string };

interface ParseHints {
  /** .mjs: parse as a module only. */
  readonly module?: boolean;
  /** .jsx: parse with JSX from the start. */
  readonly jsx?: boolean;
}

/** Static import/export syntax somewhere (a cheap hint, checked by parsing anyway). */
const MODULE_SYNTAX = /\b(?:import\s*[\w{*'"]|export\s*[\w{*])/;

interface Attempt {
  readonly module: boolean;
  readonly jsx: boolean;
}

function attempts(moduleFirst: boolean, hints: ParseHints): Attempt[] {
  if (hints.module === true)
    return hints.jsx === true
      ? [{ module: true, jsx: true }]
      : [
          { module: true, jsx: false },
          { module: true, jsx: true },
        ];
  const jsx = hints.jsx === true;
  const list = [
    { module: moduleFirst, jsx },
    { module: !moduleFirst, jsx },
  ];
  if (!jsx) list.push({ module: moduleFirst, jsx: true });
  return list;
}

/** Parses JavaScript with the chain above; never throws. */
export function parseJavaScript(text: string, hints: ParseHints = {}): ParseOutcome {
  const moduleSyntax = hints.module === true || MODULE_SYNTAX.test(text);
  let failure: unknown;
  for (const attempt of attempts(moduleSyntax, hints)) {
    try {
      const options = { next: true, ranges: { start: true }, webcompat: true, validateRegex: false, jsx: attempt.jsx };
      const program = attempt.module ? parseModule(text, options) : parseScript(text, { ...options, globalReturn: true });
      return { reader: 'ast', program: program as unknown as AstNode };
    } catch (error) {
      failure = error;
      if (error instanceof RangeError) break;
    }
  }
  if (looksBinary(text)) return { reader: 'tokens', error: errorName(failure) };
  try {
    const program = new BoundedLooseParser(text, {
      ecmaVersion: 'latest',
      sourceType: moduleSyntax ? 'module' : 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
    }).parse();
    return { reader: 'loose', program: program as unknown as AstNode, error: errorName(failure) };
  } catch (error) {
    return { reader: 'tokens', error: errorName(error) };
  }
}

/** Control characters or undecodable bytes in over 1% of the first 64 KB: not text, not worth acorn-loose's recovery. */
function looksBinary(text: string): boolean {
  const end = Math.min(text.length, 65_536);
  let odd = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32) || c === 0xfffd) odd++;
  }
  return odd * 100 > end;
}

function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return name.slice(0, 40);
}
