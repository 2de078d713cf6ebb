import type { TarProblem, TarProblemKind } from '../../src/code/model.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TAR_LIMITS, readTarball, type TarballContents, type TarFile } from '../../src/code/tarball.js';
import { expectNoDiskWrites, gzipBomb, tarArchive, tgz } from '../helpers/tar.js';

let work: string;

/**
 * `readTarball`, asserting that nothing reached the disk: no node:fs call that opens, writes,
 * creates or links, and the private work directory unchanged (the shared tmp dir and cwd change
 * under the other test files running beside this one).
 */
function read(input: Uint8Array, limits = DEFAULT_TAR_LIMITS): Promise<TarballContents> {
  return expectNoDiskWrites([work], () => readTarball(input, limits));
}

const paths = (r: TarballContents) => r.files.map((f) => f.path);
const file = (r: TarballContents, p: string): TarFile | undefined => r.files.find((f) => f.path === p);
const text = (r: TarballContents, p: string) => Buffer.from(file(r, p)?.bytes ?? []).toString();
const kinds = (r: TarballContents): TarProblemKind[] => r.problems.map((p) => p.kind);

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-tarball-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('a tarball made by npm pack', () => {
  let packed: Buffer;
  beforeAll(() => {
    const src = path.join(work, 'src');
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'packed-demo', version: '1.2.3', main: 'index.js', bin: { demo: 'bin/demo.js' } }),
      'index.js': "module.exports = require('./lib/nested/deep/util.js');\n",
      'lib/nested/deep/util.js': 'module.exports = (a, b) => a + b;\n',
      'bin/demo.js': "#!/usr/bin/env node\nconsole.log(require('..')(1, 2));\n",
      'README.md': '# demo\n',
    };
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
      fs.writeFileSync(path.join(src, file), content);
    }
    fs.chmodSync(path.join(src, 'bin/demo.js'), 0o755);
    const out = path.join(work, 'out');
    fs.mkdirSync(out);
    execFileSync('npm', ['pack', '--pack-destination', out, '--ignore-scripts', '--silent'], {
      cwd: src,
      env: { ...process.env, npm_config_userconfig: '/dev/null', npm_config_cache: path.join(work, 'cache') },
      stdio: 'pipe',
    });
    packed = fs.readFileSync(path.join(out, 'packed-demo-1.2.3.tgz'));
  });

  it('lists every file under its path inside the package, sorted, with bytes, sizes and modes', async () => {
    const r = await read(packed);
    expect(r).toMatchObject({ complete: true, problems: [] });
    expect(paths(r)).toEqual(['README.md', 'bin/demo.js', 'index.js', 'lib/nested/deep/util.js', 'package.json']);
    expect(text(r, 'lib/nested/deep/util.js')).toBe('module.exports = (a, b) => a + b;\n');
    expect(JSON.parse(text(r, 'package.json'))).toMatchObject({ name: 'packed-demo', version: '1.2.3' });
    for (const f of r.files) expect(f.size).toBe(f.bytes?.length);
    expect(file(r, 'bin/demo.js')?.mode).toBe(0o755);
    expect(file(r, 'index.js')?.mode).toBe(0o644);
  });

  it('reads the same archive uncompressed, as tar (and npm) accept it', async () => {
    const r = await read(zlib.gunzipSync(packed));
    expect(r.complete).toBe(true);
    expect(paths(r)).toContain('lib/nested/deep/util.js');
  });
});

describe('paths', () => {
  it('strips the first segment whatever it is named, and normalises \\ and . segments', async () => {
    const r = await read(
      tgz([
        { path: 'node/package.json', body: '{}' },
        { path: 'node/./lib//a.js', body: 'a' },
        { path: 'node\\lib\\b.js', body: 'b' },
        { path: './node/c.js', body: 'c' },
        { path: 'node/dir/', type: '5' },
        { path: 'top-level-file', body: 'not installed' },
      ]),
    );
    expect(r).toMatchObject({ complete: true, problems: [] });
    expect(paths(r)).toEqual(['lib/a.js', 'lib/b.js', 'node/c.js', 'package.json']);
  });

  it('drops .. traversal and absolute paths and reports them', async () => {
    const r = await read(
      tgz([
        { path: 'package/index.js', body: 'ok' },
        { path: '../../etc/passwd', body: 'root:x:0:0' },
        { path: 'package/../../x.js', body: 'x' },
        { path: '/abs/path', body: 'abs' },
        { path: 'C:\\Windows\\evil.js', body: 'win' },
      ]),
    );
    expect(paths(r)).toEqual(['index.js']);
    expect(r.problems).toEqual<TarProblem[]>([
      { kind: 'traversal', path: '../../etc/passwd', detail: "path contains '..'" },
      { kind: 'traversal', path: 'package/../../x.js', detail: "path contains '..'" },
      { kind: 'absolute', path: '/abs/path', detail: 'absolute path' },
      { kind: 'absolute', path: 'C:\\Windows\\evil.js', detail: 'absolute path' },
    ]);
    expect(r.complete).toBe(true);
  });

  it('drops symbolic and hard links, devices and FIFOs, and reports them', async () => {
    const r = await read(
      tgz([
        { path: 'package/index.js', body: 'ok' },
        { path: 'package/sym', type: '2', linkpath: '/etc/passwd' },
        { path: 'package/hard', type: '1', linkpath: 'package/index.js' },
        { path: 'package/tty', type: '3' },
        { path: 'package/disk', type: '4' },
        { path: 'package/pipe', type: '6' },
      ]),
    );
    expect(paths(r)).toEqual(['index.js']);
    expect(r.problems).toEqual([
      { kind: 'link', path: 'package/sym', detail: 'symbolic link to /etc/passwd' },
      { kind: 'link', path: 'package/hard', detail: 'hard link to package/index.js' },
      { kind: 'special', path: 'package/tty', detail: 'CharacterDevice' },
      { kind: 'special', path: 'package/disk', detail: 'BlockDevice' },
      { kind: 'special', path: 'package/pipe', detail: 'FIFO' },
    ]);
  });

  it('lets a later duplicate win, and reports it', async () => {
    const r = await read(
      tgz([
        { path: 'package/index.js', body: 'first' },
        { path: 'other/index.js', body: 'second' },
      ]),
    );
    expect(paths(r)).toEqual(['index.js']);
    expect(text(r, 'index.js')).toBe('second');
    expect(r.problems).toEqual([{ kind: 'duplicate', path: 'other/index.js', detail: 'a later entry replaces index.js' }]);
  });

  it('installs .gitignore as .npmignore, as pacote does, unless one came first', async () => {
    const r = await read(
      tgz([
        { path: 'package/.gitignore', body: 'a' },
        { path: 'package/sub/.npmignore', body: 'b' },
        { path: 'package/sub/.gitignore', body: 'c' },
      ]),
    );
    expect(paths(r)).toEqual(['.npmignore', 'sub/.npmignore']);
    expect(text(r, 'sub/.npmignore')).toBe('b');
  });
});

describe('limits', () => {
  it('stops a gzip bomb by its decompression ratio, early', async () => {
    const bomb = await gzipBomb(200 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(400 * 1024);
    const r = await read(bomb, { ...DEFAULT_TAR_LIMITS, maxUnpackedBytes: 1024 * 1024 * 1024, maxFileBytes: 1024 * 1024 * 1024 });
    expect(r.complete).toBe(false);
    expect(kinds(r)).toEqual(['ratio']);
    expect(r.problems[0]?.detail).toMatch(/max decompression ratio exceeded: [\d.]+ > 200/);
    // stopped within the first write: of the 200 MB declared, less than 20 MB was inflated
    expect(r.files[0]?.bytes?.length ?? 0).toBeLessThan(20 * 1024 * 1024);
  });

  it('stops a gzip bomb by its declared size with the default limits, before inflating it', async () => {
    const r = await read(await gzipBomb(200 * 1024 * 1024));
    expect(r).toMatchObject({ complete: false, files: [], problems: [{ kind: 'too-large', path: 'package/bomb.bin' }] });
  });

  it('stops after maxEntries entries', async () => {
    // the same check as the default 20,000, on a smaller archive (the suite runs on two cores)
    const entries = Array.from({ length: 3_000 }, (_, i) => ({ path: `package/f/${i}.js`, body: 'x' }));
    const r = await read(tgz(entries), { ...DEFAULT_TAR_LIMITS, maxEntries: 2_000, maxRatio: 100_000 });
    expect(r.complete).toBe(false);
    expect(r.files).toHaveLength(2_000);
    expect(r.problems).toEqual([{ kind: 'too-many-entries', path: 'package/f/2000.js', detail: 'more than 2000 entries' }]);
  });

  it('lists a file over maxFileBytes without its bytes, and goes on', async () => {
    const r = await read(
      tgz([
        { path: 'package/big.js', body: 'x'.repeat(5000) },
        { path: 'package/small.js', body: 'y' },
      ]),
      { ...DEFAULT_TAR_LIMITS, maxFileBytes: 4096 },
    );
    expect(r.complete).toBe(true);
    expect(r.files).toEqual([
      { path: 'big.js', size: 5000, mode: 0o644 },
      { path: 'small.js', size: 1, mode: 0o644, bytes: new Uint8Array([0x79]) },
    ]);
    expect(r.problems).toEqual([{ kind: 'file-too-large', path: 'package/big.js', detail: '5000 bytes, over 4096' }]);
  });

  it('stops when the files add up to more than maxUnpackedBytes', async () => {
    const r = await read(
      tgz([
        { path: 'package/a.js', body: 'a'.repeat(600) },
        { path: 'package/b.js', body: 'b'.repeat(600) },
        { path: 'package/c.js', body: 'c' },
      ]),
      { ...DEFAULT_TAR_LIMITS, maxUnpackedBytes: 1000 },
    );
    expect(r.complete).toBe(false);
    expect(paths(r)).toEqual(['a.js']);
    expect(r.problems).toEqual([{ kind: 'too-large', path: 'package/b.js', detail: 'more than 1000 bytes unpacked' }]);
  });
});

describe('corrupt input', () => {
  const good = tgz([
    { path: 'package/package.json', body: '{"name":"x"}' },
    { path: 'package/index.js', body: 'z'.repeat(20_000) },
  ]);

  it('reports a file that is not gzip nor tar', async () => {
    const r = await read(Buffer.from('this is not a tarball at all, just some text that goes on for a while'.repeat(20)));
    expect(r.complete).toBe(false);
    expect(r.files).toEqual([]);
    expect(kinds(r)).toContain('corrupt');
  });

  it('reports invalid gzip data', async () => {
    const bad = Buffer.from(good);
    bad.fill(0xff, 10, 40);
    const r = await read(bad);
    expect(r.complete).toBe(false);
    expect(kinds(r)).toEqual(['corrupt']);
  });

  it('reports truncated gzip, keeping what was read', async () => {
    const r = await read(good.subarray(0, Math.floor(good.length * 0.6)));
    expect(r.complete).toBe(false);
    expect(kinds(r)).toContain('corrupt');
    expect(paths(r)).toContain('package.json');
  });

  it('reports a truncated tar archive', async () => {
    const tar = tarArchive([{ path: 'package/index.js', body: 'q'.repeat(3000) }]);
    const r = await read(tar.subarray(0, 1536));
    expect(r.complete).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'corrupt', detail: expect.stringMatching(/Truncated input/) })]);
  });

  it('reports empty input', async () => {
    const r = await read(new Uint8Array(0));
    expect(r).toMatchObject({ complete: false, files: [], problems: [{ kind: 'corrupt' }] });
  });
});
