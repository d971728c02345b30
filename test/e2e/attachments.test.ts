/**
 * Attachments in Chromium: an agent attaches a picture and a PDF to a reply and both show inline (the picture
 * really loads), a teammate sees them arrive live, and someone outside the inbox cannot fetch the file; refused
 * uploads (too large, not a carrier type) are explained right at the file field with the typed text kept and
 * nothing sent; and the customer opens the SMS's expiring link on a phone-sized page without signing in.
 *
 * The byte builders of test/fixtures/media.ts have real magic numbers but no image data, so Chromium cannot
 * draw them; where a test checks that a picture actually loads, the JPEG is drawn by Chromium itself (`realJpeg`).
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { decodeShortMessage, encodeForSubmit } from '../../src/channels/smpp/encoding.ts';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { buildConversation, buildInbox, buildUser, findNumber, SETUP, type User } from '../factories.ts';
import { exe, jpeg, mp3, pdf } from '../fixtures/media.ts';
import {
  browserFor,
  conversationPageFor,
  dialogsOf,
  eventually,
  noChromium,
  pageFor,
  sandboxServerFor,
  serverFor,
  signIn,
  until,
} from './browser.ts';

const CUSTOMER = '+15557654321';
const QUESTION = 'Can you send the invoice?';

const timeline = (page: Page): Locator => page.getByRole('list', { name: 'Messages and events', exact: true });
/** A message on the timeline, by its text (its files are a list nested inside it: take the outer item). */
const message = (page: Page, text: string): Locator =>
  timeline(page).getByRole('listitem').filter({ hasText: text }).first();
const replyBox = (page: Page): Locator => page.getByRole('textbox', { name: 'Reply by text message', exact: true });
const fileField = (page: Page): Locator => page.getByLabel('Attach files', { exact: true });
const sendButton = (page: Page): Locator => page.getByRole('button', { name: 'Send reply', exact: true });

/** A JPEG Chromium can really draw (800 × 600 unless told), made by its own canvas. */
async function realJpeg(browser: Browser, width = 800, height = 600): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const base64 = await page.evaluate(
      ([w, h]) => {
        const canvas = document.createElement('canvas');
        canvas.width = w!;
        canvas.height = h!;
        const g = canvas.getContext('2d')!;
        const gradient = g.createLinearGradient(0, 0, w!, h!);
        gradient.addColorStop(0, '#1e6bd6');
        gradient.addColorStop(1, '#f2b705');
        g.fillStyle = gradient;
        g.fillRect(0, 0, w!, h!);
        return canvas.toDataURL('image/jpeg', 0.9).split(',')[1]!;
      },
      [width, height],
    );
    return Buffer.from(base64, 'base64');
  } finally {
    await page.close();
  }
}

/** Waits until the <img> has been fetched and decoded, and returns its natural size. */
async function loaded(img: Locator): Promise<{ width: number; height: number }> {
  await img.scrollIntoViewIfNeeded(); // the images are loading="lazy"
  const handle = await img.elementHandle();
  assert.ok(handle, 'the image is on the page');
  await img
    .page()
    .waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, handle);
  return handle.evaluate((el) => ({
    width: (el as HTMLImageElement).naturalWidth,
    height: (el as HTMLImageElement).naturalHeight,
  }));
}

/** The accessible description of a field: the texts of the elements its aria-describedby names. */
const description = (field: Locator): Promise<string> =>
  field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
      .filter(Boolean)
      .join(' '),
  );

/**
 * What the composer shows after a send: its text, how many files are chosen, the file field's aria-invalid and
 * how many refusals. Read together, since the live push may show the message a moment before the composer is swapped.
 */
const composerState = async (page: Page) => ({
  text: await replyBox(page).inputValue(),
  files: await chosenFiles(fileField(page)),
  invalid: await fileField(page).getAttribute('aria-invalid'),
  refusals: await page.getByText(/ is larger than | is not a file type carriers take/).count(),
});

/** Files chosen in the field right now (a fresh composer has none). */
const chosenFiles = (field: Locator): Promise<number> =>
  field.evaluate((el) => (el as HTMLInputElement).files?.length ?? -1);

/**
 * One server and one browser for one test: Ana and Ben, agents of Support; Cleo, an agent of Sales only; and a
 * conversation in which the customer asked QUESTION on Support's number.
 */
async function world(t: TestContext) {
  const browser = await browserFor(t);
  const s = await serverFor(t, { contacts: { default_country: 'US' } }, { publicUrl: true });
  const [ana, ben, cleo] = await Promise.all([
    buildUser(s, { name: 'Ana Alvarez' }),
    buildUser(s, { name: 'Ben Baker' }),
    buildUser(s, { name: 'Cleo Cruz' }),
  ]);
  const support = buildInbox(s, { name: 'Support', members: [ana, ben] });
  buildInbox(s, { name: 'Sales', members: [cleo] });
  const conversationId = buildConversation(s, { inbox: support, texts: [QUESTION] }).id;
  const count = (sql: string) => s.sqlite.prepare(sql).pluck().get() as number;

  return {
    s,
    browser,
    ana,
    ben,
    cleo,
    conversationId,
    /** A fresh browser profile signed in as `user`. */
    async signedIn(user: User): Promise<Page> {
      const page = await pageFor(t, browser, s.baseURL);
      await signIn(page, user.email);
      return page;
    },
    /** A fresh browser profile signed in as `user`, on the conversation, live. */
    open: (user: User) => conversationPageFor(t, browser, s.baseURL, user.email, conversationId, QUESTION),
    outbound: () => count(`SELECT count(*) FROM messages WHERE direction = 'out'`),
    attachments: () => count('SELECT count(*) FROM attachments'),
  };
}

test(
  'an agent sends a picture and a PDF: shown inline and live to a teammate, not to someone outside the inbox',
  { skip: noChromium },
  async (t) => {
    const w = await world(t);
    const [ana, ben] = await Promise.all([w.open(w.ana), w.open(w.ben)]);
    const dialogs = dialogsOf([ana, ben]);
    const photo = await realJpeg(w.browser);
    const TEXT = 'Here is the invoice and a photo of the parcel';

    // The composer offers the file field with its limits (Support's number sends a link in the SMS).
    const field = fileField(ana);
    assert.equal(await field.getAttribute('type'), 'file');
    assert.equal(await field.getAttribute('multiple'), '', 'several files at once');
    assert.match(
      await description(field),
      /^Up to 5 files of up to 2 MB each: .*They go as a link in the text message; the link works for 30 days\.$/,
    );
    assert.equal(await field.getAttribute('aria-invalid'), null);

    await replyBox(ana).fill(TEXT);
    await field.setInputFiles([
      { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: pdf() },
    ]);
    await sendButton(ana).click();

    // Ana's timeline: the text, the picture (really drawn), the PDF's preview and a link per file.
    const sent = message(ana, TEXT);
    await sent.waitFor();
    const img = sent.getByRole('img', { name: 'photo.jpg', exact: true });
    await img.waitFor();
    assert.deepEqual(await loaded(img), { width: 800, height: 600 }, 'the picture loaded at its own size');
    const files = sent.getByRole('list', { name: 'Attached files: 2', exact: true });
    await files.waitFor();
    const preview = sent.getByTitle('Preview of invoice.pdf', { exact: true });
    await preview.waitFor();
    assert.equal(await preview.evaluate((el) => el.tagName), 'IFRAME');
    assert.equal(await sent.getByRole('link', { name: 'invoice.pdf, 1 KB', exact: true }).count(), 1);
    assert.equal(await sent.getByRole('link', { name: /^photo\.jpg, \d+ KB$/ }).count(), 1);
    assert.equal(
      await sent.getByRole('link', { name: 'photo.jpg', exact: true }).count(),
      1,
      'the picture opens full size',
    );
    const src = await img.getAttribute('src');
    assert.ok(src && /^\/media\/\d+\/0$/.test(src), `the picture comes from /media: ${src}`);
    const pdfSrc = await preview.getAttribute('src');
    assert.equal(pdfSrc, src.replace(/0$/, '1'));
    const pdfFile = await ana.request.get(pdfSrc);
    assert.equal(pdfFile.status(), 200);
    assert.equal(pdfFile.headers()['content-type'], 'application/pdf');
    // The composer is ready for the next reply: no text, no files.
    await eventually(() => composerState(ana), { text: '', files: 0, invalid: null, refusals: 0 }, 'a fresh composer');
    assert.equal(w.outbound(), 1);
    assert.equal(w.attachments(), 2);

    // Ben had the conversation open: the message comes in live, picture and all, without reloading.
    const live = message(ben, TEXT);
    await live.waitFor();
    const benImg = live.getByRole('img', { name: 'photo.jpg', exact: true });
    assert.deepEqual(await loaded(benImg), { width: 800, height: 600 }, 'Ben’s copy of the picture loads too');
    assert.equal(await benImg.getAttribute('src'), src);
    await live.getByTitle('Preview of invoice.pdf', { exact: true }).waitFor();
    assert.equal(await live.getByRole('link', { name: 'invoice.pdf, 1 KB', exact: true }).count(), 1);

    // Cleo works in Sales only: the file is not there for her, as if it did not exist.
    const cleo = await w.signedIn(w.cleo);
    const refused = await cleo.request.get(src, { maxRedirects: 0 });
    assert.equal(refused.status(), 404, 'not in Support: 404');
    assert.equal((await cleo.request.get(pdfSrc, { maxRedirects: 0 })).status(), 404);
    const opened = await cleo.goto(src);
    assert.equal(opened?.status(), 404, 'opened in her browser: 404 too');
    // While Ben, in Support, gets the very bytes Ana sent.
    const benFile = await ben.request.get(src);
    assert.equal(benFile.status(), 200);
    assert.ok((await benFile.body()).equals(photo), 'the bytes as sent');

    assert.deepEqual(dialogs, []);
  },
);

test(
  'refused uploads are explained at the file field, with the text kept and nothing sent; then a good file goes',
  { skip: noChromium },
  async (t) => {
    const w = await world(t);
    const ana = await w.open(w.ana);
    const TEXT = 'Our opening hours are attached';
    const refusalOf = (page: Page) => page.getByText(/ is larger than | is not a file type carriers take/);

    // Too large: 2 MB and one byte.
    await replyBox(ana).fill(TEXT);
    await fileField(ana).setInputFiles({
      name: 'huge.jpg',
      mimeType: 'image/jpeg',
      buffer: jpeg(100, 100, 2 * 1024 * 1024 + 1),
    });
    await sendButton(ana).click();
    const SIZE = 'huge.jpg is larger than 2 MB, the most this number sends per file.';
    await ana.getByText(SIZE, { exact: true }).waitFor();
    assert.equal(await fileField(ana).getAttribute('aria-invalid'), 'true', 'the file field is marked invalid');
    assert.match(
      await description(fileField(ana)),
      new RegExp(`${SIZE.replace(/\./g, '\\.')}$`),
      'the field’s description ends with the refusal',
    );
    assert.equal(await replyBox(ana).inputValue(), TEXT, 'the typed text is kept');
    assert.equal(await refusalOf(ana).count(), 1, 'one refusal shown');
    assert.equal(
      await timeline(ana).getByRole('listitem').filter({ hasText: TEXT }).count(),
      0,
      'nothing on the timeline',
    );
    assert.equal(w.outbound(), 0, 'nothing sent');
    assert.equal(w.attachments(), 0, 'nothing stored');

    // A Windows program renamed photo.jpg: judged by its bytes, not its name.
    await fileField(ana).setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: exe() });
    await sendButton(ana).click();
    const TYPE = 'photo.jpg is not a file type carriers take.';
    await ana.getByText(TYPE).waitFor();
    assert.equal(await ana.getByText(SIZE).count(), 0, 'the earlier refusal is gone');
    assert.equal(await refusalOf(ana).count(), 1);
    assert.equal(await fileField(ana).getAttribute('aria-invalid'), 'true');
    assert.match(await description(fileField(ana)), /photo\.jpg is not a file type carriers take\. Send JPEG, PNG/);
    assert.equal(await replyBox(ana).inputValue(), TEXT, 'the typed text is still kept');
    assert.equal(await timeline(ana).getByRole('listitem').filter({ hasText: TEXT }).count(), 0);
    assert.equal(w.outbound(), 0);
    assert.equal(w.attachments(), 0);

    // A real picture within the limits goes.
    await fileField(ana).setInputFiles({ name: 'hours.jpg', mimeType: 'image/jpeg', buffer: jpeg(640, 480, 2048) });
    await sendButton(ana).click();
    const sent = message(ana, TEXT);
    await sent.waitFor();
    await sent.getByRole('img', { name: 'hours.jpg', exact: true }).waitFor();
    assert.equal(await sent.getByRole('link', { name: 'hours.jpg, 2 KB', exact: true }).count(), 1);
    await eventually(
      () => composerState(ana),
      { text: '', files: 0, invalid: null, refusals: 0 },
      'cleared, valid again, no refusal left',
    );
    assert.equal(w.outbound(), 1);
    assert.equal(w.attachments(), 1);
  },
);

test(
  'the customer opens the SMS’s link without signing in: the picture and a player, on a phone-sized page',
  { skip: noChromium },
  async (t) => {
    const browser = await browserFor(t);
    const s = await sandboxServerFor(t);
    const simulator = s.messaging.sandbox!;
    const ana = await buildUser(s, { name: 'Ana Alvarez' });
    setMembers(s.app.domain, SETUP, findNumber(s, SANDBOX.number).inboxId, [ana.id]);

    // The customer texts the sandbox number through the sandbox SMSC.
    await until(() => simulator.boundSessions() > 0, 'the server bound to the sandbox SMSC');
    const mo = encodeForSubmit('Can you send the map and the jingle?', 0);
    for (const shortMessage of mo.parts) {
      assert.equal(
        await simulator.sendMo({
          from: CUSTOMER,
          to: SANDBOX.number,
          shortMessage,
          dataCoding: mo.dataCoding,
          esmClass: mo.esmClass,
        }),
        0,
      );
    }
    let conversationId = 0;
    await until(() => {
      conversationId =
        (s.sqlite.prepare(`SELECT conversation_id FROM messages WHERE direction = 'in'`).pluck().get() as
          number | undefined) ?? 0;
      return conversationId > 0;
    }, 'the customer’s text stored');

    // Ana answers with a picture and a song.
    const a = await pageFor(t, browser, s.baseURL);
    await signIn(a, ana.email);
    await a.goto(`/conversations/${conversationId}`);
    await message(a, 'Can you send the map and the jingle?').waitFor();
    const photo = await realJpeg(browser);
    await replyBox(a).fill('Here you go');
    await fileField(a).setInputFiles([
      { name: 'map.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'music.mp3', mimeType: 'audio/mpeg', buffer: mp3() },
    ]);
    await sendButton(a).click();
    await message(a, 'Here you go').getByRole('img', { name: 'map.jpg', exact: true }).waitFor();
    assert.equal(
      await message(a, 'Here you go')
        .getByLabel('music.mp3', { exact: true })
        .evaluate((el) => el.tagName),
      'AUDIO',
    );

    // The SMS the customer's phone got: the text, then the link on the last line.
    const sms = await (async () => {
      await until(
        () => simulator.received.some((m) => m.destAddr.replace(/^\+/, '') === CUSTOMER.slice(1)),
        'the SMS at the SMSC',
      );
      return simulator.received
        .filter((m) => m.destAddr.replace(/^\+/, '') === CUSTOMER.slice(1))
        .map((m) => decodeShortMessage(m).text)
        .join('');
    })();
    const lines = sms.split('\n');
    assert.equal(lines[0], 'Here you go', `the SMS reads: ${JSON.stringify(sms)}`);
    const link = new URL(lines.at(-1)!);
    assert.match(link.pathname, /^\/m\/[A-Za-z0-9_-]{24}$/, `the link: ${link.href}`);
    assert.equal(link.origin, s.baseURL, 'the link points where the agent’s browser reached the server');

    // A phone that never signed in opens it.
    const phone = await pageFor(t, browser, s.baseURL, { viewport: { width: 360, height: 740 } });
    const response = await phone.goto(link.href);
    assert.equal(response?.status(), 200);
    assert.equal(new URL(phone.url()).pathname, link.pathname, 'no detour to the login page');
    await phone.getByRole('heading', { level: 1, name: `Files from +1 555 010 0100`, exact: true }).waitFor();
    assert.equal(await phone.title(), `Files from +1 555 010 0100 · Switchboard`);
    const picture = phone.getByRole('img', { name: 'map.jpg', exact: true });
    assert.deepEqual(await loaded(picture), { width: 800, height: 600 }, 'the picture loads for the customer');
    const player = phone.getByLabel('music.mp3', { exact: true });
    await player.waitFor();
    assert.equal(await player.evaluate((el) => el.tagName), 'AUDIO');
    assert.equal(await player.getAttribute('controls'), '', 'a player with controls');
    const song = await phone.request.get((await player.getAttribute('src'))!);
    assert.equal(song.status(), 200);
    assert.ok((await song.body()).equals(mp3()), 'the song as sent');
    assert.equal(await phone.getByRole('link', { name: /^map\.jpg, \d+ KB$/ }).count(), 1);
    assert.equal(await phone.getByRole('link', { name: 'music.mp3, 1 KB', exact: true }).count(), 1);

    // At 360 px nothing sticks out sideways (the 800 px picture shrinks to fit).
    const widths = await phone.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(widths.scroll <= 360, `no horizontal overflow at 360 px: ${JSON.stringify(widths)}`);
    const box = await picture.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the picture fits the screen: ${JSON.stringify(box)}`);
  },
);
