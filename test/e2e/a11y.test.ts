/**
 * axe-core in Chromium on every page of the app, for an admin and an agent, in English and German: no serious or
 * critical violations. Each page is checked as it first draws, after htmx and the live socket have started.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { createCanned } from '../../src/domain/canned/service.ts';
import { receiveMessage } from '../../src/domain/messaging/inbound.ts';
import { storeTemplates } from '../../src/domain/messaging/templates.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { createEndpoint } from '../../src/domain/webhooks/endpoints.ts';
import { sendTestEvent } from '../../src/domain/webhooks/queue.ts';
import {
  buildChat,
  buildContact,
  buildConversation,
  buildInbox,
  buildCampaign,
  buildNote,
  buildNumber,
  buildToken,
  buildUser,
  type User,
} from '../factories.ts';
import { browserFor, noChromium, pageFor, serverFor, signIn } from './browser.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe's serious and critical violations on the page as it is now. */
async function violations(page: Page): Promise<Finding[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') does not apply.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResults> } }).axe;
    type AxeResults = {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    };
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
  });
}

/** A small world in which every page has something to show. */
async function world(t: TestContext) {
  const s = await serverFor(t, { contacts: { default_country: 'US' }, webhooks: { allow_private: true } });
  const people = {
    admin: await buildUser(s, { role: 'admin', name: 'Ada Admin' }),
    agent: await buildUser(s, { role: 'agent', name: 'Ana Agent' }),
    adminDe: await buildUser(s, { role: 'admin', name: 'Anke Admin', locale: 'de' }),
    agentDe: await buildUser(s, { role: 'agent', name: 'Bernd Agent', locale: 'de' }),
  };
  const members = Object.values(people);
  const inbox = buildInbox(s, { name: 'Support', members });
  const number = buildNumber(s, { inbox });
  const carla = buildContact(s, { name: 'Carla Customer' });
  const conversation = buildConversation(s, {
    number,
    from: carla.phones[0],
    texts: ['Hello, is my order on its way?'],
  });
  buildNote(s, { conversation: conversation.id, author: people.agent, body: 'Checking with the warehouse.' });
  const chat = buildChat(s, { by: people.admin, members, name: 'Team' });
  for (const user of members) buildToken(s, { user, name: 'CRM', scopes: ['conversations:read'] });
  createCanned(s.app.domain, people.agent.actor, 'personal', { title: 'Thanks', keyword: 'thanks', body: 'Thanks!' });
  // WhatsApp: one conversation inside the 24-hour window (a shared place and a contact card, the reply-to action),
  // one outside it (the template picker).
  const whatsapp = buildNumber(s, { inbox, whatsapp: 'wa-main', e164: '+15551230000' });
  storeTemplates(s.app.domain, 'wa-main', [
    { name: 'order_update', language: 'en', status: 'APPROVED', category: 'UTILITY', body: 'Hi {{1}}, {{2}} shipped.' },
  ]);
  const whatsappIn = (from: string, message: Record<string, unknown>) => {
    const stored = receiveMessage(
      s.app.domain,
      { from, to: whatsapp.e164, text: '', channelMessageId: `wamid.${from}.${String(Math.random())}`, ...message },
      () => defaultKeywordTexts,
    );
    assert.ok(stored.stored);
    return stored.conversationId;
  };
  const inWindow = whatsappIn('+15557650001', {
    text: 'Here I am',
    location: { latitude: 52.52, longitude: 13.405, name: 'Shop', address: 'Main St 1' },
  });
  whatsappIn('+15557650001', { contacts: [{ name: 'Dana Driver', phones: ['+15557650002'] }] });
  const now = s.app.domain.now;
  s.app.domain.now = () => now() - 2 * 86_400_000;
  const closed = whatsappIn('+15557650003', { text: 'Old question' });
  s.app.domain.now = now;
  // A webhook endpoint whose receiver refuses connections: its log has a failed try waiting for the next.
  const hook = await createEndpoint(
    s.app.domain,
    people.admin.actor,
    { url: 'http://127.0.0.1:9/hook', description: 'CRM', events: ['message.created'] },
    true,
  );
  sendTestEvent(s.app.domain, people.admin.actor, hook.id);
  // A campaign under way (its page with progress and recipients) and a draft (the editor, with a preview).
  const campaign = buildCampaign(s, { number, name: 'Spring sale', phones: [carla.phones[0]!, '+15557650009'] });
  const draft = buildCampaign(s, { number, name: 'Summer sale', state: 'draft' });
  return {
    campaign: campaign.id,
    draft: draft.id,
    s,
    people,
    inbox: inbox.id,
    conversation: conversation.id,
    chat,
    whatsapp: [inWindow, closed],
    webhook: hook.id,
  };
}

type World = Awaited<ReturnType<typeof world>>;

/** The pages a user of this role opens, as paths. */
function pagesFor(w: World, user: User): string[] {
  const everyone = [
    '/conversations',
    '/conversations?view=mine',
    '/conversations?view=closed',
    `/conversations/${w.conversation}`,
    ...w.whatsapp.map((id) => `/conversations/${id}`),
    '/conversations/new',
    '/chats',
    `/chats/${w.chat}`,
    '/favourites',
    '/canned',
    '/settings',
    '/settings/api-tokens',
    '/api/v1/docs',
    '/search',
    // A text, a note and a contact match: a result of each kind, the words marked.
    '/search?q=order',
    '/search?q=warehouse',
    '/search?q=carla',
    '/search?q=nothing%20like%20this',
    '/campaigns',
    `/campaigns/${w.campaign}`,
  ];
  if (user.role !== 'admin') return everyone;
  return [
    ...everyone,
    '/conversations?view=spam',
    '/surveys',
    '/campaigns/new',
    `/campaigns/${w.draft}/edit`,
    '/admin/users',
    '/admin/inboxes',
    `/admin/inboxes/${w.inbox}`,
    '/admin/connections',
    '/admin/backups',
    '/admin/webhooks',
    '/admin/webhooks/new',
    `/admin/webhooks/${w.webhook}`,
    '/admin/audit',
  ];
}

/** Opens each page and collects what axe finds, page by page. */
async function audit(page: Page, paths: string[]): Promise<Record<string, Finding[]>> {
  const found: Record<string, Finding[]> = {};
  for (const path of paths) {
    const response = await page.goto(path);
    assert.equal(response?.status(), 200, `${path} opens`);
    await page.waitForLoadState('networkidle');
    const list = await violations(page);
    if (list.length) found[path] = list;
  }
  return found;
}

const WHO = ['admin', 'agent', 'adminDe', 'agentDe'] as const;

/** One test per person (each page takes a second or two of axe): every page they open, and the sign-in page. */
for (const who of WHO) {
  test(`axe finds no serious or critical violations on any page: ${who}`, { skip: noChromium }, async (t) => {
    const browser = await browserFor(t);
    const w = await world(t);
    const user = w.people[who];
    const page = await pageFor(t, browser, w.s.baseURL);
    if (who === 'admin') assert.deepEqual(await audit(page, ['/login']), {}, 'signed out');
    await signIn(page, user.email);
    assert.deepEqual(await audit(page, pagesFor(w, user)), {}, `${who} (${user.role}, ${user.locale})`);
  });
}
