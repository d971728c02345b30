export * from './users.ts';
export * from './auth.ts';
export * from './inboxes.ts';
export * from './numbers.ts';
export * from './contacts.ts';
export * from './conversations.ts';
export * from './canned.ts';
export * from './surveys.ts';
