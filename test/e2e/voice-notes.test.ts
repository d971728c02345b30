/**
 * Voice notes in Chromium (fake microphone: --use-fake-device-for-media-stream, a tone): an agent records in the
 * composer — held, then let go; clicked to start and clicked to stop — previews it (it plays), sends it, and the
 * server stores it as `audio/ogg; codecs=opus` with `voice` set (Chromium records WebM: remuxed on the way in);
 * a customer's voice note in the timeline has a player that reads its duration.
 *
 * The recorder is drawn when the number's kind takes voice notes. Until numbers have a kind (helper A's
 * numbers.kind), no number does, so this test puts the recorder partial — rendered by the app's own templates —
 * into the composer of the page it opened (`withRecorder`). At merge: build the number as a WhatsApp number in the
 * world and drop `withRecorder`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { acceptInbound } from '../../src/domain/media/attachments.ts';
import { webmToOgg } from '../../src/domain/media/webm-to-ogg.ts';
import { receiveMessage } from '../../src/domain/messaging/inbound.ts';
import { keywordTextsOf } from '../../src/domain/messaging/texts.ts';
import { translator } from '../../src/i18n/index.ts';
import { icon } from '../../src/presenters/icons.ts';
import { createViews } from '../../src/views.ts';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { browserFor, livePageFor, noChromium, serverFor, until } from './browser.ts';

const QUESTION = 'Can you call me back?';
const fixture = readFileSync(new URL('../fixtures/voice/chromium.webm', import.meta.url));

/**
 * Puts the recorder into the page's composer as a number whose kind takes voice notes would draw it (see the
 * header), and starts its behaviour the way htmx content is started (lib/start.js).
 */
async function withRecorder(page: Page): Promise<void> {
  const recorder = createViews(false).render('partials/voice-recorder', { t: translator('en'), icon });
  await page.locator('#composer .compose-tools').evaluate((tools, html) => {
    tools.insertAdjacentHTML('afterbegin', html);
    tools.firstElementChild!.dispatchEvent(new CustomEvent('htmx:after:process', { bubbles: true }));
  }, recorder);
}

const timeline = (page: Page): Locator => page.getByRole('list', { name: 'Messages and events', exact: true });

/** Waits until the <audio> knows how long it plays, and returns that. */
async function durationOf(audio: Locator): Promise<number> {
  const handle = await audio.elementHandle();
  assert.ok(handle);
  await audio.page().waitForFunction((el) => (el as HTMLAudioElement).duration > 0, handle);
  return handle.evaluate((el) => (el as HTMLAudioElement).duration);
}

test(
  'a voice note is recorded, previewed and sent as Ogg/Opus; an inbound one plays',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await serverFor(t, { contacts: { default_country: 'US' } }, { publicUrl: true });
    const ana = await buildUser(s, { name: 'Ana Alvarez' });
    const support = buildInbox(s, { name: 'Support', members: [ana] });
    const conversation = buildConversation(s, { inbox: support, texts: [QUESTION] });
    // The customer's voice note, handed over as a channel does (WhatsApp's `voice: true` on an Ogg/Opus file).
    const { kept } = acceptInbound(s.app.media, [{ filename: 'audio.ogg', data: webmToOgg(fixture).ogg, voice: true }]);
    receiveMessage(
      s.app.domain,
      { from: conversation.phone, to: conversation.to, text: '' },
      () => keywordTextsOf(undefined),
      {
        store: s.app.media,
        files: kept,
      },
    );

    const page = await livePageFor(t, browser, s.baseURL, ana.email, `/conversations/${conversation.id}`);
    await withRecorder(page);

    // The inbound note: drawn as a voice note with its length, and its player reads the Ogg/Opus file.
    const inbound = timeline(page)
      .getByRole('listitem')
      .filter({ hasText: /^\s*Voice note, 0:02/ })
      .first();
    await inbound.waitFor();
    const inboundPlayer = inbound.getByLabel('Voice note', { exact: true });
    assert.ok((await durationOf(inboundPlayer)) > 1.5, 'Chromium plays the remuxed Ogg/Opus');
    assert.equal(await inbound.getByRole('link', { name: /^audio\.ogg, \d+ KB$/ }).count(), 1, 'and a download link');

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
  },
);
