/** Texts of one feature in both languages; en.ts and de.ts take them in. */
export const en = {
} as const;

export const de: Record<keyof typeof en, string> = {
};
