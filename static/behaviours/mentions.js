// @ts-check
import { each } from '../lib/each.js';

// A teammate picked from the @suggestions replaces the half-typed @name at the end of the text.
export const init = each('[data-insert-mention]', (/** @type {HTMLElement} */ button) => {
  button.addEventListener('click', () => {
    const field = document.getElementById(button.dataset.target ?? '');
    if (!(field instanceof HTMLTextAreaElement)) return;
    field.value = field.value.replace(/@[\p{L}\p{N}_-]*$/u, () => `@${button.dataset.insertMention} `);
    button.closest('ul')?.remove();
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  });
});
