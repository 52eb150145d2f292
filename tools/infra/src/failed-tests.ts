import { existsSync, readFileSync } from 'node:fs';

/** Names the file tools/jest/failed-tests-reporter.js appends to; npm test sets it for every stage. */
export const FAILED_TESTS_FILE_VARIABLE = 'ORDER_SAGA_FAILED_TESTS_FILE';

/** One failed test, as tools/jest/failed-tests-reporter.js writes it (a JSON line each). */
export interface FailedTest {
  project: string;
  path: string;
  test: string;
  message: string;
}

// ANSI colour codes, which Jest puts in its failure messages.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The failures a run's reporter wrote, in the order they happened; none when the file is missing. */
export function readFailedTests(file: string): FailedTest[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FailedTest);
}

/**
 * A failure in a few lines: the test's name, the first lines of what failed (the assertion and its expected and
 * received values), and the first stack frame in the test's own file, so a CI log's last lines say which
 * assertion of which test, without the full Jest output above them.
 */
export function formatFailedTest(failure: FailedTest, maxMessageLines = 6): string[] {
  const lines = failure.message.replace(ANSI, '').split('\n');
  const stack = lines.findIndex((line) => /^\s+at /.test(line));
  const message = (stack === -1 ? lines : lines.slice(0, stack)).map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
  const shown = message.slice(0, maxMessageLines).map((line) => `    ${line.trim()}`);
  if (message.length > maxMessageLines) shown.push(`    … (${message.length - maxMessageLines} more lines above, in the stage’s output)`);
  const file = failure.path.split('/').pop() ?? failure.path;
  const where = lines.find((line) => /^\s+at /.test(line) && line.includes(file));
  return [`  ${failure.project ? `${failure.project}: ` : ''}${failure.test}`, ...shown, ...(where ? [`    ${where.trim()}`] : [`    (${failure.path})`])];
}
