/**
 * Small helpers over ESTree nodes as meriyah and acorn-loose produce them (both give `start`, a
 * UTF-16 offset): typed access, static names of member chains, constant strings, and the child
 * order used by every iterative traversal (no recursion over the tree anywhere).
 */

/** An ESTree node, read loosely: the two parsers agree on the shapes used here. */
export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly [key: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The child node under `key`, if it is one. */
export function child(node: AstNode, key: string): AstNode | undefined {
  const value = node[key];
  return isNode(value) ? value : undefined;
}

/** The node list under `key` (holes and non-nodes left out). */
export function children(node: AstNode, key: string): readonly AstNode[] {
  const value = node[key];
  if (!Array.isArray(value)) return [];
  for (const item of value) if (!isNode(item)) return value.filter(isNode);
  return value as AstNode[];
}

export function identifierName(node: AstNode | undefined): string | undefined {
  return node?.type === 'Identifier' && typeof node.name === 'string' ? node.name : undefined;
}

/** The value of a string literal or of a template literal without substitutions. */
export function stringValue(node: AstNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (node.type === 'Literal') return typeof node.value === 'string' ? node.value : undefined;
  if (node.type === 'TemplateLiteral' && children(node, 'expressions').length === 0) {
    const quasi = children(node, 'quasis')[0];
    return quasi === undefined ? '' : templateText(quasi);
  }
  return undefined;
}

/** A template element's text (cooked when valid, raw otherwise). */
export function templateText(element: AstNode): string {
  const value = element.value as { cooked?: string | null; raw?: string } | undefined;
  return value?.cooked ?? value?.raw ?? '';
}

/** Parentheses (acorn-loose may keep them), optional chains and `(0, x)` reduce to the expression that counts. */
export function unwrap(node: AstNode | undefined): AstNode | undefined {
  let current = node;
  for (let i = 0; i < 8 && current !== undefined; i++) {
    if (current.type === 'ChainExpression' || current.type === 'ParenthesizedExpression') current = child(current, 'expression');
    else if (current.type === 'SequenceExpression') current = children(current, 'expressions').at(-1);
    else return current;
  }
  return current;
}

/** The static name of a member's property: `a.b` and `a['b']`. */
export function propertyName(member: AstNode): string | undefined {
  const property = child(member, 'property');
  return member.computed === true ? stringValue(property) : identifierName(property);
}

const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self', 'global']);

/**
 * The dotted name of an identifier or static member chain, global objects dropped at the front:
 * `window['ethereum'].request` is 'ethereum.request', `global.process.env` is 'process.env'.
 */
export function staticPath(node: AstNode | undefined): string | undefined {
  let current = unwrap(node);
  if (current?.type === 'Identifier') return current.name as string;
  const parts: string[] = [];
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current.type === 'Identifier') {
      parts.push(current.name as string);
      parts.reverse();
      while (parts.length > 1 && GLOBAL_OBJECTS.has(parts[0] as string)) parts.shift();
      return parts.join('.');
    }
    if (current.type !== 'MemberExpression') return undefined;
    const name = propertyName(current);
    if (name === undefined) return undefined;
    parts.push(name);
    current = unwrap(child(current, 'object'));
  }
  return undefined;
}

export function isGlobalObject(node: AstNode | undefined): boolean {
  const name = identifierName(unwrap(node));
  return name !== undefined && GLOBAL_OBJECTS.has(name);
}

export function isProcessEnv(node: AstNode | undefined): boolean {
  const current = unwrap(node);
  return current?.type === 'MemberExpression' && staticPath(current) === 'process.env';
}

/**
 * A string computed from constants only: `'child_' + 'process'`, `['child', 'process'].join('_')`,
 * `'ssecorp'.split('').reverse().join('')`. Depth-bounded (at most 32 levels), so never deep.
 */
export function constantString(node: AstNode | undefined, depth = 0): string | undefined {
  if (node === undefined || depth > 32) return undefined;
  const literal = stringValue(node);
  if (literal !== undefined) return literal;
  if (node.type === 'Literal' && typeof node.value === 'number') return String(node.value);
  if (node.type === 'BinaryExpression' && node.operator === '+') {
    const left = constantString(child(node, 'left'), depth + 1);
    const right = left === undefined ? undefined : constantString(child(node, 'right'), depth + 1);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (node.type !== 'CallExpression') return undefined;
  const callee = unwrap(child(node, 'callee'));
  if (callee?.type !== 'MemberExpression') return undefined;
  const method = propertyName(callee);
  const args = children(node, 'arguments');
  const target = unwrap(child(callee, 'object'));
  if (method === 'join') {
    const separator = args.length === 0 ? ',' : constantString(args[0], depth + 1);
    const parts = constantArray(target, depth + 1);
    return separator === undefined || parts === undefined ? undefined : parts.join(separator);
  }
  if (method === 'toString' && args.length === 0) return constantString(target, depth + 1);
  return undefined;
}

function constantArray(node: AstNode | undefined, depth: number): string[] | undefined {
  if (node === undefined || depth > 32) return undefined;
  if (node.type === 'ArrayExpression') {
    const out: string[] = [];
    for (const element of children(node, 'elements')) {
      const value = constantString(element, depth + 1);
      if (value === undefined) return undefined;
      out.push(value);
    }
    return out;
  }
  if (node.type !== 'CallExpression') return undefined;
  const callee = unwrap(child(node, 'callee'));
  if (callee?.type !== 'MemberExpression') return undefined;
  const method = propertyName(callee);
  const target = unwrap(child(callee, 'object'));
  if (method === 'reverse') return constantArray(target, depth + 1)?.reverse();
  if (method === 'split') {
    const separator = constantString(children(node, 'arguments')[0], depth + 1);
    const value = constantString(target, depth + 1);
    return separator === undefined || value === undefined ? undefined : value.split(separator);
  }
  return undefined;
}

/** Child keys per node type, in source order; a missing type falls back to every key holding nodes. */
const CHILD_KEYS: Record<string, readonly string[]> = {
  Program: ['body'],
  ExpressionStatement: ['expression'],
  BlockStatement: ['body'],
  StaticBlock: ['body'],
  VariableDeclaration: ['declarations'],
  VariableDeclarator: ['id', 'init'],
  FunctionDeclaration: ['id', 'params', 'body'],
  FunctionExpression: ['id', 'params', 'body'],
  ArrowFunctionExpression: ['params', 'body'],
  ReturnStatement: ['argument'],
  ThrowStatement: ['argument'],
  IfStatement: ['test', 'consequent', 'alternate'],
  ConditionalExpression: ['test', 'consequent', 'alternate'],
  ForStatement: ['init', 'test', 'update', 'body'],
  ForInStatement: ['left', 'right', 'body'],
  ForOfStatement: ['left', 'right', 'body'],
  WhileStatement: ['test', 'body'],
  DoWhileStatement: ['body', 'test'],
  TryStatement: ['block', 'handler', 'finalizer'],
  CatchClause: ['param', 'body'],
  SwitchStatement: ['discriminant', 'cases'],
  SwitchCase: ['test', 'consequent'],
  LabeledStatement: ['body'],
  WithStatement: ['object', 'body'],
  CallExpression: ['callee', 'arguments'],
  NewExpression: ['callee', 'arguments'],
  ChainExpression: ['expression'],
  ParenthesizedExpression: ['expression'],
  BinaryExpression: ['left', 'right'],
  LogicalExpression: ['left', 'right'],
  AssignmentExpression: ['left', 'right'],
  AssignmentPattern: ['left', 'right'],
  UnaryExpression: ['argument'],
  UpdateExpression: ['argument'],
  SpreadElement: ['argument'],
  RestElement: ['argument'],
  AwaitExpression: ['argument'],
  YieldExpression: ['argument'],
  ArrayExpression: ['elements'],
  ArrayPattern: ['elements'],
  ObjectExpression: ['properties'],
  ObjectPattern: ['properties'],
  SequenceExpression: ['expressions'],
  TemplateLiteral: ['quasis', 'expressions'],
  TaggedTemplateExpression: ['tag', 'quasi'],
  ClassDeclaration: ['decorators', 'id', 'superClass', 'body'],
  ClassExpression: ['decorators', 'id', 'superClass', 'body'],
  ClassBody: ['body'],
  ImportDeclaration: ['source'],
  ExportNamedDeclaration: ['declaration', 'source'],
  ExportDefaultDeclaration: ['declaration'],
  ExportAllDeclaration: ['source'],
  ImportExpression: ['source', 'options'],
  Identifier: [],
  Literal: [],
  TemplateElement: [],
  ThisExpression: [],
  Super: [],
  MetaProperty: [],
  EmptyStatement: [],
  DebuggerStatement: [],
  BreakStatement: [],
  ContinueStatement: [],
};

const POSITION_KEYS = new Set(['type', 'start', 'end', 'range', 'loc']);

/**
 * Pushes the node's children so that popping visits them in source order. Property names that
 * are not expressions (`a.b`'s `b`, `{b: 1}`'s key, method names, labels) are left out.
 */
export function pushChildren(node: AstNode, stack: AstNode[]): void {
  switch (node.type) {
    case 'MemberExpression':
      if (node.computed === true) pushKey(node, 'property', stack);
      pushKey(node, 'object', stack);
      return;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
    case 'AccessorProperty':
      pushKey(node, 'value', stack);
      if (node.computed === true) pushKey(node, 'key', stack);
      pushKey(node, 'decorators', stack);
      return;
  }
  const keys = CHILD_KEYS[node.type];
  if (keys !== undefined) {
    for (let i = keys.length - 1; i >= 0; i--) pushKey(node, keys[i] as string, stack);
    return;
  }
  const found: string[] = [];
  for (const key in node) if (!POSITION_KEYS.has(key)) found.push(key);
  for (let i = found.length - 1; i >= 0; i--) pushKey(node, found[i] as string, stack);
}

function pushKey(node: AstNode, key: string, stack: AstNode[]): void {
  const value = node[key];
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const item: unknown = value[i];
      if (isNode(item)) stack.push(item);
    }
  } else if (isNode(value)) stack.push(value);
}
