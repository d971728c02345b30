/**
 * An international phone number as stored: '+', a country code that does not start with 0, at most 15 digits in
 * all (ITU-T E.164), at least 7. The config, the domain and the routes check with it; it imports nothing, so the
 * config may use it without reaching into the domain.
 */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

export const isE164 = (value: string): boolean => E164_PATTERN.test(value);
