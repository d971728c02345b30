import { performance } from 'node:perf_hooks';
import { postChatMessage } from '../src/domain/chats/messages.ts';
import { LIMITS } from '../src/domain/limits.ts';
import { renderMarkdown, toPlainText } from '../src/formatting/markdown.ts';
import { buildChat, buildUser } from '../test/factories.ts';
import { PATHOLOGICAL } from '../test/formatting/pathological.ts';
import { buildTestApp, signedIn } from '../test/helper.ts';
import { fastest, machine } from './stats.ts';

/**
 * Messages crafted to make a Markdown reader slow (markers that never close, nesting, brackets, links that run
 * on), 10 000 characters each: the best of 20 renders, to HTML and to SMS text. Goal: under 10 ms each.
 * Then the server's side of it: a team chat holding every crafted message at the longest a chat takes is opened
 * three times at once over HTTP while a colleague's requests keep arriving; the longest of those waits, median of
 * five rounds. Goal: under 1 000 ms (the old reader held the server for seconds).
 *
 *   npm run bench markdown
 */
const N = 10_000;
const rows = Object.entries(PATHOLOGICAL).map(([name, make]) => {
  const text = make(N);
  return { name, html: fastest(() => renderMarkdown(text)), plain: fastest(() => toPlainText(text)) };
});
const width = Math.max(...rows.map((r) => r.name.length));
for (const r of rows)
  console.log(`${r.name.padEnd(width)} HTML ${r.html.toFixed(2)} ms, SMS text ${r.plain.toFixed(2)} ms`);
const worst = rows.reduce((a, b) => (Math.max(b.html, b.plain) > Math.max(a.html, a.plain) ? b : a));

/** The longest wait for /healthz while the crafted chat is opened three times at once, in ms. */
async function colleagueWait(): Promise<number> {
  const h = await buildTestApp();
  try {
    const ana = await buildUser(h);
    const ben = await buildUser(h);
    const chat = buildChat(h, { by: ana, members: [ben] });
    for (const make of Object.values(PATHOLOGICAL))
      postChatMessage(h.app.domain, ana.actor, chat, make(LIMITS.chatText).slice(0, LIMITS.chatText));
    const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const b = await signedIn(h.app, ben.email);
    let opening = true;
    const pages = Promise.all(
      [1, 2, 3].map(() =>
        fetch(`${base}/chats/${chat}`, { headers: { cookie: b.cookieHeader } }).then((r) => r.text()),
      ),
    ).finally(() => (opening = false));
    let longest = 0;
    while (opening) {
      const started = performance.now();
      await (await fetch(`${base}/healthz`)).arrayBuffer();
      longest = Math.max(longest, performance.now() - started);
    }
    await pages;
    return longest;
  } finally {
    await h.close();
  }
}
const waits: number[] = [];
for (let round = 0; round < 5; round++) waits.push(await colleagueWait());
const wait = waits.sort((a, b) => a - b)[2]!;
console.log(`a colleague's longest wait while the crafted chat opens: ${waits.map((w) => w.toFixed(0)).join(', ')} ms`);
console.log(
  `SUMMARY markdown: ${N} characters, worst ${worst.name} ${Math.max(worst.html, worst.plain).toFixed(2)} ms (goal 10 ms); ` +
    `a colleague's longest wait while a crafted chat opens ${wait.toFixed(0)} ms (goal 1 000 ms); ${machine()}`,
);
