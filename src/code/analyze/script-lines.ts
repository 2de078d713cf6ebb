/**
 * Shell, batch and PowerShell scripts (and scripts for other interpreters): each line through the
 * string classifier, for the kinds a script line can show. Comment lines are left out.
 */
import type { CapabilityKind } from '../model.js';
import type { Findings } from './findings.js';

const SCRIPT_KINDS = new Set<CapabilityKind>(['shell-command', 'host', 'credential-path', 'token-read', 'write-outside']);
const COMMENT = /^(?:#(?!!)|::|rem\b|<#)/i;

/** Scans `findings.text` line by line. */
export function scanScript(findings: Findings): void {
  const text = findings.text;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end).trim();
    if (line.length > 0 && !COMMENT.test(line)) {
      for (const hit of findings.classify(line)) if (SCRIPT_KINDS.has(hit.kind)) findings.add(hit.kind, hit.detail, start);
    }
    start = end + 1;
  }
}
