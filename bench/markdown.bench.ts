import { renderMarkdown, toPlainText } from '../src/formatting/markdown.ts';
import { PATHOLOGICAL } from '../test/formatting/pathological.ts';
import { fastest, machine } from './stats.ts';

/**
 * Messages crafted to make a Markdown reader slow (markers that never close, nesting, brackets, links that run
 * on), 10 000 characters each: the best of 20 renders, to HTML and to SMS text. Goal: under 10 ms each.
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
console.log(
  `SUMMARY markdown: ${N} characters, worst ${worst.name} ${Math.max(worst.html, worst.plain).toFixed(2)} ms (goal 10 ms); ${machine()}`,
);
