// @ts-check
import { each } from '../lib/each.js';

// A header menu redrawn with a refusal in it (a tag that cannot be added) opens again, at the field that was refused.
export const init = each('[popover] [data-open-menu]', (/** @type {HTMLElement} */ field) => {
  const menu = /** @type {HTMLElement} */ (field.closest('[popover]'));
  if (!menu.matches(':popover-open')) menu.showPopover();
  field.focus();
});
