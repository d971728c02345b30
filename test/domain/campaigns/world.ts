import { buildInbox, buildNumber, buildUser } from '../../factories.ts';
import { testApp } from '../../helper.ts';

/**
 * The people campaign rights are about: a manager and an agent of one inbox with a number, a manager of another
 * inbox, and an admin.
 */
export async function campaignWorld(t: Parameters<typeof testApp>[0]) {
  const h = await testApp(t);
  const w = { app: h.app };
  const manager = await buildUser(w, { role: 'manager' });
  const agent = await buildUser(w, { role: 'agent' });
  const otherManager = await buildUser(w, { role: 'manager' });
  const admin = await buildUser(w, { role: 'admin' });
  const inbox = buildInbox(w, { members: [manager, agent] });
  const number = buildNumber(w, { inbox });
  buildInbox(w, { members: [otherManager] });
  return { h, w, ctx: h.app.domain, manager, agent, otherManager, admin, inbox, number };
}
