// @ts-check

// `/` goes to the search box in the top bar (as on GitHub and Gmail), its words selected to type over. Never while
// typing in a field, never with Ctrl, Alt or Meta, never behind an open dialog: there `/` stays a character.

/** @param {EventTarget | null} target */
function isTyping(target) {
  return target instanceof Element && target.closest('input, textarea, select, [contenteditable]') !== null;
}

/** @param {KeyboardEvent} event */
export function keydown(event) {
  if (event.key !== '/' || event.defaultPrevented || event.isComposing) return;
  if (event.ctrlKey || event.altKey || event.metaKey || isTyping(event.target)) return;
  if (document.querySelector('dialog[open]')) return;
  const box = document.querySelector('input[data-search-box]');
  if (!(box instanceof HTMLInputElement)) return;
  event.preventDefault();
  box.focus();
  box.select();
}
