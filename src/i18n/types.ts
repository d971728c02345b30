/** What another language must give for an English catalog: the same keys, each a text. */
export type Translation<T> = { [K in keyof T]: string };
