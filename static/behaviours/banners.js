// @ts-check
import { each } from '../lib/each.js';

// The sandbox banner can be dismissed for good in this browser: a cookie tells the server not to draw it again
// (src/plugins/render.ts reads the same name), so it does not flash on the next page.

const COOKIE = 'sandbox_banner';

export const init = each('[data-banner]', (/** @type {HTMLElement} */ banner) => {
  const dismiss = banner.querySelector('[data-banner-dismiss]');
  if (!(dismiss instanceof HTMLButtonElement)) return;
  dismiss.hidden = false;
  dismiss.addEventListener('click', () => {
    document.cookie = `${COOKIE}=dismissed; path=/; max-age=31536000; samesite=lax`;
    banner.remove();
    document.getElementById('main')?.focus();
  });
});
