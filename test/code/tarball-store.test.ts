import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { integrityOf } from '../../scripts/fixture-registry.mjs';
import { StoredTarballs } from '../../src/code/tarball-store.js';

/** depguard's own tarball store: by integrity, checked on every read. */
function counting(bytes: Buffer) {
  const fetcher = {
    fetched: 0,
    async tarball() {
      fetcher.fetched++;
      return bytes;
    },
  };
  return fetcher;
}

describe('StoredTarballs', () => {
  const bytes = Buffer.from('a tarball');
  const integrity = integrityOf(bytes);

  it('keeps a fetched tarball by its integrity and serves it again without fetching', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-tarballs-'));
    const inner = counting(bytes);
    const store = new StoredTarballs(inner, dir);
    expect(await store.tarball('p', '1.0.0', integrity)).toEqual(bytes);
    expect(await store.tarball('p', '1.0.0', integrity)).toEqual(bytes);
    expect(inner.fetched).toBe(1);
  });

  it('a kept file that no longer matches its integrity is fetched again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-tarballs-'));
    const inner = counting(bytes);
    await new StoredTarballs(inner, dir).tarball('p', '1.0.0', integrity);
    const [sub] = fs.readdirSync(dir);
    const [file] = fs.readdirSync(path.join(dir, sub!));
    fs.writeFileSync(path.join(dir, sub!, file!), 'tampered');
    expect(await new StoredTarballs(inner, dir).tarball('p', '1.0.0', integrity)).toEqual(bytes);
    expect(inner.fetched).toBe(2);
  });

  it('keeps nothing fetched without an integrity', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-tarballs-'));
    await new StoredTarballs(counting(bytes), dir).tarball('p', '1.0.0', null);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
