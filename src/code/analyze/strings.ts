/**
 * What a string literal says about the code holding it: hosts it talks to, commands it runs,
 * credentials and places it names, addresses, token variables and hidden payloads. Pure and
 * bounded: only the first 64 KiB of a string is read, every pattern runs in linear time, and
 * each capability is reported once per string.
 */
import type { CapabilityKind } from '../model.js';
import { findBlob } from './blob.js';
import { cryptoCurrency } from './crypto.js';
import { hostsIn } from './hosts.js';
import { pathHits } from './paths.js';
import { shellCommands } from './shell.js';

/** One capability a string shows; `detail` is coarse so that the same capability in two versions compares equal. */
export interface StringHit {
  readonly kind: CapabilityKind;
  readonly detail: string;
}

/** How much of a string is read. */
const MAX_CHARS = 64 * 1024;

/** Environment variable references in a script line: $NAME, ${NAME}, %NAME%, $env:NAME. */
const VARIABLE_REFERENCE = /\$env:([A-Z_][A-Z0-9_]*)|\$\{?([A-Z_][A-Z0-9_]*)|%([A-Z_][A-Z0-9_]*)%/gi;

/**
 * What a string literal's value (or one line of a shell script) says: hosts, shell commands,
 * credential paths, token variable names, write targets outside the package, cryptocurrency
 * addresses and high-entropy blobs. Looks at most at the first 64 KiB; linear time.
 */
export function classifyString(value: string): StringHit[] {
  const text = value.length > MAX_CHARS ? value.slice(0, MAX_CHARS) : value;
  const hits: StringHit[] = [];
  const add = (kind: CapabilityKind, detail: string) => {
    if (!hits.some((h) => h.kind === kind && h.detail === detail)) hits.push({ kind, detail });
  };
  for (const host of hostsIn(text)) add('host', host);
  for (const command of shellCommands(text)) add('shell-command', command);
  const paths = pathHits(text);
  for (const detail of paths.credentials) add('credential-path', detail);
  for (const detail of paths.outside) add('write-outside', detail);
  for (const name of tokenVariables(text)) add('token-read', name);
  const currency = cryptoCurrency(text.trim());
  if (currency) add('crypto-address', currency);
  const blob = findBlob(text);
  if (blob) add('high-entropy', blob.detail);
  return hits;
}

/** The secret variables a string is (exactly) or references as a shell or PowerShell variable. */
function tokenVariables(text: string): string[] {
  if (secretVariable(text)) return [text];
  const names = new Set<string>();
  for (const m of text.matchAll(VARIABLE_REFERENCE)) {
    const name = m[1] ?? m[2] ?? m[3]!;
    if (secretVariable(name)) names.add(name);
  }
  return [...names];
}

/** Secrets by name, beyond what the suffixes below catch. */
const SECRETS = new Set([
  'GITHUB_PAT',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'SLACK_WEBHOOK',
  'SLACK_WEBHOOK_URL',
  'DISCORD_WEBHOOK',
  'DISCORD_WEBHOOK_URL',
  'PGPASSWORD',
  'MYSQL_PWD',
  'API_KEY',
  'SECRET_KEY',
]);

/** Name endings of secrets: NPM_TOKEN, CLIENT_SECRET, OPENAI_API_KEY, DB_PASSWORD, SSH_PRIVATE_KEY. */
const SECRET_SUFFIX = /.+_(?:TOKEN|SECRET|SECRET_KEY|API_KEY|APIKEY|PASSWORD|PASSWD|PRIVATE_KEY|ACCESS_KEY)$/;

/** Parser and protocol constants that end like secrets: UNEXPECTED_TOKEN, INVALID_HEADER_TOKEN. */
const CONSTANT_PREFIX = /^(?:UNEXPECTED|EXPECTED|INVALID|MISSING|UNKNOWN|BAD|EMPTY|EOF|END|START)_/;

/**
 * A token / credential environment variable name: NPM_TOKEN, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY,
 * AZURE_CLIENT_SECRET, GOOGLE_APPLICATION_CREDENTIALS, OPENAI_API_KEY, any *_TOKEN, *_SECRET,
 * *_API_KEY, *_PASSWORD, *_PRIVATE_KEY. Upper-case names only, as environment variables are
 * written; AWS_REGION, AWS_PROFILE, NODE_ENV, PATH, npm_config_* and the like are not secrets.
 */
export function secretVariable(name: string): boolean {
  if (name.length > 100 || !/^[A-Z][A-Z0-9_]*$/.test(name)) return false;
  if (CONSTANT_PREFIX.test(name)) return false;
  if (SECRETS.has(name) || SECRET_SUFFIX.test(name)) return true;
  const segments = name.split('_');
  if (segments.includes('SECRET') || segments.includes('SECRETS')) return true;
  if (segments[0] === 'AWS' || segments[0] === 'GCP' || segments[0] === 'GOOGLE') {
    return segments.some((s) => s === 'KEY' || s === 'TOKEN' || s === 'CREDENTIALS' || s === 'PASSWORD');
  }
  return false;
}
