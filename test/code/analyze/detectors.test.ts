import { describe, expect, it } from 'vitest';
import { analyze, find, ids, kinds } from './helpers.js';

describe('network', () => {
  it('recognises network modules however they are loaded, and their calls', () => {
    expect(ids("const https = require('https');")).toEqual(['network:https']);
    expect(ids("const net = require('node:net');")).toEqual(['network:net']);
    expect(ids("import dns from 'node:dns/promises';\nexport const x = dns;", 'a.mjs')).toEqual(['network:dns']);
    expect(ids("export async function f() { return import('http2'); }", 'a.mjs')).toEqual(['network:http2']);
    expect(ids('module.exports = (h) => { const tls = h; tls.connect(443); };')).toEqual(['network:tls']);
    expect(ids("const d = require('dgram'); d.createSocket('udp4');")).toEqual(['network:dgram']);
  });

  it('recognises the browser globals', () => {
    expect(ids('fetch(u).then((r) => r.json());')).toEqual(['network:fetch']);
    expect(ids('window.fetch(u);')).toEqual(['network:fetch']);
    expect(ids('const x = new XMLHttpRequest(); x.open(m, u);')).toEqual(['network:XMLHttpRequest']);
    expect(ids('const ws = new WebSocket(u);')).toEqual(['network:WebSocket']);
    expect(ids('navigator.sendBeacon(u, data);')).toEqual(['network:navigator.sendBeacon']);
  });

  it('ignores look-alikes', () => {
    expect(ids("const path = require('path'); client.fetch(x); const https = { get() {} }.get;")).toEqual([]);
    expect(ids('function fetch() {}\nconst o = { fetch: 1, net: 2 };')).toEqual([]);
  });
});

describe('process', () => {
  it('recognises child_process, also computed and node:-prefixed', () => {
    expect(ids("const cp = require('child_process');")).toEqual(['process:child_process']);
    expect(ids("import { execSync } from 'node:child_process';\nexecSync(cmd);", 'a.mjs')).toEqual(['process:child_process']);
    expect(ids("const cp = require('child_' + 'process');")).toEqual(['dynamic-code:require(non-literal)', 'process:child_process']);
    expect(ids("const cp = require(['child', 'process'].join('_'));")).toEqual([
      'dynamic-code:require(non-literal)',
      'process:child_process',
    ]);
    expect(ids("const r = require; r('child_process');")).toEqual(['process:child_process']);
  });

  it('recognises process.binding(spawn_sync) and process.dlopen', () => {
    expect(ids("process.binding('spawn_sync').spawn(opts);")).toEqual(['process:process.binding(spawn_sync)']);
    expect(ids('process.dlopen(module, file);')).toEqual(['process:process.dlopen']);
  });

  it('ignores look-alikes', () => {
    expect(ids("const p = require('process'); process.binding('fs'); const s = 'process';")).toEqual([]);
  });
});

describe('dynamic-code', () => {
  it('recognises eval in all its spellings', () => {
    for (const code of ['eval(code);', '(0, eval)(code);', 'global.eval(code);', "window['eval'](code);", 'const e = eval; e(code);']) {
      expect(ids(code), code).toEqual(['dynamic-code:eval']);
    }
  });

  it('recognises Function, vm, _compile, module.constructor, require(non-literal) and string timers', () => {
    expect(ids("const f = new Function('a', body);")).toEqual(['dynamic-code:Function']);
    expect(ids("Function('return this')();")).toEqual(['dynamic-code:Function(constant)']);
    expect(ids("const vm = require('vm'); vm.runInThisContext(code);")).toEqual(['dynamic-code:vm']);
    expect(ids('const s = new vm.Script(code);')).toEqual(['dynamic-code:vm']);
    expect(ids("m._compile(code, 'x.js');")).toEqual(['dynamic-code:_compile']);
    expect(ids('const m = new module.constructor();')).toEqual(['dynamic-code:module.constructor']);
    expect(ids('const plugin = require(name);')).toEqual(['dynamic-code:require(non-literal)']);
    expect(ids("setTimeout('run()', 10);")).toEqual(['dynamic-code:setTimeout(string)']);
    expect(ids("setInterval('tick(' + n + ')', 10);")).toEqual(['dynamic-code:setInterval(string)']);
  });

  it('ignores look-alikes', () => {
    const benign = [
      'setTimeout(() => run(), 10); setInterval(tick, 5);',
      "const o = { eval: 1 }; o.eval; page.evaluate('x'); lodash.runInContext();",
      "const x = require('./lib/x.js'); const y = require(`./y`);",
      'if (x instanceof Function) Function.prototype.call.bind(x);',
      'class A { _compile() {} }',
    ];
    for (const code of benign) expect(ids(code), code).toEqual([]);
  });
});

describe('decode-execute', () => {
  it('recognises decoded data reaching a sink, directly or through names and helpers', () => {
    expect(ids("eval(Buffer.from(payload, 'base64').toString());")).toEqual(['decode-execute:base64', 'dynamic-code:eval']);
    expect(ids('const s = atob(p);\nconst t = s.trim();\nnew Function(t)();')).toEqual(['decode-execute:base64', 'dynamic-code:Function']);
    expect(ids('eval(String.fromCharCode.apply(null, codes));')).toEqual(['decode-execute:fromCharCode', 'dynamic-code:eval']);
    expect(ids("function e(s) { return Buffer.from(s, 'hex').toString(); }\nrequire(e(name));")).toEqual([
      'decode-execute:hex',
      'dynamic-code:require(non-literal)',
    ]);
    expect(ids("eval(x.split('').reverse().join(''));")).toEqual(['decode-execute:reverse', 'dynamic-code:eval']);
    expect(ids("eval(decodeURIComponent('%61%6c%65%72%74%28%31%29'));")).toEqual([
      'decode-execute:decodeURIComponent',
      'dynamic-code:eval',
    ]);
    expect(ids('setTimeout(atob(p), 0);')).toEqual(['decode-execute:base64', 'dynamic-code:setTimeout(string)']);
  });

  it('ignores decoding that reaches no sink, and sinks fed with plain data', () => {
    expect(ids("const b = Buffer.from(s, 'base64'); fs.writeFileSync(out, b); eval(code);")).toEqual(['dynamic-code:eval']);
    expect(ids('const u = decodeURIComponent(path); require(resolve(u));')).toEqual(['dynamic-code:require(non-literal)']);
    expect(ids('function poll() { return atob(x); }\nsetTimeout(poll, 10);')).toEqual([]);
  });
});

describe('env-dump', () => {
  it('recognises process.env serialised, iterated or copied out', () => {
    for (const code of [
      'const body = JSON.stringify(process.env);',
      'Object.keys(process.env).forEach(send);',
      'for (const [k, v] of Object.entries(process.env)) log(k, v);',
      'for (const k in process.env) out[k] = 1;',
      'req.write(JSON.stringify({ ...process.env, host }));',
      'axios.post(url, { ...process.env });',
      'const copy = Object.assign({}, process.env);',
    ]) {
      expect(ids(code), code).toContain('env-dump:process.env');
    }
  });

  it('ignores single variables and environments handed to children', () => {
    for (const code of [
      "if (process.env.NODE_ENV === 'production') x();",
      "spawn('git', ['status'], { env: process.env });",
      "spawn('git', ['status'], { env: { ...process.env, GIT_DIR: d } });",
      "execa('git', [], { env: Object.assign({}, process.env, { A: '1' }) });",
      'const childEnv = Object.assign({}, process.env, extra); fork(file, [], { env: childEnv });',
    ]) {
      expect(ids(code), code).not.toContain('env-dump:process.env');
    }
  });
});

describe('token-read', () => {
  it('recognises secret variables read from process.env', () => {
    expect(ids('const t = process.env.NPM_TOKEN;')).toContain('token-read:NPM_TOKEN');
    expect(ids("const t = process.env['GITHUB_TOKEN'];")).toContain('token-read:GITHUB_TOKEN');
    expect(ids('const { AWS_SECRET_ACCESS_KEY: k } = process.env;')).toContain('token-read:AWS_SECRET_ACCESS_KEY');
  });

  it('ignores ordinary variables', () => {
    expect(kinds('const e = process.env.NODE_ENV; const d = process.env.DEBUG;')).toEqual([]);
  });
});

describe('browser-hook', () => {
  it('recognises replaced fetch, XMLHttpRequest methods and wallet providers', () => {
    expect(ids('window.fetch = async (...a) => steal(a);')).toEqual(['browser-hook:fetch']);
    expect(ids('globalThis.fetch = wrapped;')).toEqual(['browser-hook:fetch']);
    expect(ids('fetch = wrapped;')).toEqual(['browser-hook:fetch']);
    expect(ids('XMLHttpRequest.prototype.send = function (b) { leak(b); };')).toEqual(['browser-hook:XMLHttpRequest.prototype.send']);
    expect(ids("Object.defineProperty(XMLHttpRequest.prototype, 'open', { value: f });")).toEqual([
      'browser-hook:XMLHttpRequest.prototype.open',
    ]);
    expect(ids('window.ethereum.request = proxy;')).toEqual(['browser-hook:ethereum.request']);
    expect(ids("Object.defineProperty(window, 'ethereum', { get: () => fake });")).toEqual(['browser-hook:ethereum']);
  });

  it('ignores local names and reads', () => {
    for (const code of [
      'let fetch = require("node-fetch"); fetch = fetch.default;',
      'function f(fetch) { fetch = fetch || g; }',
      'client.fetch = wrapped; const send = XMLHttpRequest.prototype.send;',
    ]) {
      expect(kinds(code), code).not.toContain('browser-hook');
    }
  });
});

describe('write-outside', () => {
  it('recognises writes under the home directory', () => {
    const analysis = analyze("const p = path.join(os.homedir(), 'notes.txt');\nfs.writeFileSync(p, data);");
    expect(find(analysis, 'write-outside', 'home')?.line).toBe(2);
    expect(ids('fs.appendFileSync(`${process.env.HOME}/x`, line);')).toContain('write-outside:home');
    expect(ids("fs.mkdirSync('~/.cache/x');")).toContain('write-outside:home');
  });

  it('reports the classifier detail for a path it flags', () => {
    const analysis = analyze("fs.appendFileSync(path.join(os.homedir(), '.bashrc'), line);");
    const writes = analysis.capabilities.filter((c) => c.kind === 'write-outside');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.some((c) => c.detail !== 'home')).toBe(true);
  });

  it('ignores writes inside the package', () => {
    expect(kinds("fs.writeFileSync(path.join(__dirname, 'out.json'), data); fs.mkdirSync('dist');")).toEqual([]);
  });
});

describe('strings and obfuscation', () => {
  it('classifies string literals and template pieces at their own lines', () => {
    const analysis = analyze("const a = 1;\nconst u = 'https://collect.example.invalid/x';\nconst t = `curl ${u}`;");
    expect(find(analysis, 'host')?.line).toBe(2);
    expect(find(analysis, 'shell-command')?.line).toBe(3);
  });

  it('passes obfuscation signals through with their lines', () => {
    const names = Array.from({ length: 40 }, (_, i) => `var _0x${(0x1a2b + i).toString(16)} = _0x${(0x2b3c + i).toString(16)};`);
    const analysis = analyze(`'use strict';\n${names.join('\n')}`);
    expect(find(analysis, 'obfuscated')?.line).toBeGreaterThanOrEqual(2);
  });
});

describe('capabilities', () => {
  it('reports each identity once, at its first occurrence, with a one-line excerpt of at most 80 characters', () => {
    const long = `${' '.repeat(10)}const x = ${'a + '.repeat(60)}eval(code);`;
    const analysis = analyze(`eval(a);\neval(b);\n${long}`);
    expect(analysis.capabilities).toEqual([{ kind: 'dynamic-code', detail: 'eval', file: 'index.js', line: 1, excerpt: 'eval(a);' }]);
    const deep = analyze(`x();\n${long}`).capabilities[0];
    expect(deep?.line).toBe(2);
    expect(deep?.excerpt.length).toBeLessThanOrEqual(80);
    expect(deep?.excerpt).toContain('eval(code)');
  });

  it('caps the list at 200', () => {
    const source = Array.from({ length: 300 }, (_, i) => `const t${i} = process.env.SECRET_TOKEN_${i};`).join('\n');
    const analysis = analyze(source);
    expect(analysis.capabilities.length).toBe(200);
    expect(analysis.capabilities[0]?.detail).toBe('SECRET_TOKEN_0');
  });
});
