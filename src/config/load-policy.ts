import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { EMPTY_POLICY, validatePolicy, type Policy } from './policy.js';

export const POLICY_FILES = ['depguard.config.json', '.depguardrc.json'] as const;

/** Where the policy lives: an explicit --config, one of POLICY_FILES, or package.json#depguard. */
export type PolicyLocation = { readonly kind: 'file'; readonly file: string } | { readonly kind: 'package-json'; readonly file: string } | { readonly kind: 'none'; readonly dir: string };

export function locatePolicy(projectDir: string, explicit?: string): PolicyLocation {
  if (explicit) {
    if (!existsSync(explicit)) throw new ConfigError(`${explicit}: no such policy file`);
    return { kind: 'file', file: explicit };
  }
  const found = POLICY_FILES.map((f) => path.join(projectDir, f)).filter((f) => existsSync(f));
  if (found.length > 1) throw new ConfigError(`both ${found.map((f) => path.basename(f)).join(' and ')} exist in ${projectDir}: keep one`);
  if (found[0]) return { kind: 'file', file: found[0] };
  const pkg = path.join(projectDir, 'package.json');
  if (existsSync(pkg)) {
    const data = readJson(pkg);
    if (data && typeof data === 'object' && 'depguard' in data) return { kind: 'package-json', file: pkg };
  }
  return { kind: 'none', dir: projectDir };
}

export function loadPolicy(location: PolicyLocation, ruleIds: readonly string[]): Policy {
  switch (location.kind) {
    case 'none':
      return EMPTY_POLICY;
    case 'file':
      return validatePolicy(readJson(location.file), location.file, ruleIds);
    case 'package-json':
      return validatePolicy((readJson(location.file) as Record<string, unknown>).depguard, `${location.file} "depguard"`, ruleIds);
  }
}

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`${file}: cannot be read`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}
