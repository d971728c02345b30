// @ts-check

/**
 * Starts the behaviours: their document-level listeners once, one keydown listener that shows every key press to
 * each of them, and their init(root) for the page and then for every subtree htmx swaps in. htmx:after:process
 * (what htmx.onLoad listens to) fires on each new piece of content, the live socket's fragments included; pages
 * without htmx (sign-in) have only the first run.
 * @param {Behaviour[]} behaviours
 */
export function start(behaviours) {
  for (const behaviour of behaviours) behaviour.listen?.();
  document.addEventListener('keydown', (event) => {
    for (const behaviour of behaviours) behaviour.keydown?.(event);
  });
  /** @param {Element} root */
  const init = (root) => {
    for (const behaviour of behaviours) behaviour.init?.(root);
  };
  document.addEventListener('htmx:after:process', (event) => {
    if (event.target instanceof Element) init(event.target);
  });
  init(document.body);
}
