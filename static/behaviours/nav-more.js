// @ts-check

// On a phone the navigation is a tab bar; "More" opens the rest of it above the tabs (the stylesheet draws what
// `more-open` shows). Escape, or following a link, closes it.

/** @param {Element | null} nav @param {boolean} open */
function setOpen(nav, open) {
  if (!nav) return;
  nav.classList.toggle('more-open', open);
  nav.querySelector('[data-nav-more]')?.setAttribute('aria-expanded', String(open));
}

export function listen() {
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const toggle = target?.closest('[data-nav-more]');
    if (toggle) {
      const nav = toggle.closest('nav');
      setOpen(nav, !nav?.classList.contains('more-open'));
    } else if (target?.closest('.more-open a')) {
      setOpen(target.closest('nav'), false);
    }
  });
}

/** @param {KeyboardEvent} event */
export function keydown(event) {
  if (event.key !== 'Escape') return;
  const nav = document.querySelector('nav.more-open');
  if (!nav) return;
  setOpen(nav, false);
  const toggle = nav.querySelector('[data-nav-more]');
  if (toggle instanceof HTMLElement) toggle.focus();
}
