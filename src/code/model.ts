/**
 * What a package's code can do, as depguard reads it from the tarball (never executed, never
 * written to disk): the capabilities of each file, the package's file list, and what reading the
 * tarball itself revealed. Plain data: cached by the tarball's integrity, diffed per package.
 */

/** The kinds of capability, documented in docs/rules/code-capabilities.md. */
export type CapabilityKind =
  /** http/https/http2/net/tls/dgram/dns modules and their calls, fetch, XMLHttpRequest, WebSocket. */
  | 'network'
  /** A host name or IP address in a string literal (detail: the host). */
  | 'host'
  /** child_process (also node: and computed requires), process.binding('spawn_sync'). */
  | 'process'
  /** A living-off-the-land command in a string: curl, wget, certutil, powershell -enc, ... (detail: the command). */
  | 'shell-command'
  /** eval, Function, vm.*, module._compile, new module.constructor, require of a non-literal name. */
  | 'dynamic-code'
  /** Decoded data (hex/base64/fromCharCode/decipher) that reaches dynamic code or require. */
  | 'decode-execute'
  /** The whole process.env serialised, iterated or copied out. */
  | 'env-dump'
  /** A token variable read: NPM_TOKEN, GITHUB_TOKEN, AWS_* ... (detail: the variable). */
  | 'token-read'
  /** A credential path: .npmrc, .ssh/, .aws/, .git-credentials, wallets, browser profiles (detail: the path kind). */
  | 'credential-path'
  /** A write (or a path to write) outside the package: home directory, shell profiles, .github/workflows, editor/agent settings. */
  | 'write-outside'
  /** Assignment to fetch, XMLHttpRequest.prototype.*, window.ethereum / ethereum.request. */
  | 'browser-hook'
  /** Cryptocurrency address patterns in strings (detail: the currency). */
  | 'crypto-address'
  /** Obfuscated code: _0x identifiers, string-array decoders, heavy escapes, padding (detail: which). */
  | 'obfuscated'
  /** A long high-entropy string blob. */
  | 'high-entropy'
  /** An executable binary by magic bytes (ELF, PE, Mach-O, fat) or a .node addon (detail: the format). */
  | 'native-binary'
  /** A WebAssembly module. */
  | 'wasm'
  /** A JavaScript file that no parser could read (itself evidence). */
  | 'unparseable';

export interface Capability {
  readonly kind: CapabilityKind;
  /**
   * What exactly, coarse enough to compare between versions: a module ('https'), a global
   * ('fetch'), a variable ('NPM_TOKEN'), a command ('curl'), a host ('pastebin.com').
   * `${kind}:${detail}` is the capability's identity.
   */
  readonly detail: string;
  /** Path inside the package (the tarball's first segment stripped). */
  readonly file: string;
  /** 1-based; 0 for a whole file (a binary). */
  readonly line: number;
  /** A short piece of the source (at most 80 characters, one line, raw: reporters escape it). */
  readonly excerpt: string;
}

/** How a file was read. */
type Reader = 'ast' | 'loose' | 'tokens' | 'binary' | 'skipped';

/** What one file can do: each capability identity once, at its first occurrence. */
export interface FileAnalysis {
  readonly reader: Reader;
  readonly capabilities: readonly Capability[];
}

export function capabilityId(c: Pick<Capability, 'kind' | 'detail'>): string {
  return `${c.kind}:${c.detail}`;
}

/** What was wrong with an archive or one of its entries. */
export type TarProblemKind =
  /** A symbolic or hard link (dropped, as npm drops them). */
  | 'link'
  /** A character or block device or a FIFO (dropped). */
  | 'special'
  /** A path with a `..` segment (dropped). */
  | 'traversal'
  /** An absolute path, `/...`, `C:...` or `\\...` (dropped). */
  | 'absolute'
  /** A second file at the same path: it replaces the first, as it would on disk. */
  | 'duplicate'
  /** A file over maxFileBytes: listed without its bytes. */
  | 'file-too-large'
  /** More than maxEntries entries: reading stopped. */
  | 'too-many-entries'
  /** More than maxUnpackedBytes in all: reading stopped. */
  | 'too-large'
  /** The decompression ratio went over maxRatio: reading stopped. */
  | 'ratio'
  /** Not a (gzipped) tar archive, truncated, or a damaged header. */
  | 'corrupt';

/** One problem; `path` is the entry's path as written in the archive ('' for the whole archive). */
export interface TarProblem {
  readonly kind: TarProblemKind;
  readonly path: string;
  readonly detail: string;
}
