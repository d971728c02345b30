// The few things HTML cannot do by itself. Everything here is an enhancement: forms work without it.
document.documentElement.classList.add('js');

// Formatting: the toolbar and the usual shortcuts write the Markdown markers around the selection.
const MARKERS = { bold: ['**', '**'], italic: ['_', '_'], strike: ['~~', '~~'] };
function format(field, kind) {
  const { selectionStart: start, selectionEnd: end, value } = field;
  const selected = value.slice(start, end);
  if (MARKERS[kind]) {
    const [open, close] = MARKERS[kind];
    field.setRangeText(open + selected + close, start, end, 'end');
    if (!selected) field.setSelectionRange(start + open.length, start + open.length);
  } else if (kind === 'link') {
    const text = selected || 'link';
    field.setRangeText(`[${text}](https://)`, start, end, 'end');
    // The URL part is selected, ready to be typed over.
    const urlStart = start + text.length + 3;
    field.setSelectionRange(urlStart, urlStart + 'https://'.length);
  } else {
    const lineStart = value.lastIndexOf('\n', start - 1) + 1;
    const lines = value.slice(lineStart, end).split('\n');
    const listed = lines.map((line, i) => (kind === 'bullets' ? '- ' : `${i + 1}. `) + line).join('\n');
    field.setRangeText(listed, lineStart, end, 'end');
  }
  field.focus();
  field.dispatchEvent(new Event('input', { bubbles: true }));
}
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-format]') : null;
  const bar = button?.closest('[data-format-for]');
  const field = bar ? document.getElementById(bar.dataset.formatFor) : null;
  if (button && field instanceof HTMLTextAreaElement) format(field, button.dataset.format);
});
const SHORTCUTS = { b: 'bold', i: 'italic', k: 'link', x: 'strike', '*': 'bullets', '8': 'bullets', '&': 'numbers', '7': 'numbers' };
document.addEventListener('keydown', (event) => {
  const field = event.target;
  if (!(event.ctrlKey || event.metaKey) || !(field instanceof HTMLTextAreaElement)) return;
  if (!document.querySelector(`[data-format-for="${field.id}"]`)) return;
  const key = event.key.toLowerCase();
  const kind = SHORTCUTS[key];
  // Strikethrough and the lists need Shift, so that Ctrl+X (cut) and Ctrl+7/8 stay the browser's.
  const needsShift = kind === 'strike' || kind === 'bullets' || kind === 'numbers';
  if (!kind || needsShift !== event.shiftKey) return;
  event.preventDefault();
  format(field, kind);
});

// Search boxes inside the composer search as you type: Enter must not send the half-written message.
document.addEventListener('keydown', (event) => {
  const field = event.target;
  if (event.key === 'Enter' && field instanceof HTMLInputElement && field.type === 'search' && field.form?.id === 'composer') event.preventDefault();
});

// Ctrl/Cmd+Enter sends the message being written.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
  const field = event.target;
  if (!(field instanceof HTMLTextAreaElement) || !field.form) return;
  event.preventDefault();
  field.form.requestSubmit();
});

// The emoji picker puts its emoji at the cursor, and remembers it as recently used.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-insert-emoji]') : null;
  const field = button ? document.getElementById(button.dataset.target) : null;
  if (!button || !(field instanceof HTMLTextAreaElement)) return;
  const emoji = button.dataset.insertEmoji;
  field.setRangeText(emoji, field.selectionStart, field.selectionEnd, 'end');
  field.focus();
  field.dispatchEvent(new Event('input', { bubbles: true }));
  const csrf = document.querySelector('input[name="_csrf"]');
  fetch('/emoji/recent', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf ? csrf.value : '' },
    body: new URLSearchParams({ emoji }),
  });
});

// Files chosen for a reply survive a redraw of the composer (a canned reply put into the draft, a survey
// sent); only sending the reply itself starts the next one without them.
let keptFiles = null;
document.addEventListener('htmx:before:swap', (event) => {
  const input = document.getElementById('reply-files');
  const source = event.detail.ctx && event.detail.ctx.sourceElement;
  keptFiles = input && input.files.length && source && source.id !== 'composer' ? input.files : null;
});
document.addEventListener('htmx:after:swap', () => {
  const input = document.getElementById('reply-files');
  if (keptFiles && input && input.files.length === 0) input.files = keptFiles;
  keptFiles = null;
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
