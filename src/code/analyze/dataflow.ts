/**
 * Intra-file name tracking, just enough to see decoded data reach eval or a file path built from
 * the home directory: a name stands for every expression assigned to it anywhere in the file (and
 * a function name for its body). Queries are iterative and bounded in nodes and in hops.
 */
import { type AstNode, child, children, identifierName, pushChildren, unwrap } from './ast.js';

const MAX_PER_NAME = 8;
const MAX_NAMES = 20_000;
const MAX_HOPS = 4;

/** What each name was assigned in the file (declarations, `=`, `+=`, function declarations). */
export class Assignments {
  private readonly values = new Map<string, AstNode[]>();

  add(name: string, value: AstNode): void {
    const list = this.values.get(name);
    if (list === undefined) {
      if (this.values.size < MAX_NAMES) this.values.set(name, [value]);
    } else if (list.length < MAX_PER_NAME) list.push(value);
  }

  of(name: string): readonly AstNode[] {
    return this.values.get(name) ?? [];
  }
}

/**
 * The labels `label` gives to nodes in the given expressions, following names through their
 * assignments (at most MAX_HOPS deep) and called local functions into their bodies, visiting at
 * most `budget.nodes` nodes (shared across a file's queries, so its analysis stays linear).
 */
export function findLabels(
  roots: readonly AstNode[],
  assignments: Assignments,
  label: (node: AstNode) => string | undefined,
  budget: { nodes: number },
): string[] {
  const labels: string[] = [];
  const followed = new Set<string>();
  const stack: AstNode[] = [];
  const hops: number[] = [];
  const push = (node: AstNode, hop: number): void => {
    stack.push(node);
    hops.push(hop);
  };
  /** A name's values: data for a plain reference, a function's body for a call. */
  const follow = (name: string, hop: number, called: boolean): void => {
    const key = `${called ? '()' : ''}${name}`;
    if (hop >= MAX_HOPS || followed.has(key)) return;
    followed.add(key);
    for (const value of assignments.of(name)) {
      const isFunction = FUNCTIONS.has(value.type);
      const body = isFunction ? child(value, 'body') : undefined;
      if (called && body !== undefined) push(body, hop + 1);
      else if (!called && !isFunction) push(value, hop + 1);
    }
  };
  for (const root of roots) push(root, 0);
  const scratch: AstNode[] = [];
  while (stack.length > 0 && budget.nodes > 0) {
    budget.nodes--;
    const node = stack.pop() as AstNode;
    const hop = hops.pop() as number;
    const found = label(node);
    if (found !== undefined) {
      if (!labels.includes(found)) labels.push(found);
      continue;
    }
    const name = identifierName(node);
    if (name !== undefined) {
      follow(name, hop, false);
      continue;
    }
    const callee = node.type === 'CallExpression' ? identifierName(unwrap(child(node, 'callee'))) : undefined;
    if (callee !== undefined) {
      follow(callee, hop, true);
      for (const arg of children(node, 'arguments')) push(arg, hop);
      continue;
    }
    pushChildren(node, scratch);
    for (const next of scratch) push(next, hop);
    scratch.length = 0;
  }
  return labels;
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
