/**
 * Host names and IP addresses in a string: in URLs (any host), after `//` and before a `/` or
 * port, bare dotted names under a known top-level domain, bare IPv4 addresses, and a string that
 * is exactly an IPv6 address. Loopback, unspecified and documentation hosts are ignored.
 * Each pattern is a single greedy pass, so the time is linear in the string.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** scheme://authority */
const URL_AUTHORITY = /(?<![a-z])(?:https?|wss?|ftp):\/\/([^\s/?#"'`<>\\]+)/gi;
/** //authority/ (protocol-relative), the authority followed by a path or port. */
const RELATIVE_AUTHORITY = /(?<![\w:/])\/\/([a-z0-9.-]+)(?=[/:])/gi;
/** A bare dotted lowercase name, not inside a word, path, e-mail address, scoped package name or %-escape. */
const DOTTED = /(?<![\w.@/\\$%-])[a-z0-9-]+(?:\.[a-z0-9-]+)+/g;
/** A bare IPv4 address, not part of a longer dotted number ('1.2.3.4.5') or a word ('v1.2.3.4'). */
const IPV4 = /(?<![\w.-])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d|\w)/g;

/**
 * Top-level domains a bare name must end in. Short ones that are also common file extensions or
 * words in code (sh, py, pl, rs, so, md, in, id, it, is, zip, mov, name) are left out.
 */
const TLDS = new Set(
  [
    'com net org edu gov mil int io co me cc tk su ru cn xyz top dev app info biz onion invalid ml ga cf gq pw ws',
    'site online live link club shop store tech cloud space website fun icu buzz vip work click ai gg ly gl tv',
    'us uk de fr jp kr br ir kp ua by kz eu nl ch se vn hk tw sg lol cyou pro today agency',
  ]
    .join(' ')
    .split(' '),
);

/** First labels that make 'style.top' or 'this.app' a property path, not a host. */
const CODE_WORDS = new Set(
  'this self window document parent global globalthis module exports process console logger log style props state config options opts data event target el node app ctx item obj req res e'.split(
    ' ',
  ),
);

/** Transfer/paste services under a top-level domain left out above. */
const KNOWN_HOSTS = new Set(['transfer.sh']);

/** The hosts a string mentions, lowercased, each once. */
export function hostsIn(value: string): string[] {
  const hosts = new Set<string>();
  const add = (host: string | null) => {
    if (host !== null && !ignored(host)) hosts.add(host);
  };
  for (const m of value.matchAll(URL_AUTHORITY)) add(hostOfAuthority(m[1]!));
  for (const m of value.matchAll(RELATIVE_AUTHORITY)) add(m[1]!.includes('.') ? hostOfAuthority(m[1]!) : null);
  for (const m of value.matchAll(DOTTED)) {
    const next = value[m.index + m[0].length];
    if (next !== '_' && next !== '$' && next !== '@') add(bareName(m[0]));
  }
  for (const m of value.matchAll(IPV4)) add(isIPv4(m[0]) ? m[0] : null);
  const trimmed = value.trim();
  if (trimmed.includes(':') && isIPv6(trimmed)) add(trimmed.toLowerCase());
  return [...hosts];
}

/** [user@]host[:port] or [user@][ipv6][:port] -> the host, if it is a valid one. */
function hostOfAuthority(authority: string): string | null {
  let host = authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
  if (host.startsWith('[')) {
    host = host.slice(1, host.indexOf(']'));
    return isIPv6(host) ? host : null;
  }
  host = host.replace(/:\d*$/, '').replace(/\.$/, '');
  return validHostname(host) ? host : null;
}

/** A bare dotted word that names a host: lowercase, valid, under a listed top-level domain, not a property path. */
function bareName(word: string): string | null {
  if (!validHostname(word)) return null;
  const labels = word.split('.');
  if (KNOWN_HOSTS.has(word)) return word;
  if (!TLDS.has(labels[labels.length - 1]!)) return null;
  if (labels.length === 2 && CODE_WORDS.has(labels[0]!)) return null;
  return word;
}

function validHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  if (labels.every((l) => /^\d+$/.test(l))) return isIPv4(host);
  return labels.every((l) => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(l) && l.length <= 63);
}

/** Loopback, unspecified, netmask and reserved documentation names, which every test and README uses. */
function ignored(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '::') return true;
  if (isIPv4(host)) return /^(?:127|0)\./.test(host) || host.startsWith('255.255.');
  return /^(?:.+\.)?example\.(?:com|org|net)$/.test(host);
}
