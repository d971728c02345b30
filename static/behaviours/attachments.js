// @ts-check
import { each } from '../lib/each.js';

// Files chosen for a reply survive a redraw of the composer (a canned reply put into the draft, a survey sent);
// only sending the reply itself starts the next one without them.

/** @type {FileList | null} */
let kept = null;

export const init = each('input[type="file"][data-keep-files]', (/** @type {HTMLInputElement} */ input) => {
  if (kept && input.files?.length === 0) input.files = kept;
  kept = null;
  const form = input.form;
  // Every request from inside the composer announces its swap on the way up.
  form?.addEventListener('htmx:before:swap', (event) => {
    kept = input.files?.length && event.detail.ctx.sourceElement !== form ? input.files : null;
  });
});
