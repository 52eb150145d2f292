// Shared Jest settings: SWC transpiles TypeScript (with decorator metadata, which Nest needs) and
// resolves the tsconfig path aliases, so tests run against source without a build step.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(readFileSync(join(__dirname, 'tsconfig.base.json'), 'utf8'));

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias.replace(/[/]/g, '\\/')}$`, join(__dirname, target)]),
);

module.exports = {
  testEnvironment: 'node',
  // SWC also rewrites the path aliases, so code Jest loads outside its module registry (global
  // setup of the e2e suite) resolves them too.
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, jsc: { ...swcrc.jsc, baseUrl: __dirname, paths: compilerOptions.paths } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFiles: ['reflect-metadata'],
  clearMocks: true,
  // Integration specs start Nest apps and Kafka consumers; their hooks need more than the 5 s default.
  testTimeout: 30_000,
  // npm test names each failed test again after its summary (tools/jest/failed-tests-reporter.js).
  reporters: ['default', join(__dirname, 'tools', 'jest', 'failed-tests-reporter.js')],
};
