import os from 'node:os';
import path from 'node:path';
import ini from 'ini';
import { ConfigError } from '../errors.js';
import { readRegularFile } from '../files.js';

const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/** Registry settings in the flat shape npm-registry-fetch (under pacote) reads. */
export interface RegistryConfig {
  readonly registry: string;
  /** Everything else pacote needs: `@scope:registry`, `//host/:_authToken`, TLS settings. */
  readonly options: Readonly<Record<string, string | boolean>>;
}

export interface NpmrcSources {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** --registry */
  readonly registry?: string;
  /** The project's .npmrc text (null: none), as the caller decided it can be trusted. */
  readonly projectNpmrc: string | null;
  /**
   * Whether the project .npmrc was checked against a base: the base revision's copy, or a file
   * git does not track (a developer's own). Then it is read as npm reads it. Otherwise (two
   * lockfile files, an audit) it may be the change's own: where to connect (registries,
   * proxies, TLS) is not taken from it, and an unscoped token goes only to the registry the
   * same file names, which is used only if the user's configuration chose it too.
   */
  readonly projectNpmrcChecked: boolean;
}

/** Keys depguard takes from .npmrc; everything else there is npm's business. */
function isRelevant(key: string): boolean {
  return (
    key === 'registry' ||
    /^@[^:]+:registry$/.test(key) ||
    key.startsWith('//') ||
    ['_auth', '_authToken', 'strict-ssl', 'ca', 'cafile', 'proxy', 'https-proxy', 'noproxy'].includes(key)
  );
}

/**
 * Reads registry, scoped registries and credentials the way npm does: user config (~/.npmrc or
 * $npm_config_userconfig), then the project's .npmrc, then npm_config_* environment variables,
 * then flags; later wins. `${VAR}` in values is replaced from the environment, as npm does.
 */
export function readRegistryConfig(sources: NpmrcSources): RegistryConfig {
  const { env } = sources;
  const merged: Record<string, string | boolean> = {};
  const userconfig = env.npm_config_userconfig ?? env.NPM_CONFIG_USERCONFIG ?? path.join(env.HOME ?? os.homedir(), '.npmrc');
  Object.assign(merged, readNpmrc(userconfig, env));
  if (sources.projectNpmrc !== null) {
    const file = path.join(sources.projectDir, '.npmrc');
    Object.assign(
      merged,
      sources.projectNpmrcChecked ? parseNpmrc(sources.projectNpmrc, env, file) : credentialsOnly(sources.projectNpmrc, env, file),
    );
  }
  for (const [rawKey, value] of Object.entries(env)) {
    if (value === undefined || !/^npm_config_/i.test(rawKey)) continue;
    const key = rawKey.slice('npm_config_'.length).toLowerCase().replace(/_/g, '-');
    const restored = key.startsWith('//') ? rawKey.slice('npm_config_'.length) : key;
    if (isRelevant(restored)) merged[restored] = value;
  }
  if (sources.registry !== undefined) merged.registry = sources.registry;

  const registry = withSlash(String(merged.registry ?? DEFAULT_REGISTRY));
  checkUrl(registry, '--registry / registry');
  const options: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (key === 'registry') continue;
    if (/^@[^:]+:registry$/.test(key)) {
      checkUrl(String(value), key);
      options[key] = withSlash(String(value));
    } else if (key === '_authToken' || key === '_auth') {
      // unscoped credentials belong to the default registry only
      options[`${nerfDart(registry)}:${key}`] = value;
    } else if (key === 'strict-ssl') {
      options.strictSSL = value !== false && value !== 'false';
    } else if (key === 'cafile') {
      options.ca = readCa(String(value));
    } else if (key === 'https-proxy' || key === 'proxy' || key === 'noproxy') {
      options[key === 'noproxy' ? 'noProxy' : 'proxy'] = String(value);
    } else {
      options[key] = value;
    }
  }
  return { registry, options };
}

/** The user's own configuration files are at most this large. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

function readNpmrc(file: string, env: NodeJS.ProcessEnv): Record<string, string | boolean> {
  const text = readRegularFile(file, { maxBytes: MAX_CONFIG_BYTES });
  return text === null ? {} : parseNpmrc(text, env, file);
}

/** Settings a token may be bound by, host by host: all an unchecked .npmrc may give. */
const HOST_CREDENTIALS = ['_authToken', '_auth', 'username', '_password'];

/**
 * From an .npmrc nobody vouched for: credentials for named hosts (`//host/:_authToken`) and an
 * unscoped token bound to the registry the same file names; nothing that says where to connect.
 */
function credentialsOnly(text: string, env: NodeJS.ProcessEnv, file: string): Record<string, string | boolean> {
  const named = (ini.parse(text) as Record<string, unknown>).registry;
  let dart: string | null = null;
  try {
    if (typeof named === 'string') dart = nerfDart(withSlash(named));
  } catch {
    // not a URL: its unscoped token goes nowhere
  }
  const out: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(
    parseNpmrc(
      text,
      env,
      file,
      (k) =>
        (k.startsWith('//') && HOST_CREDENTIALS.includes(k.slice(k.lastIndexOf(':') + 1))) ||
        ((k === '_authToken' || k === '_auth') && dart !== null),
    ),
  )) {
    out[key.startsWith('//') ? key : `${dart}:${key}`] = value;
  }
  return out;
}

function parseNpmrc(
  text: string,
  env: NodeJS.ProcessEnv,
  file: string,
  keep: (key: string) => boolean = isRelevant,
): Record<string, string | boolean> {
  const parsed = ini.parse(text) as Record<string, unknown>;
  const out: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!keep(key)) continue;
    if (typeof value === 'string') out[key] = substituteEnv(value, env, file, key);
    else if (typeof value === 'boolean') out[key] = value;
  }
  return out;
}

function substituteEnv(value: string, env: NodeJS.ProcessEnv, file: string, key: string): string {
  return value.replace(/(\\*)\$\{([^}]+)\}/g, (whole, escapes: string, name: string) => {
    if (escapes.length % 2 === 1) return whole.slice(1);
    const replacement = env[name];
    if (replacement === undefined) throw new ConfigError(`${file}: ${key} uses \${${name}}, which is not set in the environment`);
    return escapes.slice(escapes.length / 2) + replacement;
  });
}

/** npm's "nerf dart": the registry URL without protocol, e.g. //registry.npmjs.org/ */
function nerfDart(url: string): string {
  const u = new URL(url);
  return `//${u.host}${u.pathname.replace(/[^/]*$/, '')}`;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function checkUrl(url: string, key: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${key} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${key} must be an http(s) URL`);
}

function readCa(file: string): string {
  const text = readRegularFile(file, { maxBytes: MAX_CONFIG_BYTES, label: `cafile ${file}` });
  if (text === null) throw new ConfigError(`cafile ${file} cannot be read`);
  return text;
}

/**
 * Registries a lockfile's `resolved` may point into: the configured ones (default and scoped),
 * and the public one under the names npm and Yarn write it with.
 */
export function registryUrls(config: RegistryConfig): string[] {
  const urls = new Set([DEFAULT_REGISTRY, 'https://registry.yarnpkg.com/', config.registry]);
  for (const [key, value] of Object.entries(config.options))
    if (/^@[^:]+:registry$/.test(key) && typeof value === 'string') urls.add(value);
  return [...urls];
}

/** The registry configured for the name's scope, else the default one; always ending in '/'. */
export function registryFor(config: RegistryConfig, name: string): string {
  const scoped = name.startsWith('@') ? config.options[`${name.split('/')[0]}:registry`] : undefined;
  const url = typeof scoped === 'string' ? scoped : config.registry;
  return withSlash(url);
}

/**
 * The Authorization header npm would send with a request to `url`, as npm-registry-fetch finds
 * it (lib/auth.js, regFromURI): the credentials configured for the longest prefix of
 * `//host/path` that has some, a token before `_auth` before `username` and `_password`. Keys
 * name their host, so nothing configured for one host is sent to another.
 */
export function authorizationFor(config: RegistryConfig, url: string): string | undefined {
  const parsed = new URL(url);
  const opts = config.options;
  let key = `//${parsed.host}${parsed.pathname}`;
  while (key.length > '//'.length) {
    const token = opts[`${key}:_authToken`];
    if (typeof token === 'string' && token !== '') return `Bearer ${token}`;
    const auth = opts[`${key}:_auth`];
    if (typeof auth === 'string' && auth !== '') return `Basic ${auth}`;
    const username = opts[`${key}:username`];
    const password = opts[`${key}:_password`];
    if (typeof username === 'string' && typeof password === 'string' && username !== '' && password !== '') {
      const plain = Buffer.from(password, 'base64').toString('utf8');
      return `Basic ${Buffer.from(`${username}:${plain}`, 'utf8').toString('base64')}`;
    }
    // `//host/a/b/` -> `//host/a/b` -> `//host/a/` ...: either form may hold the credentials
    key = key.replace(/([^/]+|\/)$/, '');
  }
  return undefined;
}
