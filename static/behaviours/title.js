// @ts-check

// The tab title carries the unread total of the navigation's badges (conversations, chats…). The badges change
// only by htmx swapping content in (a page's response, the live socket), so the total is counted again then.

const UNREAD_PREFIX = /^\(\d+\+?\) /;

export function init() {
  let total = 0;
  let capped = false;
  for (const badge of document.querySelectorAll('[data-unread-count]')) {
    const count = badge instanceof HTMLElement ? (badge.dataset.unreadCount ?? '0') : '0';
    total += parseInt(count, 10) || 0;
    capped ||= count.endsWith('+');
  }
  const base = document.title.replace(UNREAD_PREFIX, '');
  document.title = total > 0 ? `(${total}${capped ? '+' : ''}) ${base}` : base;
}
