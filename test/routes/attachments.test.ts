import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { elf, exe, jpeg, mp3, pdf, png, svgWithScript, vcard, zipBomb } from '../fixtures/media.ts';
import { signedIn, testApp, until } from '../helper.ts';
import { HX } from './steps.ts';

async function setup(t: TestContext) {
  const h = await testApp(t, { server: { public_url: 'https://inbox.example.com' } });
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  const number = buildNumber(h, { e164: '+15551230000', inbox: buildInbox(h, { name: 'Support', members: [ana] }) });
  const small = buildNumber(h, {
    inbox: buildInbox(h, { name: 'Sales', members: [ana, ben] }),
    max_attachments: 2,
    max_attachment_kb: 100,
  });
  return {
    h,
    ana,
    ben,
    support: buildConversation(h, { number, texts: ['hi'] }).id,
    sales: buildConversation(h, { number: small, texts: ['hi'] }).id,
  };
}

type World = Awaited<ReturnType<typeof setup>>;

/** Everything a refused upload must leave as it was: messages, attachments, links, files on disk, temp files. */
function snapshot({ h }: World) {
  const count = (table: string) => h.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
  const files = (dir: string): string[] =>
    existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : [];
  return {
    messages: count('messages'),
    attachments: count('attachments'),
    links: count('media_links'),
    media: files(h.app.media.dir),
  };
}

/** Temp files go when the response is done; the 'close' that removes them may come a moment after inject resolves. */
async function tmpEmpty(world: World): Promise<void> {
  const tmp = join(world.h.app.media.dir, 'tmp');
  await until(() => readdirSync(tmp).length === 0, `no temp file left in ${tmp}`);
}

test('an agent sends a JPEG and a PDF: stored once by content, shown inline, served only to people who may read it', async (t) => {
  const world = await setup(t);
  const { h, ana, ben, support } = world;
  const a = await signedIn(h.app, ana.email);
  const page = await a.get(`/conversations/${support}`);
  assert.match(page.body, /enctype="multipart\/form-data"/);
  assert.match(page.body, /<label for="reply-files"[^>]*>.*Attach files<\/span><\/label>/);
  assert.match(page.body, /Up to 5 files of up to 2 MB each/);
  assert.match(page.body, /the link works for 30 days/);

  const photo = jpeg(800, 600, 50_000);
  const sent = await a.postMultipart(
    `/conversations/${support}/messages`,
    { body: 'Here is the **invoice**' },
    [
      { name: 'photo.JPG', data: photo, type: 'image/jpeg' },
      { name: 'invoice.pdf', data: pdf(), type: 'application/pdf' },
    ],
    HX,
  );
  assert.equal(sent.statusCode, 200, sent.body);
  const messageId = h.sqlite
    .prepare(`SELECT id FROM messages WHERE body = 'Here is the **invoice**'`)
    .pluck()
    .get() as number;
  const rows = h.sqlite
    .prepare(
      'SELECT seq, sha256, content_type, kind, filename, size, meta FROM attachments WHERE message_id = ? ORDER BY seq',
    )
    .all(messageId) as Record<string, unknown>[];
  assert.deepEqual(
    rows.map((r) => [r.seq, r.content_type, r.kind, r.filename, r.size, JSON.parse(String(r.meta)) as unknown]),
    [
      [0, 'image/jpeg', 'image', 'photo.jpg', photo.length, { width: 800, height: 600 }],
      [1, 'application/pdf', 'pdf', 'invoice.pdf', pdf().length, {}],
    ],
  );
  const sha = createHash('sha256').update(photo).digest('hex');
  assert.equal(rows[0]!.sha256, sha);
  assert.ok(existsSync(join(h.app.media.dir, sha.slice(0, 2), sha)), 'named by its SHA-256 under media/');
  await tmpEmpty(world);

  const link = h.sqlite
    .prepare('SELECT token, url, expires_at FROM media_links WHERE message_id = ?')
    .get(messageId) as { token: string; url: string; expires_at: number };
  assert.match(link.url, /^https:\/\/inbox\.example\.com\/m\/[A-Za-z0-9_-]{24}$/);
  assert.ok(Math.abs(link.expires_at - (Date.now() + 30 * 86_400_000)) < 60_000);

  const shown = await a.get(`/conversations/${support}`);
  assert.match(
    shown.body,
    new RegExp(`<img src="/media/${messageId}/0" alt="photo.jpg" loading="lazy" width="800" height="600">`),
  );
  assert.match(shown.body, new RegExp(`<iframe src="/media/${messageId}/1" title="Preview of invoice.pdf"`));
  assert.match(shown.body, /invoice\.pdf, 1 KB/);

  const file = await a.get(`/media/${messageId}/0`);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], 'image/jpeg');
  assert.equal(file.headers['x-content-type-options'], 'nosniff');
  assert.match(String(file.headers['content-security-policy']), /sandbox/);
  assert.match(String(file.headers['cache-control']), /private/);
  assert.ok(file.rawPayload.equals(photo), 'the bytes as sent');

  const b = await signedIn(h.app, ben.email);
  assert.equal((await b.get(`/media/${messageId}/0`)).statusCode, 404, 'not in Support: as if it did not exist');
  assert.equal((await b.get(`/media/${messageId}/9`)).statusCode, 404);
  assert.equal((await b.get(`/media/${messageId}/..%2F..%2Fswitchboard.db`)).statusCode, 404);
  const anonymous = await h.app.inject({ method: 'GET', url: `/media/${messageId}/0` });
  assert.equal(anonymous.statusCode, 303, 'signed out: to the login page');

  // The same picture again is the same file on disk.
  await a.get(`/conversations/${support}`);
  assert.equal(
    (
      await a.postMultipart(
        `/conversations/${support}/messages`,
        { body: '' },
        [{ name: 'again.jpg', data: photo }],
        HX,
      )
    ).statusCode,
    200,
  );
  assert.equal(readdirSync(join(h.app.media.dir, sha.slice(0, 2))).filter((n) => n === sha).length, 1);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM attachments WHERE sha256 = ?').pluck().get(sha), 2);
});

test('the customer opens the SMS link without signing in, until it expires', async (t) => {
  const world = await setup(t);
  const { h, ana, support } = world;
  const a = await signedIn(h.app, ana.email);
  await a.get(`/conversations/${support}`);
  await a.postMultipart(
    `/conversations/${support}/messages`,
    { body: 'Your contact card and the hold music' },
    [
      { name: 'card.vcf', data: vcard('Acme Support') },
      { name: 'music.mp3', data: mp3() },
    ],
    HX,
  );
  const { token } = h.sqlite.prepare('SELECT token FROM media_links').get() as { token: string };
  const page = await h.app.inject({ method: 'GET', url: `/m/${token}` });
  assert.equal(page.statusCode, 200);
  assert.match(
    page.body,
    /Files from \+1 555 123 0000/,
    'the customer reads the number with its country code: no country is configured',
  );
  assert.match(page.body, /Contact card: Acme Support/);
  assert.match(page.body, new RegExp(`<audio controls preload="none" src="/m/${token}/1" aria-label="music.mp3">`));
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  const card = await h.app.inject({ method: 'GET', url: `/m/${token}/0` });
  assert.equal(card.headers['content-type'], 'text/vcard');
  assert.match(String(card.headers['content-disposition']), /^attachment; filename="card.vcf"/);

  assert.equal(
    (await h.app.inject({ method: 'GET', url: `/m/${token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}` }))
      .statusCode,
    404,
  );
  assert.equal((await h.app.inject({ method: 'GET', url: '/m/not-a-token' })).statusCode, 404);
  const now = h.app.domain.now;
  h.app.domain.now = () => now() + 31 * 86_400_000;
  const expired = await h.app.inject({ method: 'GET', url: `/m/${token}` });
  assert.equal(expired.statusCode, 404);
  assert.match(expired.body, /This link has expired/);
  assert.equal((await h.app.inject({ method: 'GET', url: `/m/${token}/0` })).statusCode, 404);
});

test('bad uploads are refused in place with the limit they broke, and nothing is stored', async (t) => {
  const world = await setup(t);
  const { h, ana, support, sales } = world;
  const a = await signedIn(h.app, ana.email);
  await a.get(`/conversations/${support}`);
  const before = snapshot(world);
  const refusals: [string, number, Parameters<typeof a.postMultipart>[2], RegExp, number?][] = [
    ['empty file', support, [{ name: 'empty.jpg', data: Buffer.alloc(0) }], /empty\.jpg is empty\./],
    [
      'oversized',
      support,
      [{ name: 'huge.jpg', data: jpeg(100, 100, 2 * 1024 * 1024 + 1) }],
      /huge\.jpg is larger than 2 MB, the most this number sends per file\./,
    ],
    [
      'over the number’s own limit',
      sales,
      [{ name: 'big.jpg', data: jpeg(100, 100, 150 * 1024) }],
      /big\.jpg is larger than 100 KB/,
    ],
    [
      'too many for the number',
      sales,
      [1, 2, 3].map((i) => ({ name: `p${i}.jpg`, data: jpeg(10, 10, 500, i) })),
      /You attached 3 files; this number sends at most 2 per message\./,
    ],
    [
      'more than any number takes',
      support,
      Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.jpg`, data: jpeg(10, 10, 500, i) })),
      /Too many files at once; attach at most 10\./,
    ],
    [
      'renamed Linux program',
      support,
      [{ name: 'photo.jpg', data: elf(), type: 'image/jpeg' }],
      /photo\.jpg is not a file type carriers take/,
    ],
    [
      'renamed Windows program',
      support,
      [{ name: 'invoice.pdf', data: exe(), type: 'application/pdf' }],
      /invoice\.pdf is not a file type carriers take/,
    ],
    [
      'zip bomb',
      support,
      [{ name: 'holiday.zip', data: zipBomb(), type: 'application/zip' }],
      /holiday\.zip is not a file type carriers take/,
    ],
    [
      'zip bomb named as a picture',
      support,
      [{ name: 'holiday.jpg', data: zipBomb(), type: 'image/jpeg' }],
      /holiday\.jpg is not a file type/,
    ],
    [
      'SVG with script',
      support,
      [{ name: 'logo.png', data: svgWithScript(), type: 'image/png' }],
      /logo\.png is not a file type/,
    ],
    [
      'JPEG without a readable size',
      support,
      [
        {
          name: 'odd.jpg',
          data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0]), Buffer.alloc(600)]),
        },
      ],
      /odd\.jpg: the picture(&#39;|')s size cannot be read/,
    ],
    [
      'pixel bomb',
      support,
      [{ name: 'flood.png', data: png(100_000, 100_000) }],
      /flood\.png is 100000 × 100000 pixels; phones open images of up to 40 megapixels\./,
    ],
    [
      'path traversal',
      support,
      [{ name: '../../../etc/cron.d/x.jpg', data: jpeg() }],
      /x\.jpg: a file name may not contain folders or control characters\./,
    ],
    [
      'Windows path traversal',
      support,
      [{ name: '..\\..\\switchboard.db', data: jpeg() }],
      /switchboard\.db: a file name may not contain folders/,
    ],
    [
      'one bad file among good ones',
      support,
      [
        { name: 'ok.jpg', data: jpeg() },
        { name: 'virus.jpg', data: exe() },
      ],
      /virus\.jpg is not a file type/,
    ],
  ];
  for (const [what, conversation, files, message] of refusals) {
    await a.get(`/conversations/${conversation}`);
    const res = await a.postMultipart(`/conversations/${conversation}/messages`, { body: `with ${what}` }, files, HX);
    assert.equal(res.statusCode, 422, `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    assert.match(res.body, message, what);
    assert.match(res.body, /id="reply-files-error"/, `${what}: shown at the file field`);
    assert.match(res.body, new RegExp(`with ${what}`), `${what}: the typed text is kept`);
    await tmpEmpty(world);
  }
  assert.deepEqual(snapshot(world), before, 'no message, attachment, link or file was written');

  // Without the CSRF token, and signed out: refused before any byte is kept.
  const forged = await a.postMultipart(
    `/conversations/${support}/messages`,
    { body: 'x' },
    [{ name: 'a.jpg', data: jpeg() }],
    { csrf: false },
  );
  assert.equal(forged.statusCode, 403);
  const anonymous = await h.app.inject({
    method: 'POST',
    url: `/conversations/${support}/messages`,
    payload: 'x',
    headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
  });
  assert.equal(anonymous.statusCode, 403, 'no session, no token: refused, nothing read');
  // A compressed body (a gzip bomb, say) is not taken for plain bytes.
  const gz = await a.postMultipart(
    `/conversations/${support}/messages`,
    { body: 'x' },
    [{ name: 'a.jpg', data: jpeg() }],
    { headers: { 'content-encoding': 'gzip', 'hx-request': 'true' } },
  );
  assert.equal(gz.statusCode, 415);
  await tmpEmpty(world);
  assert.deepEqual(snapshot(world), before);
});

test('an upload cut off mid-file leaves no temp file and no message', async (t) => {
  const world = await setup(t);
  const { h, ana, support } = world;
  const a = await signedIn(h.app, ana.email);
  await a.get(`/conversations/${support}`);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const before = snapshot(world);
  const boundary = 'cutcutcut';
  const head = [
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${a.csrf}\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\ncut off\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  ].join('');
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `POST /conversations/${support}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${a.cookieHeader}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 1000000\r\n\r\n${head}`,
  );
  socket.write(jpeg(100, 100, 300_000));
  // Long enough for the server to have begun writing the temp file.
  for (let i = 0; i < 100 && readdirSync(join(h.app.media.dir, 'tmp')).length === 0; i++)
    await new Promise((r) => setTimeout(r, 10));
  socket.destroy();
  await tmpEmpty(world);
  assert.deepEqual(snapshot(world), before);
});
