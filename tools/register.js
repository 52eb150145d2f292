// Runs TypeScript sources directly (services, launcher scripts) with SWC, resolving the
// tsconfig path aliases and emitting the decorator metadata Nest's dependency injection needs.
const { join } = require('node:path');

process.env.SWC_NODE_PROJECT ??= join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
