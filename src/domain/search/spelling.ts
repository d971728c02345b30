/** German spellings without umlauts and ß, as the index's folded column holds them (the migration's SQL does the same). */
const FOLDS: [RegExp, string][] = [
  [/a\u0308|ä/g, 'ae'],
  [/o\u0308|ö/g, 'oe'],
  [/u\u0308|ü/g, 'ue'],
  [/ß/g, 'ss'],
];

export const fold = (word: string): string => FOLDS.reduce((w, [from, to]) => w.replace(from, to), word);

/** Words as the index compares them: lower case, without diacritics, in either German spelling. */
const bare = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '');
export const formsOf = (word: string): string[] => {
  const lower = word.toLowerCase().normalize('NFC');
  return [...new Set([bare(lower), bare(fold(lower))])];
};
