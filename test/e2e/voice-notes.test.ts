/**
 * Voice notes in Chromium (fake microphone: --use-fake-device-for-media-stream, a tone), on the sandbox's WhatsApp
 * number with the Graph API stand-in behind it: a customer's voice note arrives by a signed webhook and its player
 * reads its duration; an agent records in the composer — held, then let go; clicked to start and clicked to stop —
 * previews it (it plays) and sends it: the server stores it as `audio/ogg; codecs=opus` with `voice` set (Chromium
 * records WebM: remuxed on the way in), and the stand-in gets it uploaded as Ogg/Opus and sent with `voice: true`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { webmToOgg } from '../../src/domain/media/webm-to-ogg.ts';
import { buildUser, staffInbox } from '../factories.ts';
import { browserFor, durationOf, livePageFor, noChromium, sandboxServerFor, until } from './browser.ts';

const CUSTOMER = '+15557654321';
const fixture = readFileSync(new URL('../fixtures/voice/chromium.webm', import.meta.url));

const timeline = (page: Page): Locator => page.getByRole('list', { name: 'Messages and events', exact: true });

test(
  'a voice note is recorded, previewed and sent as Ogg/Opus; an inbound one plays',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await sandboxServerFor(t);
    const phone = s.app.messaging.whatsappPhone;
    assert.ok(phone, 'the sandbox runs the WhatsApp stand-in');
    const ana = await buildUser(s, { name: 'Ana Alvarez' });
    staffInbox(s, SANDBOX.inbox, [ana]);
    // The customer's voice note, posted by the stand-in as Meta does (an Ogg/Opus file with `voice: true`).
    await phone.send(CUSTOMER, { voice: webmToOgg(fixture).ogg });
    const { id } = await until(
      () =>
        s.sqlite.prepare(`SELECT id FROM conversations WHERE phone = ?`).get(CUSTOMER) as { id: number } | undefined,
      'the conversation of the voice note',
    );

    const page = await livePageFor(t, browser, s.baseURL, ana.email, `/conversations/${id}`);

    // The inbound note: drawn as a voice note with its length, and its player reads the Ogg/Opus file.
    const inbound = timeline(page)
      .getByRole('listitem')
      .filter({ hasText: /^\s*Voice note, 0:02/ })
      .first();
    await inbound.waitFor();
    const inboundPlayer = inbound.getByLabel('Voice note', { exact: true });
    assert.ok((await durationOf(inboundPlayer)) > 1.5, 'Chromium plays the remuxed Ogg/Opus');
    assert.equal(await inbound.getByRole('link', { name: /\.ogg, \d+ KB$/ }).count(), 1, 'and a download link');

    const toggle = page.getByRole('button', { name: 'Record a voice note', exact: true });
    const timer = page.getByRole('timer', { name: 'Recording time' });
    const preview = page.getByLabel('Voice note preview', { exact: true });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');

    // Held: records while the button is down, stops when let go; the preview can be discarded.
    const box = await toggle.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await until(
      async () => (await toggle.getAttribute('aria-pressed')) === 'true' && (await timer.textContent()) === '0:01',
      'recording while held',
    );
    await page.mouse.up();
    await preview.waitFor();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await page.getByRole('button', { name: 'Discard voice note', exact: true }).click();
    await preview.waitFor({ state: 'hidden' });

    // Clicked: records until the next click, the timer running.
    await toggle.click();
    await until(async () => (await toggle.getAttribute('aria-pressed')) === 'true', 'recording after a click');
    await until(async () => (await timer.textContent()) === '0:02', 'the timer at 0:02');
    await toggle.click();
    await preview.waitFor();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal(await timer.isVisible(), false);
    // The preview plays (Chromium's WebM recording tells its duration once it has been played).
    await preview.evaluate((el: Element) => {
      const audio = el as HTMLAudioElement;
      audio.muted = true;
      return audio.play();
    });
    await page.waitForFunction(
      (el: Element) => (el as HTMLAudioElement).currentTime > 0,
      await preview.elementHandle(),
    );
    assert.ok((await durationOf(preview)) > 0);

    await page.getByRole('button', { name: 'Send voice note', exact: true }).click();
    const sent = timeline(page)
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: /^voice-note\.ogg, \d+ KB$/ }) })
      .first();
    await sent.waitFor();
    const row = s.sqlite
      .prepare(
        `SELECT a.content_type AS type, a.voice, a.filename, a.meta FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.direction = 'out'`,
      )
      .get() as { type: string; voice: number; filename: string; meta: string };
    assert.deepEqual(
      { type: row.type, voice: row.voice, filename: row.filename },
      {
        type: 'audio/ogg; codecs=opus',
        voice: 1,
        filename: 'voice-note.ogg',
      },
    );
    const seconds = (JSON.parse(row.meta) as { seconds?: number }).seconds ?? 0;
    assert.ok(seconds > 1.5 && seconds < 4, `about two seconds recorded: ${seconds}`);
    assert.ok((await durationOf(sent.getByLabel('Voice note', { exact: true }))) > 1.5, 'the sent note plays');
    // Through the outbox to the stand-in: uploaded as Ogg/Opus and sent as a voice message (it checks the wire).
    const out = await until(
      () => phone.lines(CUSTOMER).find((l) => l.direction === 'to-phone' && l.media !== null),
      "the note at the customer's phone",
    );
    assert.deepEqual({ type: out.media?.type, voice: out.media?.voice }, { type: 'audio', voice: true });
    const uploaded = phone.media(out.media?.id ?? '');
    assert.match(uploaded?.contentType ?? '', /^audio\/ogg/);
    assert.equal(uploaded?.data.subarray(0, 4).toString('latin1'), 'OggS');
  },
);
