// @ts-check
import { each } from '../lib/each.js';
import { csrfToken } from '../lib/post.js';

// The service worker (app shell offline, notifications with no tab open), and Settings' "Notifications on this
// device": the browser's permission, its push subscription, and the server's copy of it.

/** @typedef {'unsupported' | 'denied' | 'on' | 'off' | 'failed'} DeviceState */

/**
 * Tells the server of this device's subscription, or that it is gone.
 * @param {'POST' | 'DELETE'} method
 * @param {Record<string, string>} fields
 */
async function send(method, fields) {
  const response = await fetch('/push/subscriptions', {
    method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrfToken() },
    body: new URLSearchParams(fields),
  });
  if (!response.ok) throw new Error(`${method} /push/subscriptions: HTTP ${response.status}`);
}

const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** @returns {Promise<PushSubscription | null>} */
async function current() {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** @param {string} key the server's VAPID public key, base64url */
async function turnOn(key) {
  if ((await Notification.requestPermission()) !== 'granted') return;
  const registration = await navigator.serviceWorker.ready;
  const bytes = Uint8Array.from(atob(key.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes });
  const { endpoint, keys } = subscription.toJSON();
  await send('POST', { endpoint: endpoint ?? '', p256dh: keys?.p256dh ?? '', auth: keys?.auth ?? '' });
}

async function turnOff() {
  const subscription = await current();
  if (!subscription) return;
  await send('DELETE', { endpoint: subscription.endpoint });
  await subscription.unsubscribe();
}

/**
 * @param {HTMLElement} box
 * @param {DeviceState} state
 */
function show(box, state) {
  const text = box.querySelector('[data-device-state]');
  const on = box.querySelector('[data-device-on]');
  const off = box.querySelector('[data-device-off]');
  if (!(text instanceof HTMLElement) || !(on instanceof HTMLElement) || !(off instanceof HTMLElement)) return;
  box.hidden = false;
  text.textContent = text.dataset[state] ?? '';
  on.hidden = state !== 'off' && state !== 'failed';
  off.hidden = state !== 'on';
}

/** @param {HTMLElement} box */
async function refresh(box) {
  if (!supported()) return show(box, 'unsupported');
  if (Notification.permission === 'denied') return show(box, 'denied');
  show(box, (await current()) ? 'on' : 'off');
}

export const init = each('[data-push-device]', (/** @type {HTMLElement} */ box) => {
  const { key = '' } = box.dataset;
  /** @param {() => Promise<void>} change */
  const act = (change) => async () => {
    try {
      await change();
      await refresh(box);
    } catch (error) {
      console.error('push subscription', error);
      show(box, 'failed');
    }
  };
  box.querySelector('[data-device-on]')?.addEventListener(
    'click',
    act(() => turnOn(key)),
  );
  box.querySelector('[data-device-off]')?.addEventListener('click', act(turnOff));
  void refresh(box);
});

/** Every page registers the worker: it keeps the shell for going offline even for people who never turn on pushes. */
export function listen() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').catch((error) => console.error('service worker', error));
}
