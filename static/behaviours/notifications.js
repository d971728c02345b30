// @ts-check
import { each } from '../lib/each.js';
import { beep } from './sound.js';

// Browser notifications and the beep for a toast, and the settings' box for the browser's permission.

/**
 * Every open tab gets the toast; only one of them rings and shows the browser notification.
 * @param {string} id
 * @param {() => void} act
 */
function once(id, act) {
  const claim = () => {
    try {
      const seen = JSON.parse(localStorage.getItem('switchboard:notified') || '[]');
      if (seen.includes(id)) return;
      localStorage.setItem('switchboard:notified', JSON.stringify([...seen.slice(-49), id]));
    } catch {
      // No storage (a private window): every tab alerts.
    }
    act();
  };
  if (navigator.locks) navigator.locks.request('switchboard:notify', claim).catch(() => {});
  else claim();
}

/**
 * Rings and shows the browser notification for a new toast, as its person chose.
 * @param {HTMLElement} toast
 */
export function alertFor(toast) {
  const { toast: id = '', browser, sound, title = '', body, href = '/' } = toast.dataset;
  const wantsBrowser = browser === 'true' && 'Notification' in window && Notification.permission === 'granted';
  if (!wantsBrowser && sound !== 'true') return;
  once(id, () => {
    if (sound === 'true') beep();
    if (!wantsBrowser) return;
    try {
      const shown = new Notification(title, { body, tag: `switchboard-${id}`, icon: '/static/icons/icon-192.png' });
      shown.onclick = () => {
        window.focus();
        shown.close();
        window.location.assign(href);
      };
    } catch {
      // Some phones only show notifications from a service worker: the toast is there all the same.
    }
  });
}

/** @param {HTMLElement} box */
function showPermission(box) {
  const state = box.querySelector('[data-permission-state]');
  const ask = box.querySelector('[data-request-permission]');
  if (!(state instanceof HTMLElement) || !(ask instanceof HTMLElement)) return;
  const permission = 'Notification' in window ? Notification.permission : 'unsupported';
  box.hidden = false;
  state.textContent = state.dataset[permission] || state.dataset.default || '';
  ask.hidden = permission === 'granted' || permission === 'unsupported';
}

// Settings: the browser's permission for notifications, and the button that asks for it (the section is swapped
// in again after saving it).
export const init = each('[data-notify-permission]', (/** @type {HTMLElement} */ box) => {
  box.querySelector('[data-request-permission]')?.addEventListener('click', async () => {
    if (!('Notification' in window)) return;
    await Notification.requestPermission();
    showPermission(box);
  });
  showPermission(box);
});

/** The permission can change outside the page (the browser's site settings): whatever box is on the page shows it. */
export function listen() {
  navigator.permissions
    ?.query({ name: 'notifications' })
    .then((status) =>
      status.addEventListener('change', () => {
        for (const box of document.querySelectorAll('[data-notify-permission]'))
          if (box instanceof HTMLElement) showPermission(box);
      }),
    )
    .catch(() => {});
}
