// @ts-check
/**
 * "Show earlier messages" brings a page that starts its last day again: the day already has its separator further
 * down, above the items that were there first. The earlier page's one is above all of the day's items, so it stays
 * and the later one goes. (Live items bring their day's separator too, but by its id they replace the one shown.)
 * @param {Element} timeline
 */
function dropRepeatedDays(timeline) {
  /** @type {Set<string>} */
  const seen = new Set();
  for (const separator of timeline.querySelectorAll(':scope > [data-day]')) {
    const day = /** @type {HTMLElement} */ (separator).dataset.day ?? '';
    if (seen.has(day)) separator.remove();
    seen.add(day);
  }
}

// On every swap into a timeline (a page, an earlier page, a pushed item), whatever the swapped root was.
export function init(/** @type {Element} */ root) {
  const timeline = root.closest('.timeline');
  if (timeline) dropRepeatedDays(timeline);
  else for (const found of root.querySelectorAll('.timeline')) dropRepeatedDays(found);
}
