// @ts-check
import { each } from '../lib/each.js';
import { alertFor } from './notifications.js';

const TOAST_MS = 10_000;

// Toasts leave by themselves after a while, but not while the pointer or the focus is on them.
export const init = each('[data-toast]', (/** @type {HTMLElement} */ toast) => {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const start = () => {
    clearTimeout(timer);
    timer = setTimeout(() => toast.remove(), TOAST_MS);
  };
  const hold = () => clearTimeout(timer);
  toast.addEventListener('pointerenter', hold);
  toast.addEventListener('pointerleave', start);
  toast.addEventListener('focusin', hold);
  toast.addEventListener('focusout', start);
  toast.querySelector('[data-dismiss-toast]')?.addEventListener('click', () => toast.remove());
  start();
  alertFor(toast);
});
