// The few things HTML cannot do by itself. Everything here is an enhancement: forms work without it.

// Ctrl/Cmd+Enter sends the message being written.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
  const field = event.target;
  if (!(field instanceof HTMLTextAreaElement) || !field.form) return;
  event.preventDefault();
  field.form.requestSubmit();
});

// After a canned reply is put into the draft, writing goes on at its end.
document.addEventListener('htmx:after:swap', () => {
  const field = document.querySelector('textarea[data-focus-end]');
  if (!field) return;
  field.removeAttribute('data-focus-end');
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
});

// The tab title carries the unread count the navigation shows (the nav is replaced live).
const baseTitle = document.title.replace(/^\(\d+\+?\) /, '');
function syncTitle() {
  const badge = document.getElementById('nav-unread');
  const count = badge ? badge.dataset.count : '0';
  document.title = count && count !== '0' ? `(${count}) ${baseTitle}` : baseTitle;
}
new MutationObserver(syncTitle).observe(document.body, { childList: true, subtree: true });
syncTitle();

// Pinned conversations reorder by drag and drop; the ↑/↓ buttons do the same from the keyboard.
let dragged = null;
document.addEventListener('dragstart', (event) => {
  const row = event.target instanceof Element ? event.target.closest('#pinned-list > li') : null;
  if (!row) return;
  dragged = row;
  event.dataTransfer.effectAllowed = 'move';
});
document.addEventListener('dragover', (event) => {
  if (dragged && event.target instanceof Element && event.target.closest('#pinned-list')) event.preventDefault();
});
document.addEventListener('drop', (event) => {
  const list = document.getElementById('pinned-list');
  const over = event.target instanceof Element ? event.target.closest('#pinned-list > li') : null;
  if (!dragged || !list || !over) return;
  event.preventDefault();
  const rows = [...list.children];
  const index = rows.indexOf(over);
  const id = dragged.dataset.id;
  dragged = null;
  const csrf = document.querySelector('input[name="_csrf"]');
  fetch(`/conversations/${id}/pin/move`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', 'X-CSRF-Token': csrf ? csrf.value : '' },
    body: new URLSearchParams({ index: String(index) }),
  });
});
document.addEventListener('dragend', () => {
  dragged = null;
});
