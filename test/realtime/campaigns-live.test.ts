import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import WebSocket from 'ws';
import { cancelCampaign } from '../../src/domain/campaigns/lifecycle.ts';
import { createCampaign } from '../../src/domain/campaigns/service.ts';
import { campaignSettingsOf } from '../../src/domain/campaigns/settings.ts';
import { PROGRESS_EVERY_MS } from '../../src/realtime/campaigns.ts';
import { buildCampaign, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { buildTestApp, signedIn, until } from '../helper.ts';

/** A tab showing `path`: every fragment pushed after the catch-up one. */
async function tab(port: number, path: string, cookie: string) {
  const received: string[] = [];
  const socket = new WebSocket(`ws://127.0.0.1:${port}/live?path=${encodeURIComponent(path)}`, { headers: { cookie } });
  await new Promise<void>((resolve, reject) => {
    socket.once('message', () => {
      socket.on('message', (more) => received.push((more as Buffer).toString()));
      resolve();
    });
    socket.once('error', reject);
  });
  return { socket, received };
}

/** A listening app with Mia (manager) and Ana (agent) in Support, Sam (manager) in Sales; `open` starts a tab. */
async function liveWorld(t: TestContext) {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const [mia, ana, sam] = await Promise.all([
    buildUser(h, { role: 'manager', name: 'Mia' }),
    buildUser(h, { name: 'Ana' }),
    buildUser(h, { role: 'manager', name: 'Sam' }),
  ]);
  const support = buildInbox(h, { name: 'Support', members: [mia, ana] });
  const sales = buildInbox(h, { name: 'Sales', members: [sam] });
  const open = async (user: { email: string }, path: string) =>
    tab(port, path, (await signedIn(h.app, user.email)).cookieHeader);
  return { h, mia, ana, sam, support, sales, open };
}

const progressOf = (frames: string[]) => frames.filter((f) => f.includes('id="campaign-progress-'));

test('campaign progress is pushed to the tabs showing that campaign, to those who may read it, at most once a second', async (t) => {
  const { h, mia, ana, sam, support, open } = await liveWorld(t);
  // Paused by hand: the app's own dispatcher leaves it be while the test changes it.
  const campaign = buildCampaign(h, { number: buildNumber(h, { inbox: support }), name: 'Spring', state: 'paused' });
  const page = `/campaigns/${campaign.id}`;
  const tabs = {
    mia: await open(mia, page),
    ana: await open(ana, page),
    miaList: await open(mia, '/campaigns'),
    sam: await open(sam, page),
  };
  t.after(() => Object.values(tabs).forEach((x) => x.socket.close()));

  // A burst of changes: drawn at once for the first, once more when the second is up for the rest.
  const started = Date.now();
  for (let i = 0; i < 5; i++)
    h.app.domain.events.emit('campaign.changed', { campaignId: campaign.id, inboxId: support.id });
  await until(() => progressOf(tabs.ana.received).length === 1, 'the first change at once');
  await until(() => progressOf(tabs.ana.received).length === 2, 'the rest after the second');
  assert.ok(Date.now() - started >= PROGRESS_EVERY_MS - 50, 'not sooner than a second after the first');
  await sleep(PROGRESS_EVERY_MS + 200);
  assert.equal(progressOf(tabs.ana.received).length, 2, 'five changes, two pushes');
  assert.equal(progressOf(tabs.mia.received).length, 2);

  // What each may do: the manager gets Resume and Cancel, the agent only reads.
  assert.match(progressOf(tabs.mia.received)[0]!, /action="\/campaigns\/\d+\/resume"/);
  assert.doesNotMatch(progressOf(tabs.ana.received)[0]!, /action="\/campaigns/);
  assert.match(progressOf(tabs.ana.received)[0]!, /hx-swap-oob="true"/);

  // A real change after the second: pushed with what changed.
  cancelCampaign(h.app.domain, mia.actor, campaign.id);
  await until(() => progressOf(tabs.ana.received).some((f) => f.includes('Cancelled')), 'the cancel, live');
  await until(() => progressOf(tabs.mia.received).some((f) => f.includes('Cancelled')), 'at the manager’s too');
  assert.doesNotMatch(progressOf(tabs.mia.received).at(-1)!, /action="\/campaigns/, 'nothing left to do');

  // Not to another page of the same user, nor to someone who cannot see the inbox.
  assert.deepEqual(progressOf(tabs.miaList.received), []);
  assert.deepEqual(progressOf(tabs.sam.received), []);
});

/** The frames that redraw (or bring) this campaign's row of the list. */
const rowsOf = (frames: string[], campaignId: number) =>
  frames.filter((f) => f.includes(`<tr id="campaign-row-${campaignId}"`));

test('the campaign list is live: a changed campaign’s row is redrawn and a new draft appears, for those who see its inbox', async (t) => {
  const { h, mia, ana, sam, support, sales, open } = await liveWorld(t);
  const number = buildNumber(h, { inbox: support });
  // Paused by hand: the app's own dispatcher leaves them be while the test changes them.
  const spring = buildCampaign(h, { number, name: 'Spring', state: 'paused', phones: ['+15550100201'] });
  const fair = buildCampaign(h, { number: buildNumber(h, { inbox: sales }), name: 'Fair', state: 'paused' });
  const tabs = {
    mia: await open(mia, '/campaigns'),
    ana: await open(ana, '/campaigns'),
    anaElsewhere: await open(ana, '/conversations'),
    sam: await open(sam, '/campaigns'),
  };
  t.after(() => Object.values(tabs).forEach((x) => x.socket.close()));

  // The state changes: the row is drawn again, in place (by its id), with what it says now.
  cancelCampaign(h.app.domain, mia.actor, spring.id);
  const cancelled = await until(
    () => rowsOf(tabs.ana.received, spring.id).find((f) => f.includes('Cancelled')),
    'the cancelled row at the agent’s list',
  );
  assert.match(cancelled, /<hx-upsert hx-target="#campaign-rows" key="data-order" sort="desc">/);
  assert.match(cancelled, /1 of 1/, 'its progress: the one recipient skipped');
  await until(() => rowsOf(tabs.mia.received, spring.id).some((f) => f.includes('Cancelled')), 'and the manager’s');

  // Another manager's new draft appears; the manager's row opens the editor, the agent's the campaign page.
  const draft = createCampaign(h.app.domain, mia.actor, campaignSettingsOf(h.app.configStore.current), {
    name: 'Autumn',
    numberId: number.id,
  });
  const agentRow = await until(() => rowsOf(tabs.ana.received, draft.id)[0], 'the new draft at the agent’s list');
  assert.match(agentRow, /Autumn/);
  assert.match(agentRow, new RegExp(`href="/campaigns/${draft.id}"`));
  assert.match(agentRow, /hx-target="#campaign-none" hx-swap="delete"/, 'no longer "no campaigns yet"');
  const managerRow = await until(() => rowsOf(tabs.mia.received, draft.id)[0], 'and at the manager’s');
  assert.match(managerRow, new RegExp(`href="/campaigns/${draft.id}/edit"`));

  // Sam sees only Sales: a change there reaches him, after (had they come) Support's rows on the same socket.
  cancelCampaign(h.app.domain, sam.actor, fair.id);
  await until(() => rowsOf(tabs.sam.received, fair.id).length > 0, 'the Sales row at Sam’s list');
  assert.deepEqual(rowsOf(tabs.sam.received, spring.id), []);
  assert.deepEqual(rowsOf(tabs.sam.received, draft.id), []);
  assert.deepEqual(rowsOf(tabs.ana.received, fair.id), [], 'nor Sales to Support');
  // Nor to a tab of another page.
  assert.deepEqual(rowsOf(tabs.anaElsewhere.received, spring.id), []);
  assert.deepEqual(rowsOf(tabs.anaElsewhere.received, draft.id), []);
});
