// The layer rules of src/, checked by `npm run lint` (depcruise src). This file is the enforced truth; src/README.md
// says the same in prose. One way: routes → presenters → domain → db; channels → domain (the sink inbound, the outbox
// loop outbound); realtime listens to domain events and draws with presenters. Type-only imports count: they couple
// the layers' knowledge as much as calls do — except where a rule says otherwise, and says why.
/** Layers that answer people or carriers: above the domain, they reach the database only through it. */
const ABOVE_THE_DOMAIN = '^src/(routes|presenters|realtime|plugins|channels|metrics|webhooks)/';
/**
 * The database's infrastructure rather than its storage: these watch the SQLite file itself (a full disk or a
 * read-only file; another process's commit) and hold no tables, so the HTTP side may react to them directly.
 */
const DB_INFRASTRUCTURE = '^src/db/(write-health|outside-writes)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-no-http-or-outer-layers',
      comment:
        'The domain is the rules: plain functions over a context, callable from a route, a socket, a channel or the ' +
        'command line alike. It imports no HTTP (fastify, ws, node:http), no HTML (eta), and nothing from the layers ' +
        'that call it.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        path: [
          '^src/(routes|presenters|realtime|plugins|channels|cli|backup|metrics|sea)/',
          '^src/(app|main|views|request-log)[.]ts$',
          'node_modules/(fastify|@fastify/[^/]+|fastify-plugin|ws|eta)/',
          '^(node:)?https?$',
        ],
      },
    },
    {
      name: 'db-is-the-bottom',
      comment:
        'src/db is tables, the client and migrations: it knows nothing of what is stored for what. Only src/lib ' +
        '(facts that import nothing), src/i18n (the languages a user may choose) and src/paths.ts are below it.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: ['^src/db/', '^src/lib/', '^src/i18n/', '^src/paths[.]ts$'] },
    },
    {
      name: 'storage-only-through-the-domain',
      comment:
        'Routes, presenters, realtime, plugins, channels and metrics read and write through domain functions (which ' +
        'hold the rights checks and the one transaction per write), never through tables or the client. A column ' +
        'enum a form offers is re-exported by the domain module that checks it. Channels hand inbound texts to the ' +
        'sink (src/channels/sink.ts) and take outbound ones from the outbox loop, both domain calls. Allowed: the ' +
        "database's infrastructure (" +
        DB_INFRASTRUCTURE +
        '), which holds no tables.',
      severity: 'error',
      from: { path: ABOVE_THE_DOMAIN },
      to: { path: '^src/db/', pathNot: DB_INFRASTRUCTURE },
    },
    {
      name: 'realtime-no-db-or-plugins',
      comment:
        'Realtime draws what a domain event changed, for sockets that have no request: it reads through presenters ' +
        'and the domain, never the database (not even its infrastructure) or the HTTP plugins (which need a request).',
      severity: 'error',
      from: { path: '^src/realtime/' },
      to: { path: ['^src/db/', '^src/plugins/'] },
    },
    {
      name: 'routes-not-into-realtime',
      comment:
        'A route and a push draw the same partial from the same presenter; neither imports the other. The /live ' +
        'socket itself is realtime (src/realtime/live-route.ts).',
      severity: 'error',
      from: { path: '^src/routes/' },
      to: { path: '^src/realtime/' },
    },
    {
      name: 'realtime-not-into-routes',
      comment:
        'Realtime draws with presenters, never with what a route does for a request (see routes-not-into-realtime).',
      severity: 'error',
      from: { path: '^src/realtime/' },
      to: { path: '^src/routes/' },
    },
    {
      name: 'presenters-below-routes-and-realtime',
      comment:
        'Presenters are shared by routes and realtime, so they import neither, nor the HTTP plugins: they take plain ' +
        'values (a viewer, the config), never a request, because a push has none.',
      severity: 'error',
      from: { path: '^src/presenters/' },
      to: { path: '^src/(routes|realtime|plugins|cli)/' },
    },
    {
      name: 'web-side-not-into-channels',
      comment:
        'Routes, presenters and realtime see the running channels through app.messaging (src/channels/state.ts, put ' +
        'on the app by src/app.ts): the sandbox phone, the MM7 receivers, the states. They run no channel code. ' +
        "Type-only imports are allowed: naming the channels' published types (src/channels/types.ts) runs nothing.",
      severity: 'error',
      from: { path: '^src/(routes|presenters|realtime|plugins)/' },
      to: { path: '^src/channels/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'webhooks-sender-is-its-own',
      comment:
        'src/webhooks posts the outgoing webhooks queued by the domain (HTTP out, so not in the domain); it is started ' +
        'by src/app.ts and reached by routes only through app.webhooks. It knows nothing of the web side or the ' +
        "carriers' channels, and nothing imports it but the app.",
      severity: 'error',
      from: { path: '^src/webhooks/' },
      to: { path: '^src/(routes|presenters|realtime|plugins|channels|cli|backup|metrics|sea)/' },
    },
    {
      name: 'only-the-app-starts-the-webhooks-sender',
      comment: 'The sender runs once, started and stopped with the app; everyone else asks app.webhooks.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/webhooks/', '^src/app[.]ts$'] },
      to: { path: '^src/webhooks/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'campaign-dispatcher-is-its-own',
      comment:
        'src/campaigns paces the campaigns the domain keeps (src/domain/campaigns) into the outbox; it is started by ' +
        'src/app.ts and knows nothing of the web side or the channels (the outbox loop hears campaign.changed).',
      severity: 'error',
      from: { path: '^src/campaigns/' },
      to: { path: '^src/(routes|presenters|realtime|plugins|channels|cli|backup|metrics|sea|webhooks|db)/' },
    },
    {
      name: 'only-the-app-starts-the-campaign-dispatcher',
      comment: 'The dispatcher runs once, started and stopped with the app.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/campaigns/', '^src/app[.]ts$'] },
      to: { path: '^src/campaigns/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'config-is-a-leaf',
      comment:
        'The configuration is read before anything else runs and is passed down to every layer; it imports none of ' +
        'them. What it validates against (time zones, calling codes, E.164) is in src/lib; the languages in src/i18n.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: ['^src/config/', '^src/lib/', '^src/i18n/', '^src/paths[.]ts$'] },
    },
    {
      name: 'i18n-is-texts-only',
      comment:
        'The catalogs are texts and plural forms that config, db and every layer above may read; they import ' +
        'nothing of the app but src/lib.',
      severity: 'error',
      from: { path: '^src/i18n/' },
      to: { path: '^src/', pathNot: ['^src/i18n/', '^src/lib/'] },
    },
    {
      name: 'lib-imports-nothing',
      comment: 'src/lib holds facts and helpers every layer may use, so it may use none of them.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'only-the-entry-points-assemble',
      comment:
        'src/app.ts builds the HTTP app and src/main.ts reads the command line; only the commands (src/cli) and the ' +
        'single-binary entry (src/sea) start them.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(cli|sea)/', '^src/(app|main)[.]ts$'] },
      to: { path: '^src/(app|main)[.]ts$' },
    },
    {
      name: 'src-not-into-tests',
      comment: 'The server never loads test or bench code (they are not in the bundle).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and the layers meaningless.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'src-not-to-dev-dependencies',
      comment:
        'npm ci --omit=dev leaves devDependencies out: the server may name their types (erased) but not load them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are part of the graph (see the top of this file).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
