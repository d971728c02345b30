// @ts-check
import { each } from '../lib/each.js';

/**
 * Which key sends is the user's setting, on the form as data-send-key: "enter" (Shift+Enter starts a new line) or
 * "ctrl_enter" (Enter starts a new line). Ctrl/Cmd+Enter sends in both, and in any other form's textarea.
 * @param {KeyboardEvent} event
 */
export function keydown(event) {
  if (event.key !== 'Enter' || event.isComposing) return;
  const field = event.target;
  // Search boxes inside the composer search as you type: Enter must not send the half-written message.
  if (field instanceof HTMLInputElement && field.type === 'search' && field.form?.hasAttribute('data-composer')) {
    event.preventDefault();
    return;
  }
  if (!(field instanceof HTMLTextAreaElement) || !field.form) return;
  const modified = event.ctrlKey || event.metaKey;
  const enterSends = field.form.dataset.sendKey === 'enter' && !event.shiftKey && !event.altKey;
  if (!modified && !enterSends) return;
  event.preventDefault();
  field.form.requestSubmit();
}

// After a canned reply is put into the draft, writing goes on at its end.
export const init = each('textarea[data-focus-end]', (/** @type {HTMLTextAreaElement} */ field) => {
  field.removeAttribute('data-focus-end');
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
});
