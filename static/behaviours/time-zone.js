// @ts-check
import { each } from '../lib/each.js';

// Signing in tells the server the browser's time zone: from the first sign-in on, times are shown in it.
export const init = each('input[data-browser-time-zone]', (/** @type {HTMLInputElement} */ input) => {
  input.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
});
