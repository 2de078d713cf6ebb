import { describe, expect, it } from 'vitest';
import { binaryKind } from '../../../src/code/analyze/binary.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const padded = (head: number[], length = 64) => Uint8Array.from([...head, ...new Array<number>(length - head.length).fill(0)]);

/** A minimal PE: 'MZ', e_lfanew = 0x40, 'PE\0\0' there. */
function pe(): Uint8Array {
  const b = padded([0x4d, 0x5a], 0x48);
  b[0x3c] = 0x40;
  b.set([0x50, 0x45, 0, 0], 0x40);
  return b;
}

describe('binaryKind', () => {
  it('reads executables by their magic bytes, whatever the file is called', () => {
    expect(binaryKind('bin/tool', padded([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toEqual({ kind: 'native-binary', detail: 'elf' });
    expect(binaryKind('tool.exe', pe())).toEqual({ kind: 'native-binary', detail: 'pe' });
    expect(binaryKind('lib/x.js', pe())).toEqual({ kind: 'native-binary', detail: 'pe' });
    for (const magic of [
      [0xfe, 0xed, 0xfa, 0xce],
      [0xfe, 0xed, 0xfa, 0xcf],
      [0xce, 0xfa, 0xed, 0xfe],
      [0xcf, 0xfa, 0xed, 0xfe],
    ]) {
      expect(binaryKind('bin/darwin', padded(magic))).toEqual({ kind: 'native-binary', detail: 'mach-o' });
    }
  });

  it('tells fat Mach-O binaries from Java classes, which share 0xcafebabe', () => {
    expect(binaryKind('bin/universal', padded([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]))).toEqual({
      kind: 'native-binary',
      detail: 'mach-o-fat',
    });
    expect(binaryKind('bin/universal', padded([0xbe, 0xba, 0xfe, 0xca, 2, 0, 0, 0]))).toEqual({
      kind: 'native-binary',
      detail: 'mach-o-fat',
    });
    expect(binaryKind('bin/universal', padded([0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 2]))).toEqual({
      kind: 'native-binary',
      detail: 'mach-o-fat',
    });
    // minor 0, major 52 (Java 8)
    expect(binaryKind('lib/Main', padded([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]))).toEqual({ kind: 'native-binary', detail: 'java-class' });
    expect(binaryKind('lib/Main.class', padded([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]))).toEqual({
      kind: 'native-binary',
      detail: 'java-class',
    });
  });

  it('calls every .node file an addon, whatever its bytes', () => {
    expect(binaryKind('build/Release/addon.node', padded([0x7f, 0x45, 0x4c, 0x46]))).toEqual({
      kind: 'native-binary',
      detail: 'node-addon',
    });
    expect(binaryKind('prebuilds/x.NODE', bytes())).toEqual({ kind: 'native-binary', detail: 'node-addon' });
  });

  it('finds WebAssembly by magic or by name', () => {
    expect(binaryKind('dist/blob.bin', bytes(0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0))).toEqual({ kind: 'wasm', detail: 'wasm' });
    expect(binaryKind('dist/module.wasm', bytes())).toEqual({ kind: 'wasm', detail: 'wasm' });
  });

  it("accepts 'MZ' without a PE header only outside text files", () => {
    const text = new TextEncoder().encode('MZ is a river; this text has no PE header at all, it just starts with MZ.');
    expect(binaryKind('README.md', text)).toBeNull();
    expect(binaryKind('notes.txt', text)).toBeNull();
    expect(binaryKind('lib/index.js', text)).toBeNull();
    expect(binaryKind('bin/setup', bytes(0x4d, 0x5a, 0x90, 0))).toEqual({ kind: 'native-binary', detail: 'pe' });
  });

  it('returns null for everything else, short files included', () => {
    expect(binaryKind('index.js', new TextEncoder().encode('module.exports = 1;\n'))).toBeNull();
    expect(binaryKind('image.png', padded([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeNull();
    expect(binaryKind('empty', bytes())).toBeNull();
    expect(binaryKind('short', bytes(0xca, 0xfe, 0xba))).toBeNull();
    expect(binaryKind('short', bytes(0x7f, 0x45))).toBeNull();
  });

  it('reads a view into a larger buffer at its own offset', () => {
    const buffer = new Uint8Array(80);
    buffer.set([0x7f, 0x45, 0x4c, 0x46], 0);
    buffer.set([0xfe, 0xed, 0xfa, 0xcf], 16);
    expect(binaryKind('bin/x', buffer.subarray(16, 40))).toEqual({ kind: 'native-binary', detail: 'mach-o' });
  });
});
