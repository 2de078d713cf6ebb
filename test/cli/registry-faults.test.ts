import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Fault } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';

const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const DOCS = loadDocuments(fixture('event-stream', 'registry'));
/** Where the package that could not be checked is pointed at: its entry in the head lockfile. */
const EVENT_STREAM = {
  file: 'fixtures/event-stream/head/package-lock.json',
  line: readFileSync(HEAD, 'utf8').split('\n').indexOf('    "node_modules/event-stream": {') + 1,
};

/** Runs the event-stream diff against a registry that answers requests for event-stream with `fault`. */
async function withFault(fault: (n: number) => Fault, extra: string[] = []) {
  let n = 0;
  const registry = await startRegistry(DOCS, { fault: (_req, url) => (url.pathname === '/event-stream' ? fault(++n) : undefined) });
  try {
    const r = await runCli([
      'diff',
      '--base',
      BASE,
      '--head',
      HEAD,
      '--registry',
      registry.url,
      '--format',
      'json',
      '--timeout',
      '1',
      ...extra,
    ]);
    return { ...r, out: r.stdout ? JSON.parse(r.stdout) : null, attempts: n };
  } finally {
    await registry.close();
  }
}

describe('registry faults, on the wire', () => {
  const cases: Array<[string, Fault, RegExp, number]> = [
    ['404', 404, /not found on the registry \(404\)/, 1],
    ['500', 500, /HTTP 500/, 3],
    ['503', 503, /HTTP 503/, 3],
    ['a connection reset', 'reset', /connection failed/, 3],
    ['a response cut in half', 'truncate', /connection failed|invalid JSON/, 3],
    ['invalid JSON', 'invalid-json', /invalid JSON/, 3],
    ['a server that never answers', 'hang', /no answer within 1s/, 3],
  ];
  for (const [what, fault, reason, attempts] of cases) {
    it(`${what}: listed as not checked, exit 3, the other package still reported`, async () => {
      const r = await withFault(() => fault);
      expect(r.code).toBe(3);
      expect(r.out.unavailable).toEqual([
        { package: { name: 'event-stream', version: '3.3.6' }, reason: expect.stringMatching(reason), location: EVENT_STREAM },
      ]);
      expect(r.out.findings.map((f: { package: { name: string } }) => f.package.name)).toContain('flatmap-stream');
      expect(r.attempts).toBe(attempts);
      expect(r.stderr).toBe('');
    });
  }

  it('retries with backoff and succeeds when the fault passes', async () => {
    const r = await withFault((n) => (n <= 2 ? 503 : undefined));
    expect(r.attempts).toBe(3);
    expect(r.code).toBe(1);
    expect(r.out.unavailable).toEqual([]);
    expect(r.out.findings.some((f: { severity: string }) => f.severity === 'critical')).toBe(true);
  });

  it('--allow-incomplete turns exit 3 into 0, and says so', async () => {
    const r = await withFault(() => 500, ['--allow-incomplete', '--retries', '0']);
    expect(r.code).toBe(0);
    expect(r.attempts).toBe(1);
    expect(r.out.unavailable).toHaveLength(1);
  });

  it('refuses a response over --max-response-size without buffering it', async () => {
    const big = new Map(DOCS);
    const doc = structuredClone(DOCS.get('event-stream')!);
    doc.description = 'x'.repeat(4 * 1024 * 1024);
    big.set('event-stream', doc);
    const registry = await startRegistry(big);
    try {
      const r = await runCli([
        'diff',
        '--base',
        BASE,
        '--head',
        HEAD,
        '--registry',
        registry.url,
        '--format',
        'json',
        '--max-response-size',
        '1',
      ]);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).unavailable[0].reason).toBe('response larger than the 1 MB limit (--max-response-size)');
    } finally {
      await registry.close();
    }
  });
});
