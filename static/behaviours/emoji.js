// @ts-check
import { each } from '../lib/each.js';
import { post } from '../lib/post.js';

// The emoji picker puts its emoji at the cursor, and remembers it as recently used.
export const init = each('[data-insert-emoji]', (/** @type {HTMLElement} */ button) => {
  button.addEventListener('click', () => {
    const field = document.getElementById(button.dataset.target ?? '');
    const emoji = button.dataset.insertEmoji;
    if (!(field instanceof HTMLTextAreaElement) || !emoji) return;
    field.setRangeText(emoji, field.selectionStart, field.selectionEnd, 'end');
    field.focus();
    field.dispatchEvent(new Event('input', { bubbles: true }));
    void post('/emoji/recent', { emoji }, button.parentElement ?? button);
  });
});
