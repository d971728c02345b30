// @ts-check

/**
 * The session's CSRF token, read where htmx reads it for its own requests: the page body's hx-headers (one token,
 * one place, for htmx and fetch alike).
 * @returns {string}
 */
export function csrfToken() {
  try {
    const headers = JSON.parse(document.body.getAttribute('hx-headers:inherited') ?? '{}');
    return typeof headers['X-CSRF-Token'] === 'string' ? headers['X-CSRF-Token'] : '';
  } catch {
    return '';
  }
}

/**
 * Posts a form as htmx does, with its CSRF header, and marked as htmx's so that a refusal comes back as the app's
 * alert fragment. A refusal shows that alert just before `near`, where the person is; a lost connection is logged
 * only (the page tells of it no more than it does for htmx's own requests).
 * @param {string} url
 * @param {Record<string, string>} fields
 * @param {Element} near
 * @returns {Promise<void>}
 */
export async function post(url, fields, near) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'HX-Request': 'true',
        'X-CSRF-Token': csrfToken(),
      },
      body: new URLSearchParams(fields),
      // Still delivered when the page goes right after (a link followed in the same tab).
      keepalive: true,
    });
    if (!response.ok) showAlert(near, await response.text());
  } catch (error) {
    console.error(`POST ${url} failed`, error);
  }
}

/**
 * Shows the server's alert (a paragraph with role alert, escaped by the server) before `near`, in place of the one
 * shown there before.
 * @param {Element} near
 * @param {string} html
 */
function showAlert(near, html) {
  const alert = new DOMParser().parseFromString(html, 'text/html').querySelector('[role="alert"]');
  if (!alert) return;
  alert.setAttribute('data-post-alert', '');
  const previous = near.previousElementSibling;
  if (previous?.hasAttribute('data-post-alert')) previous.remove();
  near.before(alert);
}
