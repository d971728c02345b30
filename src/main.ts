import { existsSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BackupError, makeBackup } from './backup/make.ts';
import { restoreBackup } from './backup/restore.ts';
import { backupSettings } from './backup/schedule.ts';
import { ConfigError } from './config/load.ts';
import { createDb } from './db/client.ts';
import { openDatabase } from './db/open.ts';
import { DatabaseNewerError } from './db/migrate.ts';
import type { DomainContext } from './domain/context.ts';
import { DomainError } from './domain/errors.ts';
import { createEventBus } from './domain/events.ts';
import { createUser, resetPassword } from './domain/users/service.ts';
import { translator } from './i18n/index.ts';
import { openAndMigrate } from './cli/database.ts';
import { checkSecrets, StartupError } from './cli/preflight.ts';
import { readPassword } from './cli/password-input.ts';
import { ReloadError, signalReload } from './cli/reload-command.ts';
import { runSandbox } from './cli/sandbox.ts';
import { tokenCommand } from './cli/token.ts';
import { serve } from './cli/serve.ts';
import { resolveSettings, UsageError, type Flags } from './cli/settings.ts';
import { createLogger } from './log.ts';

const USAGE = `Usage: switchboard [command] [options]

Commands:
  serve                       start the server (the default)
  check-config                validate the configuration file and exit
  migrate                     apply pending database migrations and exit
  user add --email E --name N --role admin|manager|agent
                              create a user; the password is read from stdin or prompted
  user reset-password --email E
                              set a new password (stdin or prompt) and end the user's sessions
  token create --user EMAIL --scopes a,b,c [--name N]
                              make an API token for the user; prints only the token (shown once)
  token list --user EMAIL     the user's API tokens: id, prefix, name, scopes, last use
  token revoke ID             revoke an API token at once
  backup [--to DIR]           copy the database (SQLite's online backup, safe while the server
                              runs) and the media files into a new folder in DIR
                              (default: [backup] dir, or backups/ in the data directory)
  restore FROM                fill an empty data directory from the backup folder FROM
  reload                      make the running server read its configuration file again
                              (it must find the same data directory); prints what changed
  sandbox [--port N]          run only the test SMSC (default port 2775; system_id and
                              password "sandbox"), for pointing another instance at it

Options:
  -v, --version               print Switchboard's and Node's versions
  --config FILE               configuration file (or SWITCHBOARD_CONFIG); none = built-in defaults
  --data DIR                  data directory (or SWITCHBOARD_DATA, or server.data_dir)
  -h, --help                  show this help
`;

const common = {
  config: { type: 'string' },
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options: { ...common, ...options }, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function flagsOf(values: { config?: unknown; data?: unknown }): Flags {
  return { config: values.config as string | undefined, data: values.data as string | undefined };
}

/** Console-side commands act as the operator: the same domain rules, no acting user. */
async function withDomain<T>(flags: Flags, run: (ctx: DomainContext) => Promise<T>): Promise<T> {
  const settings = resolveSettings(flags);
  const log = await createLogger('warn');
  const sqlite = await openAndMigrate(settings.dbFile, log);
  try {
    const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
    return await run(ctx);
  } finally {
    sqlite.close();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    process.stdout.write(`switchboard ${pkg.version} (Node ${process.version})\n`);
    return 0;
  }
  const [command = 'serve', ...rest] = argv[0]?.startsWith('-') ? ['serve', ...argv] : argv;
  switch (command) {
    case 'serve': {
      const { values } = parse(rest, {});
      if (values.help) return (process.stdout.write(USAGE), 0);
      const settings = resolveSettings(flagsOf(values));
      await serve(settings, await createLogger(settings.config.log.level));
      return -1;
    }
    case 'check-config': {
      const { values } = parse(rest, {});
      const settings = resolveSettings(flagsOf(values));
      checkSecrets(settings);
      process.stdout.write(`${settings.configFile ?? '(no file: built-in defaults)'}: OK\n`);
      return 0;
    }
    case 'migrate': {
      const { values } = parse(rest, {});
      const settings = resolveSettings(flagsOf(values));
      const sqlite = await openAndMigrate(settings.dbFile, await createLogger('info'));
      sqlite.close();
      process.stdout.write(`${settings.dbFile}: schema is up to date\n`);
      return 0;
    }
    case 'user': {
      const [sub, ...args] = rest;
      if (sub === 'add') {
        const { values } = parse(args, {
          email: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string' },
        });
        if (!values.email || !values.name || !values.role)
          throw new UsageError('user add needs --email, --name and --role');
        const user = await withDomain(flagsOf(values), async (ctx) =>
          createUser(ctx, null, {
            email: values.email,
            name: values.name,
            role: values.role,
            password: await readPassword(),
          }),
        );
        process.stdout.write(`Created ${user.role} ${user.email} (id ${user.id})\n`);
        return 0;
      }
      if (sub === 'reset-password') {
        const { values } = parse(args, { email: { type: 'string' } });
        if (!values.email) throw new UsageError('user reset-password needs --email');
        await withDomain(flagsOf(values), async (ctx) => resetPassword(ctx, values.email, await readPassword()));
        process.stdout.write(`Password of ${values.email} reset; their sessions ended\n`);
        return 0;
      }
      throw new UsageError(`unknown user command: ${sub ?? '(none)'}`);
    }
    case 'token': {
      const [sub, ...args] = rest;
      const { values, positionals } = parse(
        args,
        { user: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' } },
        true,
      );
      const out = await withDomain(flagsOf(values), async (ctx) => tokenCommand(ctx, sub, values, positionals));
      process.stdout.write(out);
      return 0;
    }
    case 'backup': {
      const { values } = parse(rest, { to: { type: 'string' } });
      const settings = resolveSettings(flagsOf(values));
      if (!existsSync(settings.dbFile)) throw new BackupError(`no database at ${settings.dbFile}: nothing to back up`);
      const sqlite = openDatabase(settings.dbFile);
      try {
        const backup = await makeBackup(
          sqlite,
          settings.mediaDir,
          values.to ? resolve(values.to) : backupSettings(settings.config, settings.dataDir).dir,
        );
        process.stdout.write(
          `${backup.dir}: database ${backup.databaseBytes} bytes, ${backup.mediaFiles} media files\n`,
        );
      } finally {
        sqlite.close();
      }
      return 0;
    }
    case 'restore': {
      const { values, positionals } = parse(rest, {}, true);
      if (positionals.length !== 1) throw new UsageError('restore needs the backup folder: switchboard restore FROM');
      const settings = resolveSettings(flagsOf(values));
      const restored = restoreBackup(resolve(positionals[0]!), settings.dataDir);
      process.stdout.write(`${settings.dataDir}: restored the database and ${restored.mediaFiles} media files\n`);
      return 0;
    }
    case 'reload': {
      const { values } = parse(rest, {});
      const settings = resolveSettings(flagsOf(values));
      return (await signalReload(settings, (line) => process.stdout.write(`${line}\n`))) ? 0 : 1;
    }
    case 'sandbox': {
      const { values } = parse(rest, { port: { type: 'string' } });
      const port = values.port === undefined ? 2775 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a port number, got "${values.port}"`);
      await runSandbox(port, await createLogger('info'));
      return -1;
    }
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`switchboard: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (
      err instanceof ConfigError ||
      err instanceof DatabaseNewerError ||
      err instanceof BackupError ||
      err instanceof StartupError ||
      err instanceof ReloadError
    ) {
      process.stderr.write(`switchboard: ${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof DomainError) {
      process.stderr.write(`switchboard: ${translator('en')(err.key, err.params)}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`switchboard: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
    // Whatever a failed start left running (a sandbox SMSC, a timer) must not keep the process alive without a server.
    process.exit();
  },
);
