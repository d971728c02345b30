// @ts-check
import { each } from '../lib/each.js';

/** A little less than the server's window (UNDO_MS), so that an Undo still shown is an Undo that works. */
const SHOWN_MS = 10_000;

// "Marked as spam · Undo" leaves by itself after a few seconds, but not while the pointer or the focus is on it,
// and at once when its Undo is sent.
export const init = each('[data-undo-toast]', (/** @type {HTMLElement} */ toast) => {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const start = () => {
    clearTimeout(timer);
    timer = setTimeout(() => toast.remove(), SHOWN_MS);
  };
  const hold = () => clearTimeout(timer);
  toast.addEventListener('pointerenter', hold);
  toast.addEventListener('pointerleave', start);
  toast.addEventListener('focusin', hold);
  toast.addEventListener('focusout', start);
  toast.querySelector('form')?.addEventListener('submit', () => {
    hold();
    // After htmx has taken the form's values: the toast goes, the header comes back as it was.
    setTimeout(() => toast.remove());
  });
  start();
});
