// @ts-check
import { each } from '../lib/each.js';
import { post } from '../lib/post.js';

// Pinned conversations reorder by drag and drop; the ↑/↓ buttons do the same from the keyboard. The server redraws
// the list live in every tab, so the order shown is always the stored one: a refused move leaves it as it was.
//
// The drag carries only the pin's id under our own type, never the row link's URL: a drop that misses (between rows,
// or onto a list redrawn live mid-drag) then does nothing, where a dropped link would make the browser open it.

const PIN = 'application/x-switchboard-pin';

/**
 * @param {HTMLElement} list
 * @param {EventTarget | null} target
 * @returns {HTMLElement | null} the pinned row the event happened in
 */
function rowOf(list, target) {
  const row = target instanceof Element ? target.closest('[data-pin-id]') : null;
  return row instanceof HTMLElement && row.parentElement === list ? row : null;
}

/** @param {DragEvent} event */
const carriesPin = (event) => event.dataTransfer?.types.includes(PIN) === true;

export const init = each('[data-pin-list]', (/** @type {HTMLElement} */ list) => {
  list.addEventListener('dragstart', (event) => {
    const id = rowOf(list, event.target)?.dataset.pinId;
    if (!id || !event.dataTransfer) return;
    event.dataTransfer.clearData();
    event.dataTransfer.setData(PIN, id);
    event.dataTransfer.effectAllowed = 'move';
  });
  list.addEventListener('dragover', (event) => {
    if (carriesPin(event)) event.preventDefault();
  });
  list.addEventListener('drop', (event) => {
    if (!carriesPin(event)) return;
    event.preventDefault();
    const id = event.dataTransfer?.getData(PIN);
    const over = rowOf(list, event.target);
    if (!over || !id) return;
    const index = [...list.children].indexOf(over);
    void post(`/conversations/${id}/pin/move`, { index: String(index) }, list);
  });
});
