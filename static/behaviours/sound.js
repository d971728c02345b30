// @ts-check

// A short beep from an oscillator (no audio file). Browsers let it sound only after the first click or key in the tab.

const AudioCtx = window.AudioContext || window.webkitAudioContext;
/** @type {AudioContext | null} */
let audio = null;

function unlock() {
  if (!AudioCtx) return;
  audio ||= new AudioCtx();
  if (audio.state === 'suspended') audio.resume().catch(() => {});
}

export function listen() {
  document.addEventListener('pointerdown', unlock, { once: true });
}

export function keydown() {
  if (audio?.state !== 'running') unlock();
}

export function beep() {
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
