import { invalid } from '../errors.ts';
import { fold, formsOf } from './spelling.ts';

/** Longer queries are refused (422): a search box holds words, not documents. */
export const MAX_QUERY_LENGTH = 200;
/** Each word is one more term list FTS5 intersects; more words than this are refused (422). */
export const MAX_WORDS = 8;
/** A phone number is looked for by its digits from this many on (trigrams need three). */
const MIN_DIGITS = 3;

/** The other way round (mueller → müller, strasse → straße): only to highlight the word as written in the text. */
const unfold = (word: string): string =>
  word.replace(/ae/g, 'ä').replace(/oe/g, 'ö').replace(/ue/g, 'ü').replace(/ss/g, 'ß');

/** What a search looks for: FTS5 expressions built from the words alone, never from the input as typed. */
export interface SearchQuery {
  /** For the text indexes: every word, in either spelling, the last one as a prefix. */
  text: string;
  /** The same with the words' unfolded spellings added, to mark a contact's written name (a superset of `text`). */
  highlight: string;
  /** For the numbers' trigram index: the digits, when the query is a number; else null. */
  digits: string | null;
  /** The words, each in the spellings a text may have (for snippets), and whether the last is a prefix. */
  words: string[][];
  prefix: boolean;
}

/** An FTS5 string: a word in double quotes (inner quotes doubled), so no operator, column or syntax is ever read. */
const quoted = (word: string): string => `"${word.replaceAll('"', '""')}"`;

function anyOf(spellings: string[], prefix: boolean): string {
  const terms = [...new Set(spellings)].map((s) => quoted(s) + (prefix ? '*' : ''));
  return terms.length === 1 ? terms[0]! : `(${terms.join(' OR ')})`;
}

/**
 * Reads the search box. Words are runs of letters and digits (the index's tokenizer splits the same way), so
 * `AND`, `NEAR`, `-`, `*`, quotes and brackets are text or gaps, never operators; all words must match, the
 * last one as the start of a word (a search as you type). A query of digits and phone punctuation also looks
 * for the digits inside the contacts' numbers, a national 0 in front left off (`0151 234` finds +49 151 234…).
 * Refused (422, field `q`): nothing to look for, or more than MAX_QUERY_LENGTH characters or MAX_WORDS words.
 */
export function parseQuery(q: string): SearchQuery {
  const input = q.normalize('NFC').trim();
  if (input.length > MAX_QUERY_LENGTH) throw invalid('search.too_long', 'q', { max: MAX_QUERY_LENGTH });
  const words = (input.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).slice(0, MAX_WORDS + 1);
  if (words.length === 0) throw invalid('search.empty', 'q');
  if (words.length > MAX_WORDS) throw invalid('search.too_many_words', 'q', { max: MAX_WORDS });
  // A prefix of one letter would reach into most of the index.
  const prefixAt = words[words.length - 1]!.length >= 2 ? words.length - 1 : -1;
  const text = words.map((w, i) => anyOf([w, fold(w)], i === prefixAt)).join(' AND ');
  const highlight = words.map((w, i) => anyOf([w, fold(w), unfold(w)], i === prefixAt)).join(' AND ');
  const digits = /^[\d\s+()./-]+$/.test(input) ? input.replace(/\D/g, '').replace(/^0+/, '') : '';
  return {
    text,
    highlight,
    digits: digits.length >= MIN_DIGITS ? quoted(digits) : null,
    words: words.map(formsOf),
    prefix: prefixAt !== -1,
  };
}
