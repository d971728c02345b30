// @ts-check

// "Ana is typing a reply": while the reply composer gets input, the tab tells the server so over its /live socket,
// at most once every 2 s; the server forgets it 6 s after the last. The socket's send element (in the layout's
// #live) turns the event into a message; the server knows from the tab's page which conversation it is.

const EVERY_MS = 2000;
let last = -Infinity;

export function listen() {
  document.addEventListener('input', (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || field.form?.id !== 'composer') return;
    const now = performance.now();
    if (now - last < EVERY_MS) return;
    last = now;
    document.querySelector('[data-typing-signal]')?.dispatchEvent(new Event('typing'));
  });
}
