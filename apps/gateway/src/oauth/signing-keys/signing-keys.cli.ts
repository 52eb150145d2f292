import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { activateKey, addKey, parseSigningKeyFile, retireKey, SigningKeyFile, SigningKeyFileError } from './signing-keys';

const USAGE = `Manages the gateway's access-token signing keys (ES256), a JSON file named by JWT_SIGNING_KEYS_FILE.

usage: node -r ./tools/register.js apps/gateway/src/oauth/signing-keys/signing-keys.cli.ts <command> --file PATH [--kid KID]

  ensure     create the file with one active key unless it exists (npm start, e2e)
  add        add a new key: published and accepted, not signing yet (step 1 of a rotation)
  activate   make --kid the signing key (step 2; roll step 1 out to every replica first)
  retire     remove --kid (step 3; only after ACCESS_TOKEN_TTL_SECONDS since it last signed)
  rotate     add + activate in one go (one replica, or replicas sharing the file)
  list       print kid and status of each key

Replicas read the file at start-up: restart them (rolling) after each step.
`;

class UsageError extends Error {}

function read(path: string): SigningKeyFile | undefined {
  return existsSync(path) ? parseSigningKeyFile(readFileSync(path, 'utf8'), path) : undefined;
}

function write(path: string, file: SigningKeyFile): void {
  // Write-then-rename, so a replica starting meanwhile never reads half a file.
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

function existing(path: string): SigningKeyFile {
  const file = read(path);
  if (!file) throw new UsageError(`${path} does not exist; create it with ensure or add`);
  return file;
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { file: { type: 'string' }, kid: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command] = parsed.positionals;
  const { file: path, kid } = parsed.values;
  if (!path) throw new UsageError('--file is required');
  const needKid = (): string => {
    if (!kid) throw new UsageError(`${command} needs --kid`);
    return kid;
  };

  switch (command) {
    case 'ensure':
      if (!read(path)) write(path, await addKey(undefined, kid));
      break;
    case 'add':
      write(path, await addKey(read(path), kid));
      break;
    case 'activate':
      write(path, activateKey(existing(path), needKid()));
      break;
    case 'retire':
      write(path, retireKey(existing(path), needKid()));
      break;
    case 'rotate': {
      const added = await addKey(read(path), kid);
      write(path, activateKey(added, added.keys[0].kid as string));
      break;
    }
    case 'list':
      break;
    default:
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
  }
  const file = existing(path);
  for (const key of file.keys) process.stdout.write(`${key.kid}${key.kid === file.active_kid ? ' active' : ''}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
    else if (error instanceof SigningKeyFileError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`signing-keys failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
