import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Problem } from '../../../src/routes/api/v1/problem.ts';
import { buildConversation, buildInbox, buildNumber, buildToken, buildUser } from '../../factories.ts';
import { elf, jpeg, pdf } from '../../fixtures/media.ts';
import { signedIn, testApp, until } from '../../helper.ts';
import { api, apiMultipart } from './client.ts';

/** An MMS number (files by MM7) with room for two files of up to 100 KB, and an SMS number that sends no files. */
async function world(t: TestContext) {
  const w = await testApp(t, {
    mm7: [
      {
        name: 'mmsc',
        url: 'http://127.0.0.1:9/mm7',
        vasp_id: 'acme',
        vas_id: 'switchboard',
        username: 'acme',
        password: 'mmsc-secret',
        inbound_username: 'carrier',
        inbound_password: 'inbound-secret-123',
      },
    ],
  });
  const ana = await buildUser(w, { name: 'Ana' });
  const inbox = buildInbox(w, { name: 'Support', members: [ana] });
  const mms = buildNumber(w, { inbox, mms: 'mm7', mm7: 'mmsc', max_attachments: 2, max_attachment_kb: 100 });
  const sms = buildNumber(w, { inbox, max_attachments: 0 });
  return {
    w,
    ana,
    token: buildToken(w, { user: ana }),
    mms: () => buildConversation(w, { number: mms, texts: ['hi'] }).id,
    sms: buildConversation(w, { number: sms, texts: ['hi'] }).id,
  };
}

type World = Awaited<ReturnType<typeof world>>;

/** What a refused send must leave as it was: messages, attachments, stored files, and no temp file behind. */
async function unchanged({ w }: World, send: () => Promise<unknown>): Promise<void> {
  const count = (table: string) => w.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
  const stored = () =>
    existsSync(w.app.media.dir)
      ? readdirSync(w.app.media.dir, { recursive: true })
          .map(String)
          .filter((f) => !f.startsWith('tmp'))
          .sort()
      : [];
  const before = [count('messages'), count('attachments'), stored()];
  await send();
  assert.deepEqual([count('messages'), count('attachments'), stored()], before);
  const tmp = join(w.app.media.dir, 'tmp');
  await until(() => !existsSync(tmp) || readdirSync(tmp).length === 0, `no temp file left in ${tmp}`);
}

/** The outbound message as the outbox holds it, without what differs between two sends (ids, times, author). */
function outbound({ w }: World, messageId: number) {
  const message = w.sqlite
    .prepare('SELECT direction, body, status FROM messages WHERE id = ?')
    .get(messageId) as Record<string, unknown>;
  const files = w.sqlite
    .prepare(
      'SELECT seq, sha256, content_type, kind, filename, size, meta FROM attachments WHERE message_id = ? ORDER BY seq',
    )
    .all(messageId);
  const links = w.sqlite.prepare('SELECT count(*) FROM media_links WHERE message_id = ?').pluck().get(messageId);
  return { ...message, files, links };
}

const photo = jpeg(800, 600, 50_000);

test('a photo sent by multipart reaches the outbox as the composer’s would, on an MMS number', async (t) => {
  const world_ = await world(t);
  const { w, ana, token } = world_;
  const byApi = world_.mms();
  const res = await apiMultipart(w.app, token, `/api/v1/conversations/${byApi}/messages`, { text: 'Your photo' }, [
    { name: 'photo.JPG', data: photo, type: 'image/jpeg' },
  ]);
  assert.equal(res.statusCode, 201, res.body);
  const sent = res.json<{ id: number; text: string; direction: string; status: string }>();
  assert.deepEqual([sent.text, sent.direction, sent.status], ['Your photo', 'out', 'queued']);

  const byComposer = world_.mms();
  const a = await signedIn(w.app, ana.email);
  const typed = await a.postMultipart(`/conversations/${byComposer}/messages`, { body: 'Your photo' }, [
    { name: 'photo.JPG', data: photo, type: 'image/jpeg' },
  ]);
  assert.equal(typed.statusCode, 303, typed.body);
  const composed = w.sqlite
    .prepare(`SELECT id FROM messages WHERE conversation_id = ? AND direction = 'out'`)
    .pluck()
    .get(byComposer) as number;

  const got = outbound(world_, sent.id);
  assert.deepEqual(got, outbound(world_, composed));
  assert.equal(got.files.length, 1);
  assert.equal(got.links, 0, 'an MMS carries the file itself: no link');

  const fileOnly = await apiMultipart(w.app, token, `/api/v1/conversations/${byApi}/messages`, {}, [
    { name: 'invoice.pdf', data: pdf() },
  ]);
  assert.equal(fileOnly.statusCode, 201, 'a file without text');
  assert.equal(fileOnly.json<{ text: string }>().text, '');
});

test('files the number may not send are refused with a clear problem, and nothing is stored', async (t) => {
  const world_ = await world(t);
  const { w, token, sms } = world_;
  const mms = world_.mms();
  const send = (conversation: number, files: Parameters<typeof apiMultipart>[4], fields = { text: 'Look' }) =>
    apiMultipart(w.app, token, `/api/v1/conversations/${conversation}/messages`, fields, files);
  const problemOf = async (
    res: Promise<Awaited<ReturnType<typeof send>>>,
  ): Promise<{ status: number; type: string; problem: Problem }> => {
    const r = await res;
    assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
    const problem = r.json<Problem>();
    return { status: r.statusCode, type: problem.type, problem };
  };

  const cases: [string, () => ReturnType<typeof send>, number, string, RegExp][] = [
    ['an SMS-only number', () => send(sms, [{ name: 'a.jpg', data: photo }]), 422, 'media-not-allowed', /./],
    [
      'over the number’s size',
      () => send(mms, [{ name: 'big.jpg', data: jpeg(800, 600, 150_000) }]),
      422,
      'media-too-large',
      /big\.jpg/,
    ],
    [
      'more files than the number takes',
      () =>
        send(
          mms,
          [1, 2, 3].map((i) => ({ name: `${i}.pdf`, data: pdf() })),
        ),
      422,
      'media-too-many',
      /2/,
    ],
    [
      'over every number’s size: cut off while read',
      () => send(mms, [{ name: 'huge.jpg', data: jpeg(800, 600, 2_200_000) }]),
      422,
      'media-too-large',
      /huge\.jpg/,
    ],
    [
      'more files than any number takes',
      () =>
        send(
          mms,
          Array.from({ length: 11 }, (_, i) => ({ name: `${i}.pdf`, data: pdf() })),
        ),
      422,
      'media-way-too-many',
      /10/,
    ],
    ['a type no phone opens', () => send(mms, [{ name: 'tool.jpg', data: elf() }]), 422, 'media-type', /tool\.jpg/],
    ['nothing at all', () => send(mms, [], {} as { text: string }), 422, 'sms-body-empty', /./],
  ];
  for (const [what, run, status, slug, detail] of cases) {
    await unchanged(world_, async () => {
      const got = await problemOf(run());
      assert.equal(got.status, status, `${what}: ${JSON.stringify(got.problem)}`);
      assert.equal(got.type, `https://switchboard.dev/problems/${slug}`, what);
      assert.match(got.problem.detail ?? '', detail, what);
      // The domain names the composer's fields: `body` is the text.
      assert.equal(got.problem.errors?.[0]?.field, slug === 'sms-body-empty' ? 'body' : 'files', what);
    });
  }
});

test('the send takes JSON or multipart, nothing else: 415 as a problem; other API routes take JSON only', async (t) => {
  const world_ = await world(t);
  const { w, token, sms, ana } = world_;
  const url = `/api/v1/conversations/${sms}/messages`;
  for (const [type, payload] of [
    ['application/x-www-form-urlencoded', 'text=hi'],
    ['text/plain', 'hi'],
    ['application/xml', '<text>hi</text>'],
  ]) {
    const res = await w.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': type! },
      payload,
    });
    assert.equal(res.statusCode, 415, type);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.json<Problem>().type, 'https://switchboard.dev/problems/unsupported-media-type');
  }
  assert.equal((await api(w.app, token, 'POST', url, { text: 'still JSON' })).statusCode, 201);
  const files = [{ name: 'a.pdf', data: pdf() }];
  const reader = buildToken(w, { user: ana, scopes: ['conversations:read'] });
  await unchanged(world_, async () => {
    assert.equal((await apiMultipart(w.app, reader, url, { text: 'hi' }, files)).statusCode, 403, 'no scope');
    const anonymous = await w.app.inject({ method: 'POST', url, headers: { 'content-type': 'multipart/form-data' } });
    assert.equal(anonymous.statusCode, 401, 'no token: nothing read');
  });
  const close = await apiMultipart(w.app, token, `/api/v1/conversations/${sms}/close`, {}, []);
  assert.equal(close.statusCode, 415, 'only the send reads files');
});

test('Idempotency-Key on a multipart send: the replay gets the first answer, one message, the files stored once', async (t) => {
  const world_ = await world(t);
  const { w, token } = world_;
  const c = world_.mms();
  const send = () =>
    apiMultipart(
      w.app,
      token,
      `/api/v1/conversations/${c}/messages`,
      { text: 'Once' },
      [{ name: 'photo.jpg', data: photo }],
      { 'idempotency-key': 'photo-1' },
    );
  const first = await send();
  assert.equal(first.statusCode, 201, first.body);
  await unchanged(world_, async () => {
    const again = await send();
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json());
  });
  assert.equal(w.sqlite.prepare('SELECT count(*) FROM attachments').pluck().get(), 1);
});

test('the OpenAPI document describes both bodies of the send: JSON with `text`, and a form with binary `files`', async (t) => {
  const w = await testApp(t);
  const doc = (await w.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
    paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: unknown }> } }>>;
  }>();
  const { content } = doc.paths['/api/v1/conversations/{id}/messages']!.post!.requestBody;
  assert.deepEqual(Object.keys(content), ['application/json', 'multipart/form-data']);
  assert.deepEqual((content['application/json']!.schema as { required: string[] }).required, ['text']);
  assert.deepEqual((content['multipart/form-data']!.schema as { properties: { files: unknown } }).properties.files, {
    description: 'One part per file, each with its file name.',
    type: 'array',
    items: { type: 'string', format: 'binary' },
  });
});
