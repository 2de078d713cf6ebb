import type { Severity } from '../severity.js';

/**
 * Where only three levels exist (SARIF results, GitHub annotations): high and critical are
 * errors, medium a warning, low and info a note.
 */
export function alertLevel(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'note';
}
