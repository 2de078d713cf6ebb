import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ini from 'ini';
import { ConfigError } from '../errors.js';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

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
  if (sources.projectNpmrc !== null) Object.assign(merged, parseNpmrc(sources.projectNpmrc, env, path.join(sources.projectDir, '.npmrc')));
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

function readNpmrc(file: string, env: NodeJS.ProcessEnv): Record<string, string | boolean> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  return parseNpmrc(text, env, file);
}

function parseNpmrc(text: string, env: NodeJS.ProcessEnv, file: string): Record<string, string | boolean> {
  const parsed = ini.parse(text) as Record<string, unknown>;
  const out: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!isRelevant(key)) continue;
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
export function nerfDart(url: string): string {
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
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`cafile ${file} cannot be read`);
  }
}

/**
 * Registries a lockfile's `resolved` may point into: the configured ones (default and scoped),
 * and the public one under the names npm and Yarn write it with.
 */
export function registryUrls(config: RegistryConfig): string[] {
  const urls = new Set([DEFAULT_REGISTRY, 'https://registry.yarnpkg.com/', config.registry]);
  for (const [key, value] of Object.entries(config.options)) if (/^@[^:]+:registry$/.test(key) && typeof value === 'string') urls.add(value);
  return [...urls];
}
