import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import {
  buildCampaign,
  buildContact,
  buildConversation,
  buildInbox,
  buildNumber,
  buildUser,
  nextCustomer,
} from '../factories.ts';
import { exe, jpeg } from '../fixtures/media.ts';
import { storeTemplates } from '../../src/domain/messaging/templates.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

/** Support with a manager and an agent and a registered number; Sales with its own manager. */
async function world(t: TestContext) {
  const h = await testApp(t, { contacts: { default_country: 'US' } });
  const manager = await buildUser(h, { role: 'manager', name: 'Mia Manager' });
  const agent = await buildUser(h, { role: 'agent', name: 'Alex Agent' });
  const outsider = await buildUser(h, { role: 'manager', name: 'Sam Sales' });
  const support = buildInbox(h, { name: 'Support', members: [manager, agent] });
  buildInbox(h, { name: 'Sales', members: [outsider] });
  const number = buildNumber(h, { inbox: support, e164: '+15550100100' });
  return { h, manager, agent, outsider, support, number };
}

test('a manager creates a draft, adds a CSV and pasted numbers, writes the message and starts it; refusals come back in place', async (t) => {
  const { h, manager, number } = await world(t);
  const client = await signedIn(h.app, manager.email);

  const page = await client.get('/campaigns/new');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /\+1 555-010-0100|\(555\) 010-0100/);
  const nameless = await client.post('/campaigns', { name: '', number: String(number.id) });
  assert.equal(nameless.statusCode, 422, 'a campaign needs a name');
  assert.match(nameless.body, /aria-invalid="true"/);
  const created = await client.post('/campaigns', { name: 'Winter sale', number: String(number.id) });
  assert.equal(created.statusCode, 303);
  const editUrl = created.headers.location as string;
  const id = Number(/\/campaigns\/(\d+)\/edit$/.exec(editUrl)?.[1]);
  assert.ok(id > 0, editUrl);

  const editor = await client.get(editUrl);
  assert.equal(editor.statusCode, 200);
  for (const heading of ['Audience', 'Message', 'Schedule'])
    assert.match(editor.body, new RegExp(`</span> ${heading}</h2>`));
  assert.match(editor.body, /No tags yet\./, 'no empty tag list to choose from');
  assert.doesNotMatch(editor.body, /id="audience-tag"/);

  const csv = Buffer.from(
    'Name,Phone,Coupon\r\nAna,(555) 010-0201,AB12\r\nBen,not a number,CD34\r\nAna again,+15550100201,EF56\r\n',
  );
  const added = await client.postMultipart(
    `/campaigns/${id}/audience`,
    { source: 'csv' },
    [{ field: 'file', name: 'list.csv', data: csv, type: 'text/csv' }],
    HX,
  );
  assert.equal(added.statusCode, 200, added.body.slice(0, 300));
  assert.match(added.body, /^\s*<section id="campaign-audience"/, 'the audience fragment, not the page');
  assert.match(added.body, /data-count="will-receive">1</);
  assert.match(added.body, /not a number/, 'the line that could not be used is listed');
  assert.match(added.body, /id="message-version"[^>]*hx-swap-oob="true"/, 'the other forms follow the new version');
  assert.match(added.body, /id="campaign-preview"[^>]*hx-swap-oob/, 'the preview follows the audience');

  const pasted = await client.post(
    `/campaigns/${id}/audience`,
    { source: 'pasted', pasted: '+15550100202, +15550100203' },
    HX,
  );
  assert.equal(pasted.statusCode, 200);
  assert.match(pasted.body, /data-count="will-receive">3</);

  const versionOf = (body: string) => Number(/id="message-version" value="(\d+)"/.exec(body)?.[1]);
  const version = versionOf(pasted.body);
  const unknown = await client.postMultipart(
    `/campaigns/${id}/message`,
    {
      version: String(version),
      name: 'Winter sale',
      body: 'Hi {{contact.first_name}}, use {{voucher}}',
      footer: 'Shop: Reply STOP to opt out',
    },
    [],
    HX,
  );
  assert.equal(unknown.statusCode, 422, unknown.body.slice(0, 300));
  assert.match(unknown.body, /^\s*<section id="campaign-message"/, 'refused in its own section');
  assert.match(unknown.body, /voucher/);
  assert.match(
    unknown.body,
    /id="campaign-body"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*>Hi \{\{contact.first_name\}\}, use \{\{voucher\}\}/,
  );

  // Without server.public_url there is no address for short links: the preview says so and the start is refused.
  const tracked = await client.postMultipart(
    `/campaigns/${id}/message`,
    {
      version: String(version),
      name: 'Winter sale',
      body: 'Hi {{contact.first_name}}: https://shop.example/winter',
      footer: 'Shop: Reply STOP to opt out',
      track_links: '1',
    },
    [],
    HX,
  );
  assert.equal(tracked.statusCode, 200, tracked.body.slice(0, 400));
  assert.match(tracked.body, /Track links needs server\.public_url/);
  const unaddressed = await client.post(
    `/campaigns/${id}/start`,
    { version: String(versionOf(tracked.body)), when: 'now', rate: '60' },
    HX,
  );
  assert.equal(unaddressed.statusCode, 422);
  assert.match(unaddressed.body, /^\s*<section id="campaign-schedule"[\s\S]*An admin must set server\.public_url/);

  const saved = await client.postMultipart(
    `/campaigns/${id}/message`,
    {
      version: String(versionOf(tracked.body)),
      name: 'Winter sale',
      body: 'Hi {{contact.first_name}}, use {{coupon}}',
      footer: 'Shop: Reply STOP to opt out',
    },
    [],
    HX,
  );
  assert.equal(saved.statusCode, 200, saved.body.slice(0, 400));
  assert.match(saved.body, /Message saved\./);
  const preview = await client.get(`/campaigns/${id}/preview?index=0`, HX.headers);
  assert.equal(preview.statusCode, 200);
  assert.match(preview.body, /use AB12/, 'the CSV column fills its placeholder');
  assert.match(preview.body, /GSM-7/);

  const tooFast = await client.post(
    `/campaigns/${id}/start`,
    { version: String(versionOf(saved.body)), when: 'now', rate: '100000' },
    HX,
  );
  assert.equal(tooFast.statusCode, 422);
  assert.match(tooFast.body, /^\s*<section id="campaign-schedule"/);
  assert.match(tooFast.body, /id="campaign-rate"[^>]*aria-invalid="true"/);
  const stale = await client.post(`/campaigns/${id}/start`, { version: '0', when: 'now', rate: '60' }, HX);
  assert.equal(stale.statusCode, 409, 'a form from before the last change is refused');

  const started = await client.post(
    `/campaigns/${id}/start`,
    { version: String(versionOf(saved.body)), when: 'now', rate: '60' },
    HX,
  );
  assert.equal(started.statusCode, 204, started.body.slice(0, 300));
  assert.equal(started.headers['hx-location'], `/campaigns/${id}`);
  const show = await client.get(`/campaigns/${id}`);
  assert.equal(show.statusCode, 200);
  assert.match(show.body, /id="campaign-progress-\d+"/);
  assert.match(show.body, /Pause/);
  assert.equal((await client.get(editUrl)).statusCode, 303, 'a started campaign is not edited');

  const paused = await client.post(`/campaigns/${id}/pause`, {}, HX);
  assert.equal(paused.statusCode, 200);
  assert.match(paused.body, /Resume/);
  const again = await client.post(`/campaigns/${id}/pause`, {}, HX);
  assert.equal(again.statusCode, 200, 'pausing a paused campaign changes nothing');
});

test('rights: an agent reads campaigns of their inbox but cannot create, edit or pause; another inbox’s campaign does not exist', async (t) => {
  const { h, agent, outsider, number } = await world(t);
  const { id } = buildCampaign(h, { number, name: 'Spring' });
  const draft = buildCampaign(h, { number, name: 'Draft one', state: 'draft' });
  const client = await signedIn(h.app, agent.email);

  const list = await client.get('/campaigns');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Spring/);
  assert.doesNotMatch(list.body, /href="\/campaigns\/new"/, 'no New campaign for an agent');
  assert.equal((await client.get(`/campaigns/${id}`)).statusCode, 200);
  assert.equal((await client.get(`/campaigns/${id}/report.csv`)).statusCode, 200);
  assert.equal((await client.post('/campaigns', { name: 'Mine', number: String(number.id) })).statusCode, 403);
  assert.equal((await client.get(`/campaigns/${draft.id}/edit`)).statusCode, 403);
  assert.equal(
    (await client.post(`/campaigns/${draft.id}/audience`, { source: 'pasted', pasted: '+15550100209' })).statusCode,
    403,
  );
  assert.equal((await client.post(`/campaigns/${id}/pause`, {})).statusCode, 403);
  assert.equal((await client.post(`/campaigns/${id}/cancel`, {})).statusCode, 403);
  assert.doesNotMatch((await client.get(`/campaigns/${id}`)).body, /action="\/campaigns\/\d+\/pause"/);

  const sales = await signedIn(h.app, outsider.email);
  assert.doesNotMatch((await sales.get('/campaigns')).body, /Spring/);
  for (const url of [`/campaigns/${id}`, `/campaigns/${id}/report.csv`, `/campaigns/${draft.id}/edit`])
    assert.equal((await sales.get(url)).statusCode, 404, url);
  assert.equal((await sales.post(`/campaigns/${id}/pause`, {})).statusCode, 404);
});

test('the report CSV: every recipient, cells escaped and never read as a formula', async (t) => {
  const { h, manager, number } = await world(t);
  const phone = nextCustomer();
  const contact = buildContact(h, { name: '=HYPERLINK("https://evil.example","Click, me")', phones: [phone] });
  const { id } = buildCampaign(h, { number, phones: [phone, nextCustomer()] });
  // Planning links a recipient to the team's contact with that number; the factory leaves that to the test.
  h.sqlite.prepare('UPDATE campaign_recipients SET contact_id = ? WHERE phone = ?').run(contact.id, phone);
  const client = await signedIn(h.app, manager.email);
  const res = await client.get(`/campaigns/${id}/report.csv`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  assert.match(String(res.headers['content-disposition']), new RegExp(`attachment; filename="campaign-${id}.csv"`));
  const lines = res.body.trimEnd().split('\r\n');
  assert.equal(
    lines[0],
    'phone,name,state,skip_reason,message_status,error_code,error,queued_at,replied_at,opted_out_at,clicks',
  );
  assert.equal(lines.length, 3, 'a header and two recipients');
  assert.ok(
    lines.some((l) => l.includes(`"'=HYPERLINK(""https://evil.example"",""Click, me"")"`)),
    `the name is quoted and defused: ${lines.join(' | ')}`,
  );
});

test('the contact form keeps a time zone, refusing one that is none', async (t) => {
  const { h } = await world(t);
  const admin = await buildUser(h, { role: 'admin' });
  const contact = buildContact(h, { name: 'Zoe' });
  const client = await signedIn(h.app, admin.email);
  const wrong = await client.post(`/contacts/${contact.id}`, {
    name: 'Zoe',
    phones: contact.phones[0]!,
    time_zone: 'Mars/Olympus',
  });
  assert.equal(wrong.statusCode, 422);
  const ok = await client.post(`/contacts/${contact.id}`, {
    name: 'Zoe',
    phones: contact.phones[0]!,
    time_zone: 'US/Pacific',
  });
  assert.equal(ok.statusCode, 303);
  assert.equal(
    h.sqlite.prepare('SELECT time_zone FROM contacts WHERE id = ?').pluck().get(contact.id),
    'America/Los_Angeles',
  );
});

test('the audience from a tag and from a list filter: the conversations’ phones, counted once', async (t) => {
  const { h, manager, number, support } = await world(t);
  const client = await signedIn(h.app, manager.email);
  const vip = buildConversation(h, { number, texts: ['hi'] });
  buildConversation(h, { number, texts: ['hello'] });
  assert.ok((await client.post(`/conversations/${vip.id}/tags`, { tag: 'vip' })).statusCode < 400);
  const tagId = Number(h.sqlite.prepare("SELECT id FROM tags WHERE name = 'vip'").pluck().get());
  const created = await client.post('/campaigns', { name: 'VIPs', number: String(number.id) });
  const id = Number(/\/campaigns\/(\d+)\/edit$/.exec(created.headers.location as string)?.[1]);

  const tagged = await client.post(`/campaigns/${id}/audience`, { source: 'tag', tag: String(tagId) }, HX);
  assert.equal(tagged.statusCode, 200, tagged.body.slice(0, 300));
  assert.match(tagged.body, /data-count="will-receive">1</);
  const filtered = await client.post(
    `/campaigns/${id}/audience`,
    { source: 'filter', inbox: String(support.id), status: 'any', assignee: 'anyone', tag: '' },
    HX,
  );
  assert.equal(filtered.statusCode, 200, filtered.body.slice(0, 300));
  assert.match(filtered.body, /data-count="will-receive">2</, 'the tagged one merged, the other added');
  assert.match(filtered.body, /Added: 1 · already in the audience: 1/);

  const noTag = await client.post(`/campaigns/${id}/audience`, { source: 'tag', tag: '' }, HX);
  assert.equal(noTag.statusCode, 422);
  assert.match(noTag.body, /id="audience-tag"[^>]*aria-invalid="true"/);
  const badFilter = await client.post(`/campaigns/${id}/audience`, { source: 'filter', status: 'maybe' }, HX);
  assert.equal(badFilter.statusCode, 400, 'a filter that is none is refused like the list’s');
});

test('files for every text: a picture kept with the draft, a program refused in place, more added, each removed on its own', async (t) => {
  const { h, manager, number } = await world(t);
  const client = await signedIn(h.app, manager.email);
  const { id } = buildCampaign(h, { number, state: 'draft' });
  const version = () => String(h.sqlite.prepare('SELECT version FROM campaigns WHERE id = ?').pluck().get(id));
  const message = (files: { name: string; data: Buffer }[], extra: Record<string, string> = {}) =>
    client.postMultipart(
      `/campaigns/${id}/message`,
      { version: version(), name: 'Pictures', body: 'Look', footer: 'Reply STOP to opt out', ...extra },
      files,
      HX,
    );
  const saved = await message([{ name: 'shop.jpg', data: jpeg() }]);
  assert.equal(saved.statusCode, 200, saved.body.slice(0, 300));
  assert.match(saved.body, /shop\.jpg/);
  const program = await message([{ name: 'run.exe', data: exe() }]);
  assert.equal(program.statusCode, 422);
  assert.match(program.body, /id="campaign-files"[^>]*aria-invalid="true"/);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM campaign_files').pluck().get(), 1, 'the picture stays');
  const more = await message([{ name: 'window.jpg', data: jpeg() }]);
  assert.equal(more.statusCode, 200, more.body.slice(0, 300));
  assert.match(more.body, /shop\.jpg[\s\S]*window\.jpg/, 'a file given joins the list');
  assert.match(more.body, /<input type="checkbox" id="campaign-file-remove-0" name="remove_file" value="0">/);
  assert.match(more.body, /<label for="campaign-file-remove-1">Remove window\.jpg<\/label>/);
  const fewer = await message([], { remove_file: '0' });
  assert.equal(fewer.statusCode, 200);
  assert.deepEqual(h.sqlite.prepare('SELECT filename FROM campaign_files').pluck().all(), ['window.jpg']);
  assert.equal((await message([], { remove_file: 'first' })).statusCode, 400, 'a position that is none');
  const emptied = await message([], { remove_file: '0' });
  assert.equal(emptied.statusCode, 200);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM campaign_files').pluck().get(), 0);
});

test('a WhatsApp campaign picks an approved template and fills its variables; refusals come back in place', async (t) => {
  const { h, manager, support } = await world(t);
  const wa = buildNumber(h, { inbox: support, e164: '+15550100900', whatsapp: 'wa-main' });
  storeTemplates(h.app.domain, 'wa-main', [
    { name: 'spring_sale', language: 'en_US', status: 'APPROVED', category: 'MARKETING', body: 'Hi {{1}}, {{2}} off.' },
    { name: 'order_ready', language: 'en_US', status: 'APPROVED', category: 'UTILITY', body: 'Order {{1}} is ready.' },
    { name: 'not_yet', language: 'en_US', status: 'PENDING', category: 'MARKETING', body: 'Soon' },
  ]);
  const client = await signedIn(h.app, manager.email);
  assert.match((await client.get('/campaigns/new')).body, /010-0900[^<]*· Support · WhatsApp/);
  const created = await client.post('/campaigns', { name: 'Spring', number: String(wa.id) });
  assert.equal(created.statusCode, 303);
  const id = Number(/\/campaigns\/(\d+)\/edit$/.exec(created.headers.location as string)?.[1]);
  const pasted = await client.post(`/campaigns/${id}/audience`, { source: 'pasted', pasted: '+15550100301' }, HX);
  assert.equal(pasted.statusCode, 200);
  const versionOf = (body: string) => /id="message-version" value="(\d+)"/.exec(body)?.[1] ?? '';
  const version = versionOf(pasted.body);

  const editor = await client.get(`/campaigns/${id}/edit`);
  assert.match(
    editor.body,
    /<option value="spring_sale\|en_US">spring_sale \(en_US\): Hi \{\{1\}\}, \{\{2\}\} off\.<\/option>/,
  );
  assert.doesNotMatch(editor.body, /not_yet/, 'only approved templates are offered');
  assert.doesNotMatch(editor.body, /id="campaign-var\d+"/, 'no variables before a template is chosen');
  assert.match(editor.body, /id="campaign-template-text">Choose a template to see its text and fill its variables\./);
  assert.match(
    editor.body,
    /<noscript><button type="submit"[^>]*>Use this template<\/button><\/noscript>/,
    'without JavaScript a button takes the choice',
  );
  assert.match(editor.body, /hx-get="\/campaigns\/\d+\/message\/template"[^>]*hx-include="#campaign-template-fields"/);
  assert.doesNotMatch(
    editor.body,
    /id="campaign-body"|id="campaign-footer"|id="campaign-files"/,
    'no text, footer or files',
  );
  assert.match(editor.body, /carry their own opt-out/);

  // Choosing a template (htmx) redraws its own variables, with what was typed so far; {{1}} starts as the first name.
  const fields = (query: string) => client.get(`/campaigns/${id}/message/template?${query}`, HX.headers);
  const two = await fields('template=spring_sale%7Cen_US');
  assert.equal(two.statusCode, 200);
  assert.match(two.body, /^\s*<div id="campaign-template-fields"/, 'only the fields');
  assert.match(two.body, /Template text:<\/strong> <span[^>]*>Hi \{\{1\}\}, \{\{2\}\} off\.<\/span>/);
  assert.match(two.body, /id="campaign-var1"[^>]*value="\{\{contact.first_name\}\}"/, '{{1}} starts as the first name');
  assert.match(two.body, /id="campaign-var2"[^>]*value=""/);
  const one = await fields('template=order_ready%7Cen_US&var1=Dear+%7B%7Bcontact.name%7D%7D&var2=20%25');
  assert.match(one.body, /id="campaign-var1"[^>]*value="Dear \{\{contact.name\}\}"/, 'what was typed stays');
  assert.doesNotMatch(one.body, /id="campaign-var2"/, 'the chosen template has one variable');
  assert.match((await fields('template=')).body, /Choose a template to see its text/);
  const page = await client.get(`/campaigns/${id}/message/template?template=order_ready%7Cen_US`);
  assert.equal(page.statusCode, 303, 'without htmx: the editor');

  const unknown = await client.postMultipart(
    `/campaigns/${id}/message`,
    { version, name: 'Spring', template: 'spring_sale|en_US', var1: '{{contact.first_name}}', var2: '{{voucher}}' },
    [],
    HX,
  );
  assert.equal(unknown.statusCode, 422, unknown.body.slice(0, 300));
  assert.match(unknown.body, /^\s*<section id="campaign-message"/, 'refused in its own section');
  assert.match(unknown.body, /id="campaign-var2"[^>]*value="\{\{voucher\}\}"[^>]*aria-invalid="true"/);
  assert.match(unknown.body, /id="campaign-var2-error"[^>]*>[^<]*\{\{voucher\}\}/);
  const none = await client.postMultipart(
    `/campaigns/${id}/message`,
    { version, name: 'Spring', template: '' },
    [],
    HX,
  );
  assert.equal(none.statusCode, 422);
  assert.match(none.body, /id="campaign-template"[^>]*aria-invalid="true"/);

  // Without JavaScript: the choice alone is saved (no fields were shown) and the editor shows its variables.
  const chosen = await client.postMultipart(
    `/campaigns/${id}/message`,
    { version, name: 'Spring', template: 'spring_sale|en_US' },
    [],
  );
  assert.equal(chosen.statusCode, 200, chosen.body.slice(0, 400));
  assert.match(chosen.body, /<h1>/, 'the whole editor');
  assert.match(chosen.body, /id="campaign-var1"[^>]*value="\{\{contact.first_name\}\}"/);
  assert.match(chosen.body, /id="campaign-var2"[^>]*value=""/);
  const empty = await client.post(
    `/campaigns/${id}/start`,
    { version: versionOf(chosen.body), when: 'now', rate: '60' },
    HX,
  );
  assert.equal(empty.statusCode, 422, 'a variable left empty is refused at Send');
  assert.match(empty.body, /Variable 2 has no text yet\./);

  const saved = await client.postMultipart(
    `/campaigns/${id}/message`,
    {
      version: versionOf(chosen.body),
      name: 'Spring',
      template: 'spring_sale|en_US',
      var1: '{{contact.first_name}}',
      var2: '20%',
    },
    [],
    HX,
  );
  assert.equal(saved.statusCode, 200, saved.body.slice(0, 400));
  assert.match(saved.body, /<option value="spring_sale\|en_US" selected>/);
  const preview = await client.get(`/campaigns/${id}/preview?index=0`, HX.headers);
  assert.match(preview.body, /Hi , 20% off\./, 'the template filled for the recipient (no name known)');
  assert.match(preview.body, /class="warning"[^]*they will be skipped/, 'an empty variable is told before sending');
  assert.doesNotMatch(preview.body, /GSM-7|UCS-2/, 'no SMS segments for a template');

  // Switched to a template with fewer variables (the old fields still posted without JavaScript): the extra is dropped.
  const switched = await client.postMultipart(
    `/campaigns/${id}/message`,
    {
      version: versionOf(saved.body),
      name: 'Spring',
      template: 'order_ready|en_US',
      var1: 'A-17',
      var2: '{{voucher}}',
    },
    [],
    HX,
  );
  assert.equal(switched.statusCode, 200, switched.body.slice(0, 400));
  assert.doesNotMatch(switched.body, /id="campaign-var2"/);
  const template = h.sqlite.prepare('SELECT template FROM campaigns WHERE id = ?').pluck().get(id) as string;
  assert.deepEqual(JSON.parse(template), { name: 'order_ready', language: 'en_US', params: ['A-17'] });
  const next = await client.get(`/campaigns/${id}/preview?index=0`, HX.headers);
  assert.match(next.body, /Order A-17 is ready\./);
});

test('New campaign is refused (403) to an agent and not offered on the list; a manager without a number is told why', async (t) => {
  const { h, agent } = await world(t);
  const client = await signedIn(h.app, agent.email);
  const list = await client.get('/campaigns');
  assert.equal(list.statusCode, 200);
  assert.doesNotMatch(list.body, /href="\/campaigns\/new"/, 'no New campaign link for an agent');
  const refused = await client.get('/campaigns/new');
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /You are not allowed to do that\./, 'the usual forbidden page');
  assert.doesNotMatch(refused.body, /None of your inboxes has a number/);

  const lonely = await buildUser(h, { role: 'manager', name: 'Nia Numberless' });
  buildInbox(h, { name: 'Front desk', members: [lonely] });
  const manager = await signedIn(h.app, lonely.email);
  assert.match((await manager.get('/campaigns')).body, /href="\/campaigns\/new"/, 'a manager is offered it');
  const explained = await manager.get('/campaigns/new');
  assert.equal(explained.statusCode, 200);
  assert.match(explained.body, /None of your inboxes has a number you may send campaigns from\./);
});
