// @ts-check

// Keyboard shortcuts for working through conversations: j/k move through the list's rows (focus on the row's link,
// so Enter opens it as a click would), e closes and a assigns to me the open conversation (the header's own forms,
// found by their data-shortcut hooks), r goes to the reply box, ? opens the help. Never while typing in a field,
// never with Ctrl, Alt or Meta (the browser's and the system's shortcuts stay theirs).

/** @param {EventTarget | null} target */
function isTyping(target) {
  return target instanceof Element && target.closest('input, textarea, select, [contenteditable]') !== null;
}

/** The rows' links in the order they show: the pinned ones, then the list. */
function rowLinks() {
  return /** @type {HTMLAnchorElement[]} */ ([...document.querySelectorAll('a[data-row-link]')]).filter(
    (link) => link.getClientRects().length > 0,
  );
}

/** @param {number} step 1 for the next row, -1 for the one before */
function move(step) {
  const links = rowLinks();
  if (links.length === 0) return false;
  let at = links.findIndex((link) => link === document.activeElement);
  // Not on a row yet: start from the conversation open beside the list, if it is in it.
  if (at === -1) at = links.findIndex((link) => link.pathname === location.pathname);
  const next = at === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(at + step, 0), links.length - 1);
  links[next]?.focus();
  links[next]?.scrollIntoView({ block: 'nearest' });
  return true;
}

/** @param {string} hook the form's data-shortcut */
function submit(hook) {
  const form = document.querySelector(`form[data-shortcut="${hook}"]`);
  if (!(form instanceof HTMLFormElement)) return false;
  form.requestSubmit();
  return true;
}

function reply() {
  const box = document.querySelector('form[data-composer] textarea');
  if (!(box instanceof HTMLTextAreaElement)) return false;
  box.focus();
  return true;
}

function help() {
  const dialog = document.getElementById('shortcuts-help');
  if (!(dialog instanceof HTMLDialogElement) || dialog.open) return false;
  dialog.showModal();
  return true;
}

/** @type {Record<string, () => boolean>} */
const keys = {
  j: () => move(1),
  k: () => move(-1),
  e: () => submit('close'),
  a: () => submit('assign-me'),
  r: reply,
  '?': help,
};

/** @param {KeyboardEvent} event */
export function keydown(event) {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.altKey || event.metaKey) return;
  if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
  const action = Object.hasOwn(keys, event.key) ? keys[event.key] : undefined;
  if (action?.()) event.preventDefault();
}
