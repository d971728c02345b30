// @ts-check
import { each } from '../lib/each.js';

// Formatting: the toolbar and the usual shortcuts write the Markdown markers around the selection.

/** @typedef {'bold' | 'italic' | 'strike' | 'link' | 'bullets' | 'numbers'} Kind */

/** @type {Partial<Record<Kind, [string, string]>>} */
const MARKERS = { bold: ['**', '**'], italic: ['_', '_'], strike: ['~~', '~~'] };

/** @type {Record<string, Kind>} */
const SHORTCUTS = {
  b: 'bold',
  i: 'italic',
  k: 'link',
  x: 'strike',
  '*': 'bullets',
  8: 'bullets',
  '&': 'numbers',
  7: 'numbers',
};

/**
 * @param {HTMLTextAreaElement} field
 * @param {Kind} kind
 */
function format(field, kind) {
  const { selectionStart: start, selectionEnd: end, value } = field;
  const selected = value.slice(start, end);
  const markers = MARKERS[kind];
  if (markers) {
    const [open, close] = markers;
    field.setRangeText(open + selected + close, start, end, 'end');
    if (!selected) field.setSelectionRange(start + open.length, start + open.length);
  } else if (kind === 'link') {
    const text = selected || 'link';
    field.setRangeText(`[${text}](https://)`, start, end, 'end');
    // The URL part is selected, ready to be typed over.
    const urlStart = start + text.length + 3;
    field.setSelectionRange(urlStart, urlStart + 'https://'.length);
  } else {
    const lineStart = value.lastIndexOf('\n', start - 1) + 1;
    const lines = value.slice(lineStart, end).split('\n');
    const listed = lines.map((line, i) => (kind === 'bullets' ? '- ' : `${i + 1}. `) + line).join('\n');
    field.setRangeText(listed, lineStart, end, 'end');
  }
  field.focus();
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * @param {string | undefined} kind
 * @returns {kind is Kind}
 */
const isKind = (kind) =>
  kind !== undefined && (kind in MARKERS || kind === 'link' || kind === 'bullets' || kind === 'numbers');

export const init = each('[data-format-for]', (/** @type {HTMLElement} */ bar) => {
  bar.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-format]') : null;
    const field = document.getElementById(bar.dataset.formatFor ?? '');
    const kind = button instanceof HTMLElement ? button.dataset.format : undefined;
    if (isKind(kind) && field instanceof HTMLTextAreaElement) format(field, kind);
  });
});

/** @param {KeyboardEvent} event */
export function keydown(event) {
  const field = event.target;
  if (!(event.ctrlKey || event.metaKey) || !(field instanceof HTMLTextAreaElement) || !field.id) return;
  if (!document.querySelector(`[data-format-for="${CSS.escape(field.id)}"]`)) return;
  const kind = SHORTCUTS[event.key.toLowerCase()];
  // Strikethrough and the lists need Shift, so that Ctrl+X (cut) and Ctrl+7/8 stay the browser's.
  const needsShift = kind === 'strike' || kind === 'bullets' || kind === 'numbers';
  if (!kind || needsShift !== event.shiftKey) return;
  event.preventDefault();
  format(field, kind);
}
