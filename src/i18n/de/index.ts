import { app } from './app.ts';
import { conversations } from './conversations.ts';
import { composer } from './composer.ts';
import { lists } from './lists.ts';
import { contacts } from './contacts.ts';
import { inboxes } from './inboxes.ts';
import { users } from './users.ts';
import { settings } from './settings.ts';
import { backups } from './backups.ts';
import { webhooks } from './webhooks.ts';
import { connections } from './connections.ts';
import { canned } from './canned.ts';
import { surveys } from './surveys.ts';
import { campaigns } from './campaigns.ts';
import { media } from './media.ts';
import { sandbox } from './sandbox.ts';
import { chats } from './chats.ts';
import { assignment } from './assignment.ts';
import { personal } from './personal.ts';
import { signIn } from './sign-in.ts';
import { accounts } from './accounts.ts';
import { audit } from './audit.ts';
import { later } from './later.ts';
import { collision } from './collision.ts';
import { push } from './push.ts';
import { onboarding } from './onboarding.ts';
import { shell } from './shell.ts';
import { replyWindow } from './reply-window.ts';
import { whatsapp } from './whatsapp.ts';
import { api } from './api.ts';
import { search } from './search.ts';
import { shortLinks } from './short-links.ts';
import type { en } from '../en/index.ts';
import type { Translation } from '../types.ts';

export const de: Translation<typeof en> = {
  ...app,
  ...conversations,
  ...composer,
  ...lists,
  ...contacts,
  ...inboxes,
  ...users,
  ...settings,
  ...backups,
  ...webhooks,
  ...connections,
  ...canned,
  ...surveys,
  ...campaigns,
  ...media,
  ...sandbox,
  ...chats,
  ...assignment,
  ...personal,
  ...signIn,
  ...accounts,
  ...audit,
  ...later,
  ...collision,
  ...push,
  ...onboarding,
  ...shell,
  ...replyWindow,
  ...whatsapp,
  ...api,
  ...search,
  ...shortLinks,
};
