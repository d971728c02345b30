import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { encodeForSubmit } from '../../src/channels/smpp/encoding.ts';
import { createSimulator } from '../../src/channels/smpp/simulator.ts';
import { startMessaging } from '../../src/channels/start.ts';
import { createSession } from '../../src/domain/auth/sessions.ts';
import { SESSION_COOKIE } from '../../src/plugins/auth.ts';
import { buildTestApp, until } from '../helper.ts';

const TEAM = 300;
const TEXTS = 5;
const NUMBER = '+15550100400';

/**
 * A customer's texts over a real SMPP link to a team of 300 with a tab each on the inbox's list, and one agent of
 * another inbox: the carrier hears back (deliver_sm_resp) before any tab is drawn, every member's tab gets each
 * text exactly once, and the outsider gets none of it.
 */
test(
  'inbound texts: the SMSC is answered first; 300 tabs get each text once; a tab without access gets nothing',
  { timeout: 120_000 },
  async (t) => {
    const simulator = createSimulator({ receipts: 'none' });
    await simulator.start();
    const h = await buildTestApp({
      sandbox: { enabled: false },
      smpp: [
        { name: 'carrier', host: '127.0.0.1', port: simulator.port, system_id: 'switchboard', password: 'secret' },
      ],
      number: [{ e164: NUMBER, smpp: 'carrier', inbox: 'Support', registration: 'registered' }],
    });
    const messaging = await startMessaging(h.app, undefined, pino({ level: 'silent' }));
    t.after(async () => {
      await messaging.stop();
      await simulator.stop();
      await h.close();
    });
    await until(() => simulator.boundSessions() > 0, 'the channel bound');

    const insert = h.sqlite
      .prepare(`INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, 'agent', 'x') RETURNING id`)
      .pluck();
    const inboxId = h.sqlite.prepare('SELECT inbox_id FROM numbers WHERE e164 = ?').pluck().get(NUMBER) as number;
    const member = h.sqlite.prepare('INSERT INTO inbox_members (inbox_id, user_id) VALUES (?, ?)');
    const team = h.sqlite.transaction(() =>
      Array.from({ length: TEAM }, (_, i) => {
        const id = insert.get(`agent${i}@example.test`, `Agent ${i}`) as number;
        member.run(inboxId, id);
        return id;
      }),
    )();
    const outsider = insert.get('outsider@example.test', 'Outsider') as number;

    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as { port: number };
    const open = (userId: number) => {
      const cookie = `${SESSION_COOKIE}=${createSession(h.app.domain, userId).token}`;
      const socket = new WebSocket(`ws://127.0.0.1:${port}/live?path=${encodeURIComponent('/conversations')}`, {
        headers: { cookie },
      });
      const frames: { at: number; html: string }[] = [];
      const opened = new Promise<void>((resolve, reject) => {
        socket.once('message', () => {
          socket.on('message', (data) => frames.push({ at: performance.now(), html: (data as Buffer).toString() }));
          resolve();
        });
        socket.once('error', reject);
      });
      return { socket, frames, opened };
    };
    const tabs = team.map(open);
    const stranger = open(outsider);
    await Promise.all([...tabs, stranger].map((tab) => tab.opened));
    t.after(() => [...tabs, stranger].forEach((tab) => tab.socket.close()));

    for (let i = 0; i < TEXTS; i++) {
      const marker = `hello-${i}-marker`;
      const { parts, dataCoding } = encodeForSubmit(`Customer says ${marker}`, 0);
      // A new customer for the first text, another for the second (new conversations, with a toast for everyone), then that one again.
      const status = await simulator.sendMo({
        from: i === 0 ? '+15557000001' : '+15557000002',
        to: NUMBER,
        shortMessage: parts[0]!,
        dataCoding,
      });
      const answeredAt = performance.now();
      assert.equal(status, 0);
      const carrying = (tab: (typeof tabs)[number]) => tab.frames.filter((f) => f.html.includes(marker));
      await until(() => tabs.every((tab) => carrying(tab).length > 0), `text ${i} in every member's tab`);
      await new Promise((r) => setTimeout(r, 100));
      for (const tab of tabs) {
        const got = carrying(tab);
        assert.equal(got.length, 1, `text ${i}: one fragment per tab, got ${got.length}`);
        assert.ok(got[0]!.at > answeredAt, 'drawn after the SMSC had its answer');
        assert.equal(
          got[0]!.html.includes('data-kind="new_conversation"'),
          i <= 1,
          'a new conversation comes with its toast, in the same frame',
        );
      }
    }
    // The team's tabs were sent the same (ids aside).
    const variants = new Set(tabs.map((tab) => tab.frames.map((f) => f.html.replace(/\d+/g, '#')).join('|')));
    assert.equal(variants.size, 1, 'every member got the same fragments');
    assert.deepEqual(stranger.frames, [], 'the outsider heard nothing');
  },
);
