// @ts-check
import { post } from '../lib/post.js';

// *Call* and *Start a meeting* are plain links the browser opens itself (a tel: link hands the number to the
// phone app; the meeting opens in a new tab). Following one is reported here, so the timeline records a call
// only when one was started. A middle click opens the meeting too.

/** @param {MouseEvent} event */
function report(event) {
  if (event.defaultPrevented || event.button > 1) return;
  const link = event.target instanceof Element ? event.target.closest('a[data-log-call]') : null;
  if (!(link instanceof HTMLAnchorElement) || !link.dataset.logCall) return;
  void post(link.dataset.logCall, { kind: link.dataset.kind ?? 'call' }, link);
}

export function listen() {
  document.addEventListener('click', report);
  document.addEventListener('auxclick', report);
}
