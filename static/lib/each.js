// @ts-check

/**
 * An init(root) that sets up each element matching `selector` in the subtree (its root included) once: htmx
 * processes the page again after our first run, and a morphed subtree again with the elements it kept.
 * @template {Element} E
 * @param {string} selector
 * @param {(element: E) => void} setup
 * @returns {(root: Element) => void}
 */
export function each(selector, setup) {
  /** @type {WeakSet<Element>} */
  const done = new WeakSet();
  return (root) => {
    const found = [...(root.matches(selector) ? [root] : []), ...root.querySelectorAll(selector)];
    for (const element of found) {
      if (done.has(element)) continue;
      done.add(element);
      setup(/** @type {E} */ (element));
    }
  };
}
