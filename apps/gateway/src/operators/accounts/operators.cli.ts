import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { OPERATOR_USERNAME_PATTERN } from '@order-saga/contracts/http/operator';
import { runMigrationsLocked } from '@order-saga/shared/database';
import { DataSource } from 'typeorm';
import { registerClientCliConfig } from '../../config/gateway.config';
import { GATEWAY_MIGRATIONS } from '../../database/migrations';
import { hashClientSecret } from '../../oauth/client-secret';
import { OperatorAccount } from './operator-account.entity';
import { OperatorAccountRepository } from './operator-account.repository';

const USERNAME = new RegExp(OPERATOR_USERNAME_PATTERN);
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_DISPLAY_NAME_LENGTH = 200;
/** Exit status of `create` when the username is taken, so a script can tell it from a failure. */
export const EXIT_USERNAME_TAKEN = 3;

const USAGE = `Manages the gateway's operator accounts (the operator console's sign-in).

usage: node -r ./tools/register.js apps/gateway/src/operators/accounts/operators.cli.ts <command> [options]

  create --username U [--display-name NAME] [--password-stdin] [--if-exists fail|reset-password]
                  a new operator; prints the password once. --if-exists=reset-password gives an existing
                  account a new password instead of failing (exit ${EXIT_USERNAME_TAKEN} when it fails because the name is taken)
  reset-password --username U [--password-stdin]
                  a new password; the account's sessions end at their next request
  disable --username U    no more sign-ins; the account's sessions end at their next request
  enable --username U
  list                    username, display name, role, created, disabled

  --username        lower case, 2–64 of letters, digits and . _ @ - (an e-mail address fits); it is the
                    operator's id in saga timelines and the audit log, and never changes
  --password-stdin  read the password from standard input (at least ${MIN_PASSWORD_LENGTH} characters) instead of
                    generating one; never on the command line, where it would land in the shell's history

DATABASE_URL names the gateway's database; pending gateway migrations are applied first.
`;

export type OperatorsCommand =
  | { command: 'create'; username: string; displayName: string; passwordFromStdin: boolean; ifExists: 'fail' | 'reset-password' }
  | { command: 'reset-password'; username: string; passwordFromStdin: boolean }
  | { command: 'disable' | 'enable'; username: string }
  | { command: 'list' };

export class UsageError extends Error {}

class UsernameTaken extends Error {}

export function parseOperatorsArgs(argv: string[]): OperatorsCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        username: { type: 'string' },
        'display-name': { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'if-exists': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument(s): ${rest.join(' ')}`);
  const allowed: Record<string, string[]> = {
    create: ['username', 'display-name', 'password-stdin', 'if-exists'],
    'reset-password': ['username', 'password-stdin'],
    disable: ['username'],
    enable: ['username'],
    list: [],
  };
  if (command === undefined || !Object.hasOwn(allowed, command)) throw new UsageError(`a command is required: ${Object.keys(allowed).join(', ')}`);
  const misplaced = Object.keys(values).filter((option) => !allowed[command].includes(option));
  if (misplaced.length > 0) throw new UsageError(`${command} takes no ${misplaced.map((option) => `--${option}`).join(', ')}`);
  if (command === 'list') return { command };

  const username = values.username;
  if (username === undefined || !USERNAME.test(username)) {
    throw new UsageError('--username is required: lower case, 2–64 of letters, digits and . _ @ -, starting with a letter or digit');
  }
  if (command === 'disable' || command === 'enable') return { command, username };
  const passwordFromStdin = values['password-stdin'] ?? false;
  if (command === 'reset-password') return { command, username, passwordFromStdin };
  // What is left of `allowed`.
  if (command !== 'create') throw new Error(`unhandled command ${command}`);

  const displayName = values['display-name'] ?? username;
  if (displayName.trim().length === 0 || displayName.length > MAX_DISPLAY_NAME_LENGTH) {
    throw new UsageError(`--display-name must be 1–${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  const ifExists = values['if-exists'] ?? 'fail';
  if (ifExists !== 'fail' && ifExists !== 'reset-password') throw new UsageError('--if-exists must be fail or reset-password');
  return { command, username, displayName, passwordFromStdin, ifExists };
}

/** 144 random bits in 24 URL-safe characters: typed or pasted once, then kept in a password manager. */
export function generateOperatorPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** The password given on standard input (one trailing newline dropped), checked for length. */
export function checkedPassword(input: string): string {
  const password = input.replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new UsageError(`the password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Prints `name=value` lines: the same shape register-client prints, easy to read back in a script. */
function print(lines: Record<string, string>): void {
  process.stdout.write(
    Object.entries(lines)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
}

async function run(options: OperatorsCommand, accounts: OperatorAccountRepository): Promise<void> {
  switch (options.command) {
    case 'list': {
      for (const account of await accounts.list()) {
        const disabled = account.disabledAt ? `disabled ${account.disabledAt.toISOString()}` : 'enabled';
        process.stdout.write(`${account.username}\t${account.displayName}\t${account.role}\tcreated ${account.createdAt.toISOString()}\t${disabled}\n`);
      }
      return;
    }
    case 'disable':
    case 'enable': {
      if (!(await accounts.setDisabled(options.username, options.command === 'disable'))) throw new Error(`no operator ${options.username}`);
      print({ username: options.username, status: options.command === 'disable' ? 'disabled' : 'enabled' });
      return;
    }
    case 'create':
    case 'reset-password': {
      const password = options.passwordFromStdin ? checkedPassword(await readStdin()) : generateOperatorPassword();
      const passwordHash = await hashClientSecret(password);
      let account: 'created' | 'existing' = 'existing';
      if (options.command === 'create') {
        if (await accounts.create({ username: options.username, passwordHash, displayName: options.displayName })) account = 'created';
        else if (options.ifExists === 'fail') throw new UsernameTaken(`the username ${options.username} is taken (usernames are never reused)`);
      }
      if (account === 'existing' && !(await accounts.setPassword(options.username, passwordHash))) throw new Error(`no operator ${options.username}`);
      print({ username: options.username, account, ...(options.passwordFromStdin ? {} : { password }) });
      if (!options.passwordFromStdin) process.stderr.write('Hand the password over now: the gateway keeps only its hash and cannot show it again.\n');
      return;
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const options = parseOperatorsArgs(argv);
  const { DATABASE_URL } = registerClientCliConfig();
  const dataSource = new DataSource({ type: 'postgres', url: DATABASE_URL, entities: [OperatorAccount], migrations: GATEWAY_MIGRATIONS });
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource, (names) => {
      if (names.length > 0) process.stderr.write(`applied migrations: ${names.join(', ')}\n`);
    });
    await run(options, new OperatorAccountRepository(dataSource));
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
    else process.stderr.write(`operators failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsernameTaken ? EXIT_USERNAME_TAKEN : 1;
  });
}
