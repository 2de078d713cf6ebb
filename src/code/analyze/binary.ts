/**
 * Executables and addons in a package, by their magic bytes and, for addons and WebAssembly,
 * by their file name. Reads only the first bytes (and, for PE, the header the DOS stub points to).
 */

/** What a binary file is: a native executable/addon or a WebAssembly module, and its format. */
export interface BinaryKind {
  readonly kind: 'native-binary' | 'wasm';
  readonly detail: string;
}

/** Text files that may begin with 'MZ' without being Windows executables. */
const TEXT_EXTENSION = /\.(?:[cm]?[jt]sx?|json|md|markdown|txt|map|css|s[ac]ss|less|html?|xml|svg|ya?ml|toml|csv|lock)$/i;

/**
 * An executable or addon by magic bytes (ELF, PE 'MZ', Mach-O 32/64 both byte orders,
 * fat/universal binaries), `.node` addons, WebAssembly (`\0asm` or `.wasm`). Null for anything else.
 */
export function binaryKind(path: string, bytes: Uint8Array): BinaryKind | null {
  const name = path.toLowerCase();
  if (name.endsWith('.node')) return { kind: 'native-binary', detail: 'node-addon' };
  if (name.endsWith('.wasm') || startsWith(bytes, [0x00, 0x61, 0x73, 0x6d])) return { kind: 'wasm', detail: 'wasm' };
  const detail = nativeFormat(name, bytes);
  return detail ? { kind: 'native-binary', detail } : null;
}

function nativeFormat(name: string, bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'elf';
  if (startsWith(bytes, [0x4d, 0x5a])) return isPe(bytes) || !TEXT_EXTENSION.test(name) ? 'pe' : null;
  if (bytes.length < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (view.getUint32(0)) {
    case 0xfeedface:
    case 0xfeedfacf:
    case 0xcefaedfe:
    case 0xcffaedfe:
      return 'mach-o';
    case 0xcafebabe:
      // Java class files share the magic; there the next word is the version (45 and up),
      // in a fat binary the number of architectures (a handful). file(1) splits them at 20.
      return name.endsWith('.class') || view.getUint32(4) >= 20 ? 'java-class' : 'mach-o-fat';
    case 0xcafebabf:
    case 0xbebafeca:
      return 'mach-o-fat';
    default:
      return null;
  }
}

/** MZ with e_lfanew (at 0x3c) pointing at a 'PE\0\0' signature. */
function isPe(bytes: Uint8Array): boolean {
  if (bytes.length < 0x40) return false;
  const offset = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0x3c, true);
  return offset + 4 <= bytes.length && startsWith(bytes.subarray(offset), [0x50, 0x45, 0x00, 0x00]);
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}
