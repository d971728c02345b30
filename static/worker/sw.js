// @ts-check
// The service worker (served at /sw.js by src/routes/push.ts, which puts self.SHELL before this file): shows the
// notifications pushed while no tab is in view, and keeps the app shell so that a phone without a connection shows
// the offline page rather than the browser's error.

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const { version, files } = sw.SHELL;
const CACHE = `switchboard-shell-${version}`;

sw.addEventListener('install', (event) => {
  // Past the browser's HTTP cache: the files of this release, not an hour-old copy.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(files.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith('switchboard-shell-') && n !== CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  // The shell's files: from the cache of this release, from the network when it has not got them.
  if (url.pathname.startsWith('/static/')) {
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
    return;
  }
  // Pages: always from the server (they are live); the offline page when it cannot be reached.
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(async () => (await caches.match('/offline', { cacheName: CACHE })) ?? Response.error()),
    );
  }
});

/**
 * @typedef {{ title: string, body: string, url: string, tag: string }} Push
 */

sw.addEventListener('push', (event) => {
  /** @type {Push} */
  let push;
  try {
    push = event.data?.json();
  } catch {
    return;
  }
  if (!push || typeof push.title !== 'string') return;
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((tabs) => {
      // A tab in view shows the toast (and, if chosen, its own browser notification with the same tag) already.
      if (tabs.some((tab) => tab.visibilityState === 'visible')) return;
      return sw.registration.showNotification(push.title, {
        body: push.body,
        tag: push.tag,
        icon: '/static/icons/icon-192.png',
        data: { url: push.url },
      });
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = typeof event.notification.data?.url === 'string' ? event.notification.data.url : '/';
  // Only a path on this server: a push cannot send a click elsewhere.
  const target = new URL(path.startsWith('/') && !path.startsWith('//') ? path : '/', sw.location.origin).href;
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (tabs) => {
      const tab = tabs.find((t) => 'focus' in t);
      if (!tab) return sw.clients.openWindow(target);
      await tab.focus();
      // A tab this worker does not control yet (opened before it was installed) cannot be steered: open one.
      return tab.navigate(target).catch(() => sw.clients.openWindow(target));
    }),
  );
});
