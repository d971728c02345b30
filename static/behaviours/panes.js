// @ts-check

// The conversations workspace: picking a conversation swaps only the middle pane (htmx, hx-push-url). The list
// beside it marks the open one; back and forward let htmx draw the pane of the URL they return to, which it does
// only for history entries it knows, so the page's own first entry is made one of them.

/** The list rows' links to the conversation shown, marked as the current one; the others not. */
function markOpen() {
  const open = /^\/conversations\/(\d+)$/.exec(location.pathname)?.[1];
  for (const link of document.querySelectorAll('.list-rows a[href^="/conversations/"]')) {
    const id = /^\/conversations\/(\d+)(?:[?#]|$)/.exec(link.getAttribute('href') ?? '')?.[1];
    if (id === undefined) continue;
    if (id === open) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

export function listen() {
  if (document.querySelector('[hx-history-elt]') && history.state === null) history.replaceState({ htmx: true }, '');
  document.addEventListener('htmx:after:swap', markOpen);
}

export function init() {
  markOpen();
}
