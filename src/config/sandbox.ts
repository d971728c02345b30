/**
 * The built-in SMSC's own settings: the connection and number it adds while it runs (src/channels/start.ts), so that
 * a server without [[smpp]] blocks has something to text. Routes and presenters read the name here to tell the
 * sandbox's numbers, which reach no real phone, from a carrier's.
 */
export const SANDBOX = {
  name: 'sandbox',
  systemId: 'sandbox',
  password: 'sandbox',
  number: '+15550100100',
  inbox: 'Support',
} as const;
