/** What a customer's whole message asks for, by the carriers' (CTIA) keywords. */
export type Keyword = 'stop' | 'start' | 'help';

const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT']);
const START = new Set(['START', 'UNSTOP', 'YES']);
const HELP = new Set(['HELP']);

/** Only a message that is the keyword alone counts ("Stop!" does; "don't stop" does not). */
export function keywordOf(text: string): Keyword | null {
  const word = text
    .normalize('NFKC')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/[\s_-]+/g, ' ')
    .toUpperCase();
  if (STOP.has(word)) return 'stop';
  if (START.has(word)) return 'start';
  if (HELP.has(word)) return 'help';
  return null;
}
