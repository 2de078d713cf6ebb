/**
 * A string that is exactly a cryptocurrency address (a clipper swaps them; a drainer sends to
 * them). Base58 addresses are checked by their checksum, or for Solana by their decoded length,
 * so random identifiers of the same shape are not addresses.
 */
import { createHash } from 'node:crypto';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** The currency whose address `value` is, or null. */
export function cryptoCurrency(value: string): string | null {
  if (value.length < 26 || value.length > 90) return null;
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return 'ethereum';
  if (/^(?:bc1[02-9ac-hj-np-z]{39,59}|BC1[02-9AC-HJ-NP-Z]{39,59})$/.test(value)) return 'bitcoin';
  if (/^(?:ltc1[02-9ac-hj-np-z]{39,59}|LTC1[02-9AC-HJ-NP-Z]{39,59})$/.test(value)) return 'litecoin';
  const bytes = base58(value);
  if (!bytes) return null;
  if (bytes.length === 25 && checksumOk(bytes)) {
    const version = bytes[0]!;
    if (version === 0x00 || version === 0x05) return 'bitcoin';
    if (version === 0x30 || version === 0x32) return 'litecoin';
    if (version === 0x1e || version === 0x16) return 'dogecoin';
    if (version === 0x41) return 'tron';
  }
  // Solana: a bare 32-byte public key; real ones mix digits, upper and lower case
  if (bytes.length === 32 && value.length >= 32 && value.length <= 44 && /\d/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value)) {
    return 'solana';
  }
  return null;
}

/** Base58 (Bitcoin alphabet) to bytes, or null if `value` is not base58. Leading '1's are zero bytes. */
function base58(value: string): Uint8Array | null {
  let n = 0n;
  for (const c of value) {
    const digit = BASE58.indexOf(c);
    if (digit < 0) return null;
    n = n * 58n + BigInt(digit);
  }
  const body: number[] = [];
  for (; n > 0n; n >>= 8n) body.unshift(Number(n & 0xffn));
  let zeros = 0;
  while (value[zeros] === '1') zeros++;
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body]);
}

/** Base58Check: the last four bytes are the first four of the payload's double SHA-256. */
function checksumOk(bytes: Uint8Array): boolean {
  const payload = bytes.subarray(0, bytes.length - 4);
  const digest = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  return digest.subarray(0, 4).equals(bytes.subarray(bytes.length - 4));
}
