import { driftFrom, generatedFiles, writeFiles } from './generate';

/**
 * `npx nx run contracts-gen:generate` writes docs/asyncapi.yaml and docs/schemas/**; `contracts-gen:check`
 * (CI) regenerates in memory and fails when the committed files differ, naming each one.
 */
function main(check: boolean): number {
  const files = generatedFiles();
  if (!check) {
    writeFiles(files);
    process.stdout.write(`wrote ${Object.keys(files).length} files under docs/\n`);
    return 0;
  }
  const drift = driftFrom(files);
  const problems = [
    ...drift.changed.map((f) => `changed: docs/${f}`),
    ...drift.missing.map((f) => `missing: docs/${f}`),
    ...drift.stale.map((f) => `no longer generated: docs/${f}`),
  ];
  if (problems.length === 0) {
    process.stdout.write(`docs/asyncapi.yaml and docs/schemas (${Object.keys(files).length} files) are up to date\n`);
    return 0;
  }
  process.stderr.write(`${problems.join('\n')}\nrun \`npx nx run contracts-gen:generate\` and commit the result\n`);
  return 1;
}

try {
  process.exit(main(process.argv.includes('--check')));
} catch (error) {
  process.stderr.write(`contract generation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
