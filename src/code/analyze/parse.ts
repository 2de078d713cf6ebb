/**
 * The parser chain: meriyah (script or module first as the file suggests, then the other, then
 * with JSX), then acorn-loose, which reads nearly anything. Positions are `start` offsets only
 * (meriyah's `loc` costs about half its speed; lines are counted at the end for the few nodes
 * reported). A stack overflow (deeply nested input) is a RangeError caught like any parse error.
 */
import { parse as parseLoose } from 'acorn-loose';
import { parseModule, parseScript } from 'meriyah';
import type { AstNode } from './ast.js';

/** What the chain made of a file: a tree, or why there is none. */
export type ParseOutcome =
  | { readonly reader: 'ast'; readonly program: AstNode }
  /** `error`: why meriyah refused the file (the error's name, e.g. 'SyntaxError'). */
  | { readonly reader: 'loose'; readonly program: AstNode; readonly error: string }
  | { readonly reader: 'tokens'; readonly error: string };

export interface ParseHints {
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
  try {
    const program = parseLoose(text, {
      ecmaVersion: 'latest',
      sourceType: moduleSyntax ? 'module' : 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
    });
    return { reader: 'loose', program: program as unknown as AstNode, error: errorName(failure) };
  } catch (error) {
    return { reader: 'tokens', error: errorName(error) };
  }
}

function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return name.slice(0, 40);
}
