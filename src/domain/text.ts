import type { MessageKey } from '../i18n/index.ts';
import { invalid } from './errors.ts';

/** A one-line name as people type it: trimmed, inner runs of white space folded, length-checked. */
export function cleanLine(raw: unknown, max: number, key: MessageKey, field: string): string {
  const text = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (text.length < 1 || text.length > max) throw invalid(key, field);
  return text;
}
