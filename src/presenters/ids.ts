/** A database id as it appears in URLs and forms. */
export const ID_PATTERN = /^[1-9]\d{0,15}$/;
