// @ts-check
import { each } from '../lib/each.js';

// The composer's voice note recorder (views/partials/voice-recorder.eta, drawn when the number's kind takes voice
// notes). The toggle records on a click and stops on the next, or records while held (a press longer than HOLD_MS
// stops when let go); a running timer; at most data-max-seconds. Then a preview to play, Send or Discard. Send puts
// the recording in the form's `voice` file field and submits the composer: the server makes it Ogg/Opus
// (src/domain/media/voice.ts). A voice note goes alone (WhatsApp's have no caption): the other files are left out of
// that request, and the typed text comes back as the draft. Without MediaRecorder or an Opus recording the
// recorder stays hidden.

const HOLD_MS = 300;

/** Firefox records Ogg/Opus (what WhatsApp takes, kept as is); Chromium WebM/Opus (the server rewrites it as Ogg). */
function recordingType() {
  if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return null;
  return (
    ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus'].find((type) => MediaRecorder.isTypeSupported(type)) ?? null
  );
}

/** @param {number} ms */
const clock = (ms) => {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/**
 * @template {Element} E
 * @param {Element} root
 * @param {string} selector
 * @param {new () => E} type
 * @returns {E}
 */
function part(root, selector, type) {
  const found = root.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`voice recorder: ${selector} missing`);
  return found;
}

export const init = each('[data-voice-recorder]', (/** @type {HTMLElement} */ box) => {
  const type = recordingType();
  if (!type) return;
  const toggle = part(box, '[data-voice-toggle]', HTMLButtonElement);
  const timer = part(box, '[data-voice-timer]', HTMLElement);
  const preview = part(box, '[data-voice-preview]', HTMLElement);
  const audio = part(box, '[data-voice-audio]', HTMLAudioElement);
  const file = part(box, '[data-voice-file]', HTMLInputElement);
  const status = part(box, '[data-voice-status]', HTMLElement);
  const send = part(box, '[data-voice-send]', HTMLButtonElement);
  const discard = part(box, '[data-voice-discard]', HTMLButtonElement);
  const maxMs = Number(box.dataset.maxSeconds ?? 900) * 1000;
  box.hidden = false;

  /** @type {MediaRecorder | null} */
  let recorder = null;
  /** Set while getUserMedia is asked: a stop wanted before the recorder runs is done as soon as it does. */
  let starting = false;
  let stopWanted = false;
  let startedAt = 0;
  let pressedAt = 0;
  /** A pointer press already acted: the click that follows it is not a second toggle. */
  let pointerActed = false;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let ticking;
  /** @type {Blob | null} */
  let recording = null;

  const say = (/** @type {string} */ text) => (status.textContent = text);
  const recordingNow = () => recorder !== null || starting;

  /** @param {boolean} on */
  function showPressed(on) {
    toggle.setAttribute('aria-pressed', String(on));
    timer.hidden = !on;
  }

  function clear() {
    if (audio.src) URL.revokeObjectURL(audio.src);
    audio.removeAttribute('src');
    audio.load();
    recording = null;
    file.value = '';
    preview.hidden = true;
    toggle.disabled = false;
  }

  async function start() {
    clear();
    starting = true;
    stopWanted = false;
    showPressed(true);
    timer.textContent = clock(0);
    /** @type {MediaStream} */
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      starting = false;
      showPressed(false);
      say(box.dataset.denied ?? '');
      return;
    }
    starting = false;
    const active = new MediaRecorder(stream, { mimeType: type ?? undefined, audioBitsPerSecond: 32000 });
    /** @type {Blob[]} */
    const chunks = [];
    active.addEventListener('dataavailable', (event) => chunks.push(event.data));
    active.addEventListener('stop', () => {
      stream.getTracks().forEach((track) => track.stop());
      clearInterval(ticking);
      showPressed(false);
      recording = new Blob(chunks, { type: active.mimeType || type || '' });
      audio.src = URL.createObjectURL(recording);
      preview.hidden = false;
      toggle.disabled = false;
      send.focus();
    });
    recorder = active;
    active.start(1000);
    startedAt = Date.now();
    ticking = setInterval(() => {
      const elapsed = Date.now() - startedAt;
      timer.textContent = clock(elapsed);
      if (elapsed >= maxMs) {
        say(box.dataset.limit ?? '');
        stop();
      }
    }, 250);
    if (stopWanted) stop();
  }

  function stop() {
    if (starting) {
      stopWanted = true;
      return;
    }
    const active = recorder;
    recorder = null;
    if (active && active.state !== 'inactive') active.stop();
  }

  toggle.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    pointerActed = true;
    if (recordingNow()) {
      stop();
      return;
    }
    pressedAt = Date.now();
    // The letting go counts wherever it happens: the timer appearing moves the button, a finger slides off it.
    toggle.setPointerCapture(event.pointerId);
    void start();
  });
  // Held longer than a click: letting go ends the recording. A quick press leaves it running until the next one.
  const release = () => {
    if (pressedAt && Date.now() - pressedAt > HOLD_MS && recordingNow()) stop();
    pressedAt = 0;
  };
  toggle.addEventListener('pointerup', release);
  toggle.addEventListener('pointercancel', release);
  // Enter or Space (a click without a pointer) toggles.
  toggle.addEventListener('click', () => {
    if (pointerActed) {
      pointerActed = false;
      return;
    }
    if (recordingNow()) stop();
    else void start();
  });

  /** Set while the form is submitted by Send: that request carries the voice note and no other file. */
  let voiceAlone = false;
  file.form?.addEventListener('htmx:config:request', (event) => {
    if (!voiceAlone) return;
    voiceAlone = false;
    const body = /** @type {CustomEvent<{ ctx: { request: { body: unknown } } }>} */ (event).detail.ctx.request.body;
    if (body instanceof FormData) body.delete('files');
  });

  send.addEventListener('click', () => {
    if (!recording || !file.form) return;
    const ogg = recording.type.startsWith('audio/ogg');
    const data = new DataTransfer();
    data.items.add(new File([recording], ogg ? 'voice-note.ogg' : 'voice-note.webm', { type: recording.type }));
    file.files = data.files;
    voiceAlone = true;
    file.form.requestSubmit();
  });
  discard.addEventListener('click', () => {
    clear();
    toggle.focus();
  });
});
