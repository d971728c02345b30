import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import websocket from '@fastify/websocket';
import type Database from 'better-sqlite3';
import type { Eta } from 'eta';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { backupSettings, scheduleBackups, type Backups } from './backup/schedule.ts';
import { createMessagingState, type MessagingState } from './channels/state.ts';
import type { ConfigStore } from './config/store.ts';
import { createDb } from './db/client.ts';
import { createWriteHealth, diskTroubleOf, type WriteHealth } from './db/write-health.ts';
import { recordAuditAlone } from './domain/audit/record.ts';
import type { DomainContext } from './domain/context.ts';
import { DomainError } from './domain/errors.ts';
import { createEventBus } from './domain/events.ts';
import { createMediaStore, type MediaStore } from './domain/media/store.ts';
import { liveSessions } from './domain/auth/sessions.ts';
import { startLaterTimer, type LaterTimer } from './domain/later/timer.ts';
import { countUsers } from './domain/users/service.ts';
import type { Metrics } from './metrics/registry.ts';
import { registerMetrics } from './metrics/wire.ts';
import { staticDir } from './paths.ts';
import { RequestsAtDebug } from './request-log.ts';
import authPlugin from './plugins/auth.ts';
import csrfPlugin from './plugins/csrf.ts';
import formBodies from './plugins/form-bodies.ts';
import renderPlugin from './plugins/render.ts';
import sessionSweep from './plugins/session-sweep.ts';
import twoFactorGate from './plugins/two-factor-gate.ts';
import { createHub, type Hub } from './realtime/hub.ts';
import liveRoutes from './realtime/live-route.ts';
import { registerRealtimeListeners } from './realtime/listeners.ts';
import { registerPushListeners } from './realtime/push-listeners.ts';
import adminAuditRoutes from './routes/admin/audit.ts';
import adminBackupRoutes from './routes/admin/backups.ts';
import adminConnectionRoutes from './routes/admin/connections.ts';
import adminInboxRoutes from './routes/admin/inboxes.ts';
import adminUserRoutes from './routes/admin/users.ts';
import adminWebhookRoutes from './routes/admin/webhooks.ts';
import apiV1 from './routes/api/v1/index.ts';
import apiTokenRoutes from './routes/api-tokens.ts';
import authRoutes from './routes/auth.ts';
import passwordResetRoutes from './routes/password-reset.ts';
import signInCodeRoutes from './routes/sign-in-code.ts';
import twoFactorSettingsRoutes from './routes/two-factor-settings.ts';
import cannedRoutes from './routes/canned.ts';
import chatRoutes from './routes/chats.ts';
import contactRoutes from './routes/contacts.ts';
import mediaRoutes from './routes/media.ts';
import mentionRoutes from './routes/mentions.ts';
import noteRoutes from './routes/notes.ts';
import mm7Routes from './routes/mm7.ts';
import webhookRoutes from './routes/webhooks.ts';
import publicSurveyRoutes from './routes/survey-public.ts';
import shortLinkRoutes from './routes/short-links.ts';
import surveyRoutes from './routes/surveys.ts';
import campaignPageRoutes from './routes/campaigns/pages.ts';
import campaignEditorRoutes from './routes/campaigns/editor.ts';
import emojiRoutes from './routes/emoji.ts';
import inboxSettingRoutes from './routes/inboxes.ts';
import conversationActionRoutes from './routes/conversations/actions.ts';
import conversationListRoutes from './routes/conversations/list.ts';
import searchRoutes from './routes/search.ts';
import conversationRoutes from './routes/conversations/show.ts';
import conversationTemplateRoutes from './routes/conversations/templates.ts';
import startConversationRoutes from './routes/conversations/start.ts';
import laterRoutes from './routes/later.ts';
import healthRoutes from './routes/health.ts';
import metricsRoutes from './routes/metrics.ts';
import homeRoutes from './routes/home.ts';
import pushRoutes from './routes/push.ts';
import settingsRoutes from './routes/settings.ts';
import sandboxRoutes from './routes/sandbox.ts';
import setupRoutes from './routes/setup.ts';
import { createViews, viewOptions } from './views.ts';
import { startWebhookDispatcher, type WebhookDispatcher } from './webhooks/dispatcher.ts';
import { startCampaignDispatcher, type CampaignDispatcher } from './campaigns/dispatcher.ts';
import { campaignSettingsOf } from './domain/campaigns/settings.ts';

declare module 'fastify' {
  interface FastifyInstance {
    configStore: ConfigStore;
    domain: DomainContext;
    /** The one Eta instance: @fastify/view renders pages and fragments with it, realtime its pushes (synchronously). */
    views: Eta;
    hub: Hub;
    /** What the SMS side runs, filled in by startMessaging; empty in an app without channels (tests). */
    messaging: MessagingState;
    /** Attachments on disk under the data directory. */
    media: MediaStore;
    /** The server's own backups (`[backup]`), and the ones an admin starts. */
    backups: Backups;
    /** Prometheus metrics, served at /metrics. */
    metrics: Metrics;
    /** Whether the database and the data folder take writes (a full disk, a read-only file). */
    writeHealth: WriteHealth;
    /** Ends snoozes and sends scheduled replies when they are due (started when the app is ready). */
    later: LaterTimer;
    /** Sends the outgoing webhooks' queue (started when the app is ready, stopped on close). */
    webhooks: WebhookDispatcher;
    /** Queues campaign texts at their pace (started when the app is ready, stopped on close). */
    campaigns: CampaignDispatcher;
    /** The first-run token while no user exists; null once someone has signed up. */
    setup: { token: string | null };
  }
}

export interface AppOptions {
  configStore: ConfigStore;
  sqlite: Database.Database;
  logger: FastifyServerOptions['loggerInstance'] | boolean;
  /** Where attachments are kept: media/ under the data directory. */
  mediaDir: string;
  /** Re-read templates on every render (development). */
  devViews?: boolean;
}

const ERROR_KEYS: Record<number, DomainError['key']> = {
  400: 'error.bad_request',
  404: 'error.not_found',
  413: 'error.too_large',
  415: 'error.unsupported_type',
};

/** A hop count becomes proxy-addr's hop function (fastify's typings list no number form). */
function trustProxy(
  setting: boolean | number | string,
): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { server } = opts.configStore.current;
  const app = Fastify({
    ...(typeof opts.logger === 'object' ? { loggerInstance: opts.logger } : { logger: opts.logger }),
    bodyLimit: server.body_limit_kb * 1024,
    trustProxy: trustProxy(server.trust_proxy),
    forceCloseConnections: 'idle',
    logController: new RequestsAtDebug(),
    // A request (an upload from a slow phone, say) that takes longer than this is cut off and its temp files removed.
    requestTimeout: 300_000,
  });

  // Route schemas are zod (the config's validator too): params, query and bodies are checked and typed by them.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const domain: DomainContext = {
    db: createDb(opts.sqlite),
    events: createEventBus((err, name) => app.log.error({ err, event: name }, 'event listener failed')),
    now: Date.now,
  };
  app.decorate('configStore', opts.configStore);
  app.decorate('domain', domain);
  app.decorate('views', createViews(!opts.devViews));
  app.decorate(
    'hub',
    createHub(
      (ids) => liveSessions(domain, ids),
      (err) => app.log.error({ err }, 'a live push failed'),
    ),
  );
  app.decorate('messaging', createMessagingState());
  app.decorate('media', createMediaStore(opts.mediaDir));
  app.decorate('writeHealth', createWriteHealth(opts.sqlite, join(opts.mediaDir, 'tmp')));
  app.decorate(
    'backups',
    scheduleBackups({
      sqlite: opts.sqlite,
      mediaDir: opts.mediaDir,
      settings: () => backupSettings(opts.configStore.current, dirname(opts.mediaDir)),
      log: app.log,
      record: (by, backup) =>
        recordAuditAlone(domain, by, {
          action: 'backup.made',
          subject: { name: backup.dir },
          changes: { databaseBytes: backup.databaseBytes, mediaFiles: backup.mediaFiles },
        }),
    }),
  );
  app.addHook('onClose', async () => app.backups.stop());
  app.decorateRequest('upload', null as unknown as FastifyRequest['upload']);
  app.decorate('metrics', registerMetrics(app));
  app.decorate('setup', { token: countUsers(domain) === 0 ? randomBytes(24).toString('base64url') : null });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        // The voice recorder previews its recording from a blob: URL before it is sent.
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: server.public_url?.startsWith('https:') ? undefined : false,
  });
  await app.register(cookie);
  await app.register(fastifyStatic, { root: staticDir, prefix: '/static/', maxAge: '1h' });
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    preClose: (done) => {
      app.hub.closeAll(1012, 'server restarting');
      done();
    },
  });
  await app.register(authPlugin);
  await app.register(twoFactorGate);
  await app.register(formBodies, { bodyLimit: server.body_limit_kb * 1024 });
  await app.register(csrfPlugin);
  await app.register(fastifyView, viewOptions(app.views));
  await app.register(renderPlugin);
  await app.register(sessionSweep);

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof DomainError) return reply.code(err.status).sendError(err.key, err.params);
    // A route schema refused the request's shape (src/routes/schemas.ts): a bad path is a page that does not exist.
    const { validation, validationContext } = err as Partial<FastifyError>;
    if (validation) {
      req.log.info({ err: { context: validationContext, issues: validation } }, 'bad request shape');
      if (validationContext === 'params') return reply.code(404).sendError('error.not_found');
      if (validationContext === 'querystring')
        return reply.code(400).sendError('list.bad_filter', { name: validation[0]?.instancePath.split('/')[1] ?? '' });
      return reply.code(400).sendError('error.form_shape');
    }
    // The transaction rolled back: nothing was written, and retrying cannot help until an admin frees the disk.
    const trouble = diskTroubleOf(err);
    if (trouble) {
      app.writeHealth.failed(trouble);
      req.log.error({ err }, 'a write failed: the disk');
      return reply.code(503).header('Retry-After', '60').sendError('error.disk');
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(500).sendError('error.internal');
    }
    req.log.info({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'bad request');
    return reply.code(status).sendError(ERROR_KEYS[status] ?? 'error.bad_request');
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).sendError('error.not_found'));
  // A request's own changes reach the other tabs before its answer leaves: the page that acted is redrawn last.
  app.addHook('onSend', async () => app.hub.settle());

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(setupRoutes);
  await app.register(authRoutes);
  await app.register(signInCodeRoutes);
  await app.register(passwordResetRoutes);
  await app.register(twoFactorSettingsRoutes);
  await app.register(liveRoutes);
  await app.register(homeRoutes);
  await app.register(conversationListRoutes);
  await app.register(searchRoutes);
  await app.register(startConversationRoutes);
  await app.register(conversationRoutes);
  await app.register(conversationActionRoutes);
  await app.register(conversationTemplateRoutes);
  await app.register(laterRoutes);
  await app.register(contactRoutes);
  await app.register(inboxSettingRoutes);
  await app.register(cannedRoutes);
  await app.register(chatRoutes);
  await app.register(noteRoutes);
  await app.register(mentionRoutes);
  await app.register(emojiRoutes);
  await app.register(surveyRoutes);
  await app.register(campaignPageRoutes, { prefix: '/campaigns' });
  await app.register(campaignEditorRoutes, { prefix: '/campaigns' });
  await app.register(publicSurveyRoutes);
  await app.register(shortLinkRoutes);
  await app.register(mediaRoutes);
  await app.register(mm7Routes);
  await app.register(webhookRoutes);
  await app.register(settingsRoutes);
  await app.register(apiTokenRoutes);
  await app.register(pushRoutes, { devFiles: opts.devViews === true });
  await app.register(sandboxRoutes);
  await app.register(adminUserRoutes, { prefix: '/admin/users' });
  await app.register(adminInboxRoutes, { prefix: '/admin/inboxes' });
  await app.register(adminConnectionRoutes, { prefix: '/admin/connections' });
  await app.register(adminBackupRoutes, { prefix: '/admin/backups' });
  await app.register(adminAuditRoutes, { prefix: '/admin' });
  await app.register(adminWebhookRoutes, { prefix: '/admin/webhooks' });
  await app.register(apiV1, { prefix: '/api/v1' });

  registerRealtimeListeners(app);
  // Started once everything listens: what fell due while the server was down is done first (and pushed).
  app.decorate('later', null as unknown as LaterTimer);
  app.addHook('onReady', async () => {
    app.later = startLaterTimer(domain, (err) => app.log.error({ err }, 'snoozes and scheduled replies failed'));
  });
  app.addHook('onClose', async () => app.later?.stop());
  app.decorate('webhooks', null as unknown as WebhookDispatcher);
  app.addHook('onReady', async () => {
    app.webhooks = startWebhookDispatcher(domain, {
      allowPrivate: () => app.configStore.current.webhooks.allow_private,
      onError: (err) => app.log.error({ err }, 'sending webhooks failed'),
    });
  });
  app.addHook('onClose', async () => app.webhooks?.stop());
  app.decorate('campaigns', null as unknown as CampaignDispatcher);
  app.addHook('onReady', async () => {
    app.campaigns = startCampaignDispatcher(domain, {
      config: () => app.configStore.current,
      settings: () => campaignSettingsOf(app.configStore.current),
      fileLinks: () => ({
        links: { publicUrl: app.configStore.current.server.public_url, sandbox: null },
        linkDays: app.configStore.current.media.link_days,
      }),
      onError: (err) => app.log.error({ err }, 'queueing campaign texts failed'),
    });
  });
  app.addHook('onClose', async () => app.campaigns?.stop());
  registerPushListeners(app);
  return app;
}
