// @ts-check

// Reply or note: with JavaScript one form shows at a time and a switch above it changes which. Without, both show.

/** @type {'reply' | 'note'} */
let mode = 'reply';

function apply() {
  const reply = document.getElementById('composer');
  const note = document.getElementById('note-form');
  if (!reply || !note) return;
  reply.hidden = mode === 'note';
  note.hidden = mode === 'reply';
}

// Either form is redrawn after it is used (and a page may bring both): the choice stays.
export function init() {
  apply();
}

export function listen() {
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-compose-switch]') : null;
    if (!(target instanceof HTMLElement)) return;
    mode = target.dataset.composeSwitch === 'note' ? 'note' : 'reply';
    apply();
    document.getElementById(mode === 'note' ? 'note-body' : 'reply-body')?.focus();
  });
}
