// @ts-check
import { each } from '../lib/each.js';

// New conversation's To field as a combobox: htmx fills its listbox with saved contacts matching what is typed
// (one option a number); arrows move through them, Enter or a click picks one, Escape closes. Picking fills in the
// number and remembers the contact (the form's hidden `contact`); typing again forgets it. Without scripts the
// field takes a typed number.
export const init = each('[data-contact-picker]', (/** @type {HTMLInputElement} */ input) => {
  const listbox = document.getElementById(input.getAttribute('aria-controls') ?? '');
  const contact = input.form?.querySelector('[data-picked-contact]');
  const picked = document.getElementById('start-to-picked');
  if (!listbox || !(contact instanceof HTMLInputElement)) return;

  const options = () => [...listbox.querySelectorAll('[role="option"]')].filter((o) => o instanceof HTMLElement);
  /** @param {HTMLElement | null} option */
  const activate = (option) => {
    for (const o of options()) o.setAttribute('aria-selected', String(o === option));
    if (option) {
      input.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const close = () => {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    activate(null);
  };
  /** @param {HTMLElement} option */
  const pick = (option) => {
    input.value = option.dataset.number ?? '';
    contact.value = option.dataset.contact ?? '';
    if (picked) picked.textContent = option.dataset.picked ?? '';
    listbox.replaceChildren();
    close();
    input.focus();
  };

  // Each new answer: open when it holds options, nothing active until the arrows say so.
  new MutationObserver(() => {
    const open = options().length > 0 && document.activeElement === input;
    listbox.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    activate(null);
  }).observe(listbox, { childList: true });

  input.addEventListener('input', () => {
    contact.value = '';
    if (picked) picked.textContent = '';
  });
  input.addEventListener('keydown', (event) => {
    const all = options();
    if (listbox.hidden || all.length === 0) return;
    const at = all.findIndex((o) => o.getAttribute('aria-selected') === 'true');
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      activate(all[(at + step + all.length + (at === -1 && step === -1 ? 1 : 0)) % all.length] ?? null);
    } else if (event.key === 'Enter' && at !== -1) {
      event.preventDefault();
      pick(/** @type {HTMLElement} */ (all[at]));
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', close);
  // mousedown, not click: the field keeps its focus, so its blur does not close the list first.
  listbox.addEventListener('mousedown', (event) => {
    const option = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
    if (!(option instanceof HTMLElement)) return;
    event.preventDefault();
    pick(option);
  });
});
