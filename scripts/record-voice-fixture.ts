/**
 * Records test/fixtures/voice/chromium.webm: two seconds of Chromium's fake microphone (a tone) through
 * MediaRecorder as `audio/webm;codecs=opus`, exactly what the composer's recorder uploads from Chromium. The
 * remuxer's unit tests read it. Run again only to refresh the fixture: `node --import tsx scripts/record-voice-fixture.ts`.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchBrowser } from '../test/e2e/browser.ts';

// getUserMedia needs a secure context: http://127.0.0.1 is one, about:blank is not.
const server = createServer((_req, res) => res.end('<!doctype html><title>record</title>'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const base64 = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const recorder = new MediaRecorder(stream, { mimeType: 'audio/webm;codecs=opus' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start(250);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    recorder.stop();
    await stopped;
    stream.getTracks().forEach((track) => track.stop());
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  });
  writeFileSync('test/fixtures/voice/chromium.webm', Buffer.from(base64, 'base64'));
} finally {
  await browser.close();
  server.close();
}
