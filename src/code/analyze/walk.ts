/**
 * The detectors over a parsed file: one iterative pass over the tree (an explicit stack, never
 * recursion), then the data-flow questions that need the whole file (decoded data reaching a
 * sink, home-directory paths reaching a write, `fetch =` on an undeclared name).
 */
import type { CapabilityKind } from '../model.js';
import {
  type AstNode,
  child,
  children,
  constantString,
  identifierName,
  isGlobalObject,
  isProcessEnv,
  propertyName,
  pushChildren,
  staticPath,
  stringValue,
  templateText,
  unwrap,
} from './ast.js';
import { Assignments, findLabels } from './dataflow.js';
import type { Findings } from './findings.js';

const NETWORK_MODULES = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns']);
const VM_METHODS = new Set(['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction']);
const OBJECT_ENV_READERS = new Set(['keys', 'entries', 'values', 'getOwnPropertyNames']);
const SPAWN_BINDINGS = new Set(['spawn_sync', 'process_wrap']);
/** Calls whose arguments leave the process: an environment handed to them is dumped. */
const SEND_CALLS = new Set([
  'stringify',
  'send',
  'post',
  'put',
  'request',
  'fetch',
  'write',
  'end',
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'sendBeacon',
]);
/** fs writes, and which argument is the destination. */
const WRITE_CALLS = new Map<string, number>([
  ['writeFile', 0],
  ['writeFileSync', 0],
  ['appendFile', 0],
  ['appendFileSync', 0],
  ['createWriteStream', 0],
  ['mkdir', 0],
  ['mkdirSync', 0],
  ['outputFile', 0],
  ['outputFileSync', 0],
  ['copyFile', 1],
  ['copyFileSync', 1],
  ['cp', 1],
  ['cpSync', 1],
]);
const HOME_VARIABLES = new Set(['HOME', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'XDG_CONFIG_HOME']);
/** Globals whose replacement hooks a page's traffic or wallet. */
const HOOKED_GLOBALS = new Set(['fetch', 'XMLHttpRequest', 'ethereum']);
const MAX_PENDING = 1000;
/** Nodes the data-flow questions may visit per file, all questions together. */
const FLOW_BUDGET = 200_000;

interface Sink {
  readonly offset: number;
  readonly detail: string;
  readonly args: readonly AstNode[];
}

interface Write {
  readonly offset: number;
  readonly path: AstNode;
}

/** Reads a program's capabilities into `findings`. */
export function walkProgram(program: AstNode, findings: Findings): void {
  const walker = new Walker(findings);
  const stack: AstNode[] = [program];
  while (stack.length > 0) {
    const node = stack.pop() as AstNode;
    walker.visit(node);
    pushChildren(node, stack);
  }
  walker.finish();
}

class Walker {
  private readonly assignments = new Assignments();
  /** Names bound to a module object: `const h = require('https')`. */
  private readonly moduleNames = new Map<string, string>();
  private readonly requireNames = new Set(['require']);
  /** Values that become a child's environment (`env:` options, `env` variables): copying process.env there is no dump. */
  private readonly environmentValues = new Set<AstNode>();
  private readonly declared = new Set<string>();
  private readonly bareHooks: { name: string; offset: number }[] = [];
  private readonly sinks: Sink[] = [];
  private readonly writes: Write[] = [];
  private decoders = false;

  constructor(private readonly findings: Findings) {}

  private add(kind: CapabilityKind, detail: string, node: AstNode): void {
    this.findings.add(kind, detail, node.start);
  }

  visit(node: AstNode): void {
    switch (node.type) {
      case 'Literal':
        if (typeof node.value === 'string') this.findings.string(node.value, node.start);
        return;
      case 'TemplateElement':
        this.findings.string(templateText(node), node.start);
        return;
      case 'Identifier':
        if (node.name === 'eval') this.add('dynamic-code', 'eval', node);
        return;
      case 'CallExpression':
        this.call(node);
        return;
      case 'NewExpression':
        this.construct(node);
        return;
      case 'MemberExpression':
        this.member(node);
        return;
      case 'AssignmentExpression':
        this.assignment(node);
        return;
      case 'VariableDeclarator':
        this.declarator(node);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.function(node);
        return;
      case 'Property':
        if (node.computed !== true && (identifierName(child(node, 'key')) ?? stringValue(child(node, 'key'))) === 'env') {
          const value = child(node, 'value');
          if (value !== undefined) this.environmentValues.add(value);
        }
        return;
      case 'ForInStatement':
        if (isProcessEnv(child(node, 'right'))) this.add('env-dump', 'process.env', node);
        return;
      case 'ImportDeclaration':
        this.importDeclaration(node);
        return;
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration':
      case 'ImportExpression': {
        const name = constantString(child(node, 'source'));
        if (name !== undefined) this.module(name, node);
        return;
      }
    }
  }

  /** Function declarations are followed by the data flow; names and parameters may shadow a hooked global. */
  private function(node: AstNode): void {
    const name = identifierName(child(node, 'id'));
    if (name !== undefined && node.type === 'FunctionDeclaration') {
      this.declare(name);
      this.assignments.add(name, node);
    }
    for (const param of children(node, 'params')) this.declare(identifierName(param) ?? identifierName(child(param, 'left')));
  }

  /** A local binding: `fetch = ...` on it hooks nothing. */
  private declare(name: string | undefined): void {
    if (name !== undefined && HOOKED_GLOBALS.has(name)) this.declared.add(name);
  }

  /** A module loaded by name (require, import, dynamic import, export from). */
  private module(specifier: string, node: AstNode): string {
    const name = (specifier.startsWith('node:') ? specifier.slice(5) : specifier).split('/')[0] as string;
    if (NETWORK_MODULES.has(name)) this.add('network', name, node);
    else if (name === 'child_process') this.add('process', 'child_process', node);
    else if (name === 'vm') this.add('dynamic-code', 'vm', node);
    return name;
  }

  private importDeclaration(node: AstNode): void {
    const specifier = stringValue(child(node, 'source'));
    if (specifier === undefined) return;
    const name = this.module(specifier, node);
    for (const spec of children(node, 'specifiers')) {
      const local = identifierName(child(spec, 'local'));
      if (local !== undefined && spec.type !== 'ImportSpecifier') this.moduleNames.set(local, name);
    }
  }

  /** The module an expression stands for: a require call or a name bound to one (or named like one). */
  private moduleOf(node: AstNode | undefined): string | undefined {
    const target = unwrap(node);
    const name = identifierName(target);
    if (name !== undefined) return this.moduleNames.get(name) ?? name;
    if (target?.type === 'CallExpression' && this.isRequire(child(target, 'callee'))) {
      const specifier = constantString(children(target, 'arguments')[0]);
      return specifier?.replace(/^node:/, '');
    }
    return undefined;
  }

  private isRequire(callee: AstNode | undefined): boolean {
    const target = unwrap(callee);
    const name = identifierName(target);
    if (name !== undefined) return this.requireNames.has(name);
    return target?.type === 'MemberExpression' && staticPath(target) === 'module.require';
  }

  private call(node: AstNode): void {
    const callee = unwrap(child(node, 'callee'));
    if (callee === undefined) return;
    const args = children(node, 'arguments');
    if (this.isRequire(callee)) {
      this.requireCall(node, args);
      return;
    }
    const path = staticPath(callee);
    if (!this.decoders && decoderOf(node, path) !== undefined) this.decoders = true;
    const method = callee.type === 'MemberExpression' ? propertyName(callee) : identifierName(callee);
    switch (path) {
      case 'eval':
        this.sinks.push({ offset: node.start, detail: 'eval', args });
        break;
      case 'Function':
        this.add('dynamic-code', constantCode(args) ? 'Function(constant)' : 'Function', node);
        this.sinks.push({ offset: node.start, detail: 'Function', args });
        break;
      case 'setTimeout':
      case 'setInterval':
        this.timer(node, path, args);
        break;
      case 'fetch':
        this.add('network', 'fetch', node);
        break;
      case 'navigator.sendBeacon':
        this.add('network', 'navigator.sendBeacon', node);
        break;
      case 'Object.assign':
        if (!this.environmentValues.has(node) && args.slice(1).some(isProcessEnv)) this.add('env-dump', 'process.env', node);
        break;
      case 'Object.defineProperty':
        this.defineProperty(node, args);
        break;
      case 'process.binding':
      case 'process._linkedBinding': {
        const binding = constantString(args[0]);
        if (binding !== undefined && SPAWN_BINDINGS.has(binding)) this.add('process', `process.binding(${binding})`, node);
        break;
      }
      default:
        if (path?.startsWith('Object.') && OBJECT_ENV_READERS.has(method ?? '') && isProcessEnv(args[0])) {
          this.add('env-dump', 'process.env', node);
        }
    }
    if (callee.type === 'MemberExpression' && method !== undefined) this.methodCall(node, callee, method, args);
    if (method !== undefined) {
      if (SEND_CALLS.has(method) && args.some((arg) => isProcessEnv(arg) || spreadsProcessEnv(arg))) {
        this.add('env-dump', 'process.env', node);
      }
      const destination = WRITE_CALLS.get(method);
      const target = destination === undefined ? undefined : args[destination];
      if (target !== undefined && this.writes.length < MAX_PENDING) this.writes.push({ offset: node.start, path: target });
    }
  }

  private requireCall(node: AstNode, args: readonly AstNode[]): void {
    const first = args[0];
    if (first === undefined) return;
    const literal = stringValue(first);
    if (literal !== undefined) {
      this.module(literal, node);
      return;
    }
    this.add('dynamic-code', 'require(non-literal)', node);
    this.sinks.push({ offset: node.start, detail: 'require(non-literal)', args: [first] });
    const computed = constantString(first);
    if (computed !== undefined) this.module(computed, node);
  }

  private methodCall(node: AstNode, callee: AstNode, method: string, args: readonly AstNode[]): void {
    const object = child(callee, 'object');
    if (method === '_compile') {
      this.add('dynamic-code', '_compile', node);
      this.sinks.push({ offset: node.start, detail: '_compile', args });
      return;
    }
    if (method === 'require' || method === '_load') {
      const specifier = constantString(args[0]);
      if (specifier !== undefined) this.module(specifier, node);
      return;
    }
    const module = this.moduleOf(object);
    if (module === undefined) return;
    if (NETWORK_MODULES.has(module)) this.add('network', module, node);
    else if (module === 'vm' && VM_METHODS.has(method)) {
      this.add('dynamic-code', 'vm', node);
      this.sinks.push({ offset: node.start, detail: 'vm', args });
    }
  }

  private timer(node: AstNode, name: string, args: readonly AstNode[]): void {
    const first = unwrap(args[0]);
    if (first === undefined || first.type === 'FunctionExpression' || first.type === 'ArrowFunctionExpression') return;
    const detail = `${name}(string)`;
    if (isStringy(first)) this.add('dynamic-code', detail, node);
    this.sinks.push({ offset: node.start, detail, args: [first] });
  }

  private defineProperty(node: AstNode, args: readonly AstNode[]): void {
    const target = unwrap(args[0]);
    const property = constantString(args[1]);
    const path = staticPath(target);
    if (path === 'XMLHttpRequest.prototype') {
      this.add('browser-hook', property === undefined ? path : `${path}.${property}`, node);
    } else if (isGlobalObject(target) && property !== undefined && HOOKED_GLOBALS.has(property)) {
      this.add('browser-hook', property, node);
    } else if (path === 'ethereum' && property !== undefined) {
      this.add('browser-hook', `ethereum.${property}`, node);
    }
  }

  private construct(node: AstNode): void {
    const callee = unwrap(child(node, 'callee'));
    const args = children(node, 'arguments');
    const path = staticPath(callee);
    if (!this.decoders && decoderOf(node, path) !== undefined) this.decoders = true;
    switch (path) {
      case 'Function':
        this.add('dynamic-code', constantCode(args) ? 'Function(constant)' : 'Function', node);
        this.sinks.push({ offset: node.start, detail: 'Function', args });
        return;
      case 'XMLHttpRequest':
      case 'WebSocket':
        this.add('network', path, node);
        return;
      case 'module.constructor':
        this.add('dynamic-code', 'module.constructor', node);
        this.sinks.push({ offset: node.start, detail: 'module.constructor', args });
        return;
    }
    if (callee?.type === 'MemberExpression' && propertyName(callee) === 'Script' && this.moduleOf(child(callee, 'object')) === 'vm') {
      this.add('dynamic-code', 'vm', node);
      this.sinks.push({ offset: node.start, detail: 'vm', args });
    }
  }

  private member(node: AstNode): void {
    const name = propertyName(node);
    if (name === undefined) return;
    const object = child(node, 'object');
    if (name === 'eval' && isGlobalObject(object)) this.add('dynamic-code', 'eval', node);
    else if (isProcessEnv(object)) this.findings.environmentVariable(name, node.start);
    else if (name === 'dlopen' && staticPath(object) === 'process') this.add('process', 'process.dlopen', node);
  }

  private assignment(node: AstNode): void {
    const left = unwrap(child(node, 'left'));
    const right = child(node, 'right');
    if (left === undefined || right === undefined) return;
    const name = identifierName(left);
    if (name !== undefined) {
      if (node.operator === '=' || node.operator === '+=') this.assignments.add(name, right);
      if (HOOKED_GLOBALS.has(name) && this.bareHooks.length < MAX_PENDING) this.bareHooks.push({ name, offset: node.start });
      if (/env/i.test(name)) this.environmentValues.add(right);
      return;
    }
    if (left.type !== 'MemberExpression') return;
    const path = staticPath(left);
    if (path === undefined) return;
    if (isHookTarget(path) && (path.includes('.') || isGlobalObject(child(left, 'object')))) this.add('browser-hook', path, node);
  }

  private declarator(node: AstNode): void {
    const id = child(node, 'id');
    const init = child(node, 'init');
    const name = identifierName(id);
    if (name !== undefined) {
      this.declare(name);
      if (init === undefined) return;
      this.assignments.add(name, init);
      if (/env/i.test(name)) this.environmentValues.add(init);
      const value = unwrap(init);
      if (identifierName(value) === 'require') this.requireNames.add(name);
      else if (value?.type === 'CallExpression' && this.isRequire(child(value, 'callee'))) {
        const specifier = constantString(children(value, 'arguments')[0]);
        if (specifier !== undefined) this.moduleNames.set(name, specifier.replace(/^node:/, ''));
      }
      return;
    }
    if (id?.type === 'ObjectPattern' && isProcessEnv(init)) {
      for (const property of children(id, 'properties')) {
        const key = child(property, 'key');
        const variable = property.computed === true ? stringValue(key) : (identifierName(key) ?? stringValue(key));
        if (variable !== undefined) this.findings.environmentVariable(variable, property.start);
      }
    }
  }

  /** The whole-file questions, once the walk has seen every assignment. */
  finish(): void {
    for (const hook of this.bareHooks) if (!this.declared.has(hook.name)) this.findings.add('browser-hook', hook.name, hook.offset);
    const budget = { nodes: FLOW_BUDGET };
    if (this.decoders) {
      for (const sink of this.sinks) {
        const decoded = findLabels(sink.args, this.assignments, (node) => decoderOf(node), budget)[0];
        if (decoded === undefined) continue;
        this.findings.add('decode-execute', decoded, sink.offset);
        this.findings.add('dynamic-code', sink.detail, sink.offset);
      }
    }
    for (const write of this.writes) {
      const labels = findLabels([write.path], this.assignments, (node) => this.outsidePath(node), budget);
      const detail = labels.find((label) => label !== 'home') ?? labels[0];
      if (detail !== undefined) this.findings.add('write-outside', detail, write.offset);
    }
  }

  /** Where a path expression leaves the package: the home directory, or what the string classifier calls write-outside. */
  private outsidePath(node: AstNode): string | undefined {
    if (node.type === 'Literal' || node.type === 'TemplateElement') {
      const value = node.type === 'Literal' ? node.value : templateText(node);
      if (typeof value !== 'string') return undefined;
      if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) return 'home';
      return this.findings.classify(value).find((hit) => hit.kind === 'write-outside')?.detail;
    }
    if (node.type === 'CallExpression') {
      const callee = unwrap(child(node, 'callee'));
      const name = callee?.type === 'MemberExpression' ? propertyName(callee) : identifierName(callee);
      return name === 'homedir' ? 'home' : undefined;
    }
    if (node.type === 'MemberExpression' && isProcessEnv(child(node, 'object'))) {
      return HOME_VARIABLES.has(propertyName(node) ?? '') ? 'home' : undefined;
    }
    return undefined;
  }
}

function isHookTarget(path: string): boolean {
  return HOOKED_GLOBALS.has(path) || path.startsWith('XMLHttpRequest.prototype.') || path.startsWith('ethereum.');
}

/** A string, a template or a concatenation with one (down the left spine, bounded): code for setTimeout. */
function isStringy(node: AstNode): boolean {
  let current: AstNode | undefined = node;
  for (let depth = 0; current !== undefined && depth < 64; depth++) {
    if (isStringLeaf(current)) return true;
    if (current.type !== 'BinaryExpression' || current.operator !== '+') return false;
    if (isStringLeaf(child(current, 'right'))) return true;
    current = child(current, 'left');
  }
  return false;
}

function isStringLeaf(node: AstNode | undefined): boolean {
  return node !== undefined && (node.type === 'TemplateLiteral' || stringValue(node) !== undefined);
}

function spreadsProcessEnv(node: AstNode): boolean {
  const target = unwrap(node);
  if (target?.type !== 'ObjectExpression') return false;
  return children(target, 'properties').some((property) => property.type === 'SpreadElement' && isProcessEnv(child(property, 'argument')));
}

const BUFFER_DECODINGS = new Map([
  ['hex', 'hex'],
  ['base64', 'base64'],
  ['base64url', 'base64'],
]);

/**
 * The decoder a call is, if any: Buffer.from(x, 'hex'|'base64'), atob, String.fromCharCode,
 * decodeURIComponent/unescape of %-escapes, createDecipher(iv), `.split('').reverse().join('')`.
 */
function decoderOf(node: AstNode, calleePath?: string): string | undefined {
  if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return undefined;
  const callee = unwrap(child(node, 'callee'));
  const args = children(node, 'arguments');
  const path = calleePath ?? staticPath(callee);
  switch (path) {
    case 'Buffer':
    case 'Buffer.from':
      return BUFFER_DECODINGS.get(stringValue(args[1]) ?? '');
    case 'atob':
      return 'base64';
    case 'String.fromCharCode':
    case 'String.fromCodePoint':
    case 'String.fromCharCode.apply':
    case 'String.fromCharCode.call':
      return 'fromCharCode';
    case 'decodeURIComponent':
    case 'decodeURI':
    case 'unescape':
      return stringValue(args[0])?.includes('%') ? path : undefined;
  }
  if (callee?.type !== 'MemberExpression') return undefined;
  const method = propertyName(callee);
  if (method === 'createDecipher' || method === 'createDecipheriv') return 'decipher';
  if (method === 'join') {
    const reversed = unwrap(child(callee, 'object'));
    const reverse = reversed?.type === 'CallExpression' ? unwrap(child(reversed, 'callee')) : undefined;
    if (reverse?.type === 'MemberExpression' && propertyName(reverse) === 'reverse') {
      const split = unwrap(child(reverse, 'object'));
      const splitCallee = split?.type === 'CallExpression' ? unwrap(child(split, 'callee')) : undefined;
      if (splitCallee?.type === 'MemberExpression' && propertyName(splitCallee) === 'split') return 'reverse';
    }
  }
  return undefined;
}

/**
 * `Function('return this')` and its kind: code written out in string literals is as visible as
 * the file around it (bundles use it to find the global object); only computed code is dynamic.
 */
function constantCode(args: readonly AstNode[]): boolean {
  return args.length > 0 && args.every((a) => stringValue(a) !== undefined);
}
