/**
 * A text that shows a count: one form per plural category (Intl.PluralRules) the language has — English and
 * German `one` and `other`, Polish also `few` and `many`. The count is the `n` parameter; every form shows it as `{n}`.
 */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** What another language must give for an English catalog: the same keys; a text where English has a text, plural forms where it has them. */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Plural };
