// @ts-check
import { each } from '../lib/each.js';
import { post } from '../lib/post.js';

// Pinned conversations reorder by drag and drop; the ↑/↓ buttons do the same from the keyboard. The server redraws
// the list live in every tab, so the order shown is always the stored one: a refused move leaves it as it was.

/** @type {HTMLElement | null} */
let dragged = null;

/**
 * @param {HTMLElement} list
 * @param {EventTarget | null} target
 * @returns {HTMLElement | null} the pinned row the event happened in
 */
function rowOf(list, target) {
  const row = target instanceof Element ? target.closest('[data-pin-id]') : null;
  return row instanceof HTMLElement && row.parentElement === list ? row : null;
}

export const init = each('[data-pin-list]', (/** @type {HTMLElement} */ list) => {
  list.addEventListener('dragstart', (event) => {
    dragged = rowOf(list, event.target);
    if (dragged && event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  });
  list.addEventListener('dragover', (event) => {
    if (dragged) event.preventDefault();
  });
  list.addEventListener('drop', (event) => {
    const over = rowOf(list, event.target);
    const id = dragged?.dataset.pinId;
    dragged = null;
    if (!over || !id) return;
    event.preventDefault();
    const index = [...list.children].indexOf(over);
    void post(`/conversations/${id}/pin/move`, { index: String(index) }, list);
  });
  list.addEventListener('dragend', () => {
    dragged = null;
  });
});
