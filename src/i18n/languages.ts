import { de } from './de/index.ts';
import { en } from './en/index.ts';
import type { Translation } from './types.ts';

/** Every language Switchboard speaks, each a folder beside this file. A new language: its folder, and its line here. */
export const catalogs = { en, de } satisfies Record<string, Translation<typeof en>>;

export type Locale = keyof typeof catalogs;
export const locales = Object.keys(catalogs) as [Locale, ...Locale[]];
