/**
 * The README's screenshots, from a seeded demo: `npm run screenshots` builds a fresh app (its own temporary data
 * directory, the sandbox SMSC), fills it through the domain as test/factories.ts does (teammates, inboxes, contacts,
 * conversations with texts, a reply, a note, an assignment), signs in with Debian's Chromium and saves
 * docs/screenshots/desktop.png (1 280 × 800) and phone.png (360 × 740).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assignConversation } from '../src/domain/conversations/actions.ts';
import { getConversation } from '../src/domain/conversations/queries.ts';
import { queueReply } from '../src/domain/messaging/outbox.ts';
import { launchBrowser, newContext, signIn, startServerWithSandbox } from '../test/e2e/browser.ts';
import {
  atTime,
  buildContact,
  buildConversation,
  buildInbox,
  buildNote,
  buildUser,
  staffInbox,
} from '../test/factories.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const MINUTE = 60_000;

const s = await startServerWithSandbox();
const browser = await launchBrowser();
try {
  const grace = await buildUser(s, { role: 'admin', name: 'Grace Hopper' });
  const alan = await buildUser(s, { name: 'Alan Turing' });
  const katherine = await buildUser(s, { name: 'Katherine Johnson' });
  staffInbox(s, 'Support', [grace, alan, katherine]);
  buildInbox(s, { name: 'Sales', members: [grace, katherine] });

  const start = s.app.domain.now() - 3 * 60 * MINUTE;
  const at = (minutes: number) => start + minutes * MINUTE;
  const people = [
    { name: 'Maria Schmidt', company: 'Bäckerei Schmidt', texts: ['Hi! Is my order #4711 ready for pick-up today?'] },
    { name: 'James Carter', texts: ['Can I change the delivery address to 12 Elm Street?'] },
    { name: 'Priya Patel', texts: ['Thanks, the replacement arrived and works great 🙌'] },
    { name: 'Tom Becker', texts: ['Do you deliver on Sundays?'] },
    { name: 'Lena Fischer', texts: ['The invoice shows the wrong VAT number. Could you send a corrected one?'] },
    { name: 'Omar Haddad', texts: ['Is the 20% discount still on?'] },
  ];
  const conversations = people.map((p, i) => {
    const contact = buildContact(s, { name: p.name, ...(p.company ? { company: p.company } : {}) });
    return atTime(s, at(i * 17), () =>
      buildConversation(s, { inbox: 'Support', from: contact.phones[0]!, texts: p.texts }),
    );
  });
  // The one shown: a short exchange with a reply, a note and an assignment.
  const maria = conversations[0]!;
  atTime(s, at(95), () =>
    queueReply(s.app.domain, alan.actor, maria.id, 'Hi Maria! It is being packed right now — ready from 3 pm.'),
  );
  atTime(s, at(97), () =>
    buildNote(s, { conversation: maria, author: alan, body: '@Katherine can you double-check the rye loaves?' }),
  );
  atTime(s, at(101), () =>
    buildConversation(s, { number: maria.to, from: maria.phone, texts: ['Perfect, see you at 3!'] }),
  );
  const version = getConversation(s.app.domain, grace.actor, maria.id).version;
  atTime(s, at(102), () => assignConversation(s.app.domain, alan.actor, maria.id, version, alan.id));

  mkdirSync(OUT, { recursive: true });
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 360, height: 740 }],
  ] as const) {
    const context = await newContext(browser, s.baseURL, { viewport });
    // The sandbox banner, dismissed as a reader of the README would have by now.
    await context.addCookies([{ name: 'sandbox_banner', value: 'dismissed', url: s.baseURL }]);
    const page = await context.newPage();
    await signIn(page, alan.email);
    await page.goto(`/conversations/${maria.id}`);
    await page.getByRole('list', { name: 'Messages and events' }).getByText('Perfect, see you at 3!').waitFor();
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    await context.close();
    console.log(`docs/screenshots/${name}.png`);
  }
} finally {
  await browser.close();
  await s.close();
}
