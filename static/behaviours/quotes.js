// @ts-check

// WhatsApp's quoted replies: a customer message's "Reply to this message" puts its excerpt above the composer
// ("Replying to: …") and its id in the composer's `reply_to` field; Cancel takes the quote away. The server checks
// the id (a customer message of this conversation) and draws the quote again after a refused send.

const EXCERPT = 100;

/** @param {string} text */
const excerpt = (text) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT - 1)}…` : line;
};

/**
 * @param {HTMLElement} banner
 * @param {{ id: string, text: string } | null} quote
 */
function show(banner, quote) {
  const id = banner.querySelector('[data-quote-id]');
  const text = banner.querySelector('[data-quote-excerpt]');
  if (!(id instanceof HTMLInputElement) || !text) return;
  id.value = quote ? quote.id : '';
  text.textContent = quote ? excerpt(quote.text) : '';
  banner.hidden = quote === null;
}

export function listen() {
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const banner = document.querySelector('[data-quote-banner]');
    if (!target || !(banner instanceof HTMLElement)) return;
    const action = target.closest('[data-quote]');
    if (action instanceof HTMLElement) {
      show(banner, { id: action.dataset.quote ?? '', text: action.dataset.quoteText ?? '' });
      document.getElementById('reply-body')?.focus();
      return;
    }
    if (target.closest('[data-quote-cancel]')) {
      show(banner, null);
      document.getElementById('reply-body')?.focus();
    }
  });
}
