// @ts-check
import { each } from '../lib/each.js';

/** @param {KeyboardEvent} event */
export function keydown(event) {
  if (event.key !== 'Enter') return;
  const field = event.target;
  // Search boxes inside the composer search as you type: Enter must not send the half-written message.
  if (field instanceof HTMLInputElement && field.type === 'search' && field.form?.hasAttribute('data-composer')) {
    event.preventDefault();
    return;
  }
  // Ctrl/Cmd+Enter sends the message being written.
  if (!(event.ctrlKey || event.metaKey) || !(field instanceof HTMLTextAreaElement) || !field.form) return;
  event.preventDefault();
  field.form.requestSubmit();
}

// After a canned reply is put into the draft, writing goes on at its end.
export const init = each('textarea[data-focus-end]', (/** @type {HTMLTextAreaElement} */ field) => {
  field.removeAttribute('data-focus-end');
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
});
