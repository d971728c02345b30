// @ts-check

// The campaign page's recipients table follows the live progress: when a new progress section is swapped in (pushed
// by the socket, or after Pause/Resume/Cancel), the page hears "campaign:progress" and the table reads its own page
// again (hx-trigger on it, a second's delay gathering a burst into one request).

export function init(/** @type {Element} */ root) {
  if (root === document.body) return;
  if (!root.matches('[data-campaign-progress]') && !root.querySelector('[data-campaign-progress]')) return;
  document.body.dispatchEvent(new CustomEvent('campaign:progress'));
}
