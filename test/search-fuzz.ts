/** Search queries made of FTS5 syntax, quotes, odd characters and SQL: user input that must stay text. */
const PIECES = [
  '"',
  "'",
  'AND',
  'OR',
  'NOT',
  'NEAR',
  'NEAR(',
  '-',
  '+',
  '*',
  '^',
  '(',
  ')',
  ':',
  'body:',
  '{',
  '}',
  '\\',
  'ä',
  'ß',
  '\u0308',
  '\u200d',
  '😀',
  '\u0000',
  '%',
  '_',
  'x',
  '49',
  'é',
  '𝒳',
  '\u202e',
  ';',
  'DROP',
  '--',
  '/*',
  ',',
];

/** `n` such queries, the same every run (a fixed seed), 1 to 12 pieces each, with or without spaces between. */
export function hostileQueries(n: number): string[] {
  let seed = 17;
  const random = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
  return Array.from({ length: n }, () =>
    Array.from({ length: 1 + random(12) }, () => PIECES[random(PIECES.length)]).join(random(2) ? ' ' : ''),
  );
}
