import { envTablesMarkdown } from './env-tables';

// Prints the tables to paste into docs/deployment.md after a config class changed:
//   node -r ./tools/register.js tools/deploy/src/docs/env-tables.cli.ts
process.stdout.write(`${envTablesMarkdown()}\n`);
