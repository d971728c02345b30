// The few things HTML cannot do by itself. Everything here is an enhancement: forms work without it.
document.documentElement.classList.add('js');

// Signing in tells the server the browser's time zone: from the first sign-in on, times are shown in it.
for (const input of document.querySelectorAll('input[data-browser-time-zone]')) {
  input.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
}

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
const SHORTCUTS = {
  b: 'bold',
  i: 'italic',
  k: 'link',
  x: 'strike',
  '*': 'bullets',
  8: 'bullets',
  '&': 'numbers',
  7: 'numbers',
};
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
  if (
    event.key === 'Enter' &&
    field instanceof HTMLInputElement &&
    field.type === 'search' &&
    ['composer', 'chat-composer'].includes(field.form?.id)
  )
    event.preventDefault();
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
  keptFiles =
    input && input.files.length && source && !['composer', 'chat-composer'].includes(source.id) ? input.files : null;
});
document.addEventListener('htmx:after:swap', () => {
  const input = document.getElementById('reply-files');
  if (keptFiles && input && input.files.length === 0) input.files = keptFiles;
  keptFiles = null;
});

// A teammate picked from the @suggestions replaces the half-typed @name at the end of the text.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-insert-mention]') : null;
  const field = button ? document.getElementById(button.dataset.target) : null;
  if (!(field instanceof HTMLTextAreaElement)) return;
  field.value = field.value.replace(/@[\p{L}\p{N}_-]*$/u, () => `@${button.dataset.insertMention} `);
  button.closest('ul')?.remove();
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
});

// After a canned reply is put into the draft, writing goes on at its end.
document.addEventListener('htmx:after:swap', () => {
  const field = document.querySelector('textarea[data-focus-end]');
  if (!field) return;
  field.removeAttribute('data-focus-end');
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
});

// The tab title carries the unread total of the navigation's badges (conversations, chats…; the nav is replaced live).
const baseTitle = document.title.replace(/^\(\d+\+?\) /, '');
function syncTitle() {
  let total = 0;
  let capped = false;
  for (const badge of document.querySelectorAll('#nav [data-unread-count]')) {
    const count = badge.dataset.unreadCount || '0';
    total += parseInt(count, 10) || 0;
    capped ||= count.endsWith('+');
  }
  document.title = total > 0 ? `(${total}${capped ? '+' : ''}) ${baseTitle}` : baseTitle;
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
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'HX-Request': 'true',
      'X-CSRF-Token': csrf ? csrf.value : '',
    },
    body: new URLSearchParams({ index: String(index) }),
  });
});
document.addEventListener('dragend', () => {
  dragged = null;
});

// ---- Personal settings and notifications: toasts, browser notifications, a beep, the permission button. ----
(() => {
  const TOAST_MS = 10_000;
  const toasts = document.getElementById('toasts');

  // A short beep from an oscillator (no audio file). Browsers let it sound only after the first click or key in the tab.
  let audio = null;
  const AudioCtx = window.AudioContext || window.webkitAudioContext;
  const unlockAudio = () => {
    if (!AudioCtx) return;
    audio ||= new AudioCtx();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
  };
  document.addEventListener('pointerdown', unlockAudio, { once: true });
  document.addEventListener('keydown', unlockAudio, { once: true });
  function beep() {
    if (!AudioCtx) return;
    audio ||= new AudioCtx();
    const at = audio.currentTime;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.type = 'sine';
    tone.frequency.setValueAtTime(880, at);
    volume.gain.setValueAtTime(0.0001, at);
    volume.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
    tone.connect(volume).connect(audio.destination);
    tone.start(at);
    tone.stop(at + 0.32);
  }

  // Every open tab gets the toast; only one of them rings and shows the browser notification.
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

  function alertFor(toast) {
    const { toast: id, browser, sound, title, body, href } = toast.dataset;
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

  // Toasts leave by themselves after a while, but not while the pointer or the focus is on them.
  function arm(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = 'true';
    let timer = null;
    const start = () => {
      clearTimeout(timer);
      timer = setTimeout(() => toast.remove(), TOAST_MS);
    };
    const hold = () => clearTimeout(timer);
    toast.addEventListener('pointerenter', hold);
    toast.addEventListener('pointerleave', start);
    toast.addEventListener('focusin', hold);
    toast.addEventListener('focusout', start);
    start();
    alertFor(toast);
  }
  if (toasts) {
    new MutationObserver(() => toasts.querySelectorAll('[data-toast]').forEach(arm)).observe(toasts, {
      childList: true,
      subtree: true,
    });
    toasts.querySelectorAll('[data-toast]').forEach(arm);
  }
  document.addEventListener('click', (event) => {
    const dismiss = event.target instanceof Element ? event.target.closest('[data-dismiss-toast]') : null;
    dismiss?.closest('[data-toast]')?.remove();
  });

  // Settings: the browser's permission for notifications, and the button that asks for it.
  function showPermission() {
    const box = document.querySelector('[data-notify-permission]');
    if (!box) return;
    const state = box.querySelector('#notify-permission-state');
    const ask = box.querySelector('[data-request-permission]');
    const permission = 'Notification' in window ? Notification.permission : 'unsupported';
    box.hidden = false;
    state.textContent = state.dataset[permission] || state.dataset.default;
    ask.hidden = permission === 'granted' || permission === 'unsupported';
  }
  document.addEventListener('click', async (event) => {
    const ask = event.target instanceof Element ? event.target.closest('[data-request-permission]') : null;
    if (!ask || !('Notification' in window)) return;
    await Notification.requestPermission();
    showPermission();
  });
  // The section is swapped in again after saving it.
  document.addEventListener('htmx:after:swap', showPermission);
  navigator.permissions
    ?.query({ name: 'notifications' })
    .then((status) => status.addEventListener('change', showPermission))
    .catch(() => {});
  showPermission();
})();
