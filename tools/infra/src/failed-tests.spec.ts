import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAILED_TESTS_FILE_VARIABLE, formatFailedTest, readFailedTests } from './failed-tests';
import { REPO_ROOT } from './paths';

// The reporter Jest loads (plain JavaScript, required the way Jest requires it).
const FailedTestsReporter = require(join(REPO_ROOT, 'tools', 'jest', 'failed-tests-reporter.js')) as new () => {
  onTestResult(test: unknown, result: unknown): void;
};

const SPEC = join(REPO_ROOT, 'apps', 'console-e2e', 'src', 'console.e2e-spec.ts');
// What Jest puts in failureMessages for a failed toBe, colours included.
const TO_BE_FAILURE = [
  'Error: \u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe\u001b[2m(\u001b[22m\u001b[32mexpected\u001b[39m\u001b[2m) // Object.is equality\u001b[22m',
  '',
  'Expected: \u001b[32mtrue\u001b[39m',
  'Received: \u001b[31mfalse\u001b[39m',
  '    at Object.<anonymous> (/work/x/node_modules/expect/build/index.js:10:11)',
  `    at Object.<anonymous> (${SPEC}:195:104)`,
].join('\n');

function resultOf(testResults: Array<{ fullName: string; status: string; failureMessages: string[] }>, testExecError?: { message: string }) {
  return { testFilePath: SPEC, testResults, testExecError };
}
const consoleSuite = { context: { config: { displayName: { name: 'console-e2e' } } } };

describe('failed tests, named again after npm test’s summary', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'failed-tests-'));
    file = join(dir, 'failed-tests.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function report(result: ReturnType<typeof resultOf>, env: string | null = file) {
    const previous = process.env[FAILED_TESTS_FILE_VARIABLE];
    if (env === null) delete process.env[FAILED_TESTS_FILE_VARIABLE];
    else process.env[FAILED_TESTS_FILE_VARIABLE] = env;
    try {
      new FailedTestsReporter().onTestResult(consoleSuite, result);
    } finally {
      if (previous === undefined) delete process.env[FAILED_TESTS_FILE_VARIABLE];
      else process.env[FAILED_TESTS_FILE_VARIABLE] = previous;
    }
  }

  it('the reporter appends only the failed tests of each suite, with their project and repository-relative path', () => {
    report(
      resultOf([
        { fullName: 'console signs in', status: 'passed', failureMessages: [] },
        { fullName: 'console cancels a stuck saga', status: 'failed', failureMessages: [TO_BE_FAILURE] },
      ]),
    );
    report(resultOf([{ fullName: 'console signs out', status: 'failed', failureMessages: ['Error: boom'] }]));

    expect(readFailedTests(file)).toEqual([
      { project: 'console-e2e', path: 'apps/console-e2e/src/console.e2e-spec.ts', test: 'console cancels a stuck saga', message: TO_BE_FAILURE },
      { project: 'console-e2e', path: 'apps/console-e2e/src/console.e2e-spec.ts', test: 'console signs out', message: 'Error: boom' },
    ]);
  });

  it('a suite that failed before any test ran is reported as the suite itself', () => {
    report(resultOf([], { message: 'Cannot find module ./missing' }));

    expect(readFailedTests(file)).toEqual([
      { project: 'console-e2e', path: 'apps/console-e2e/src/console.e2e-spec.ts', test: '(the suite itself)', message: 'Cannot find module ./missing' },
    ]);
  });

  it('without the variable (a plain nx or jest run) the reporter writes nothing, and no file reads as no failure', () => {
    report(resultOf([{ fullName: 'console signs out', status: 'failed', failureMessages: ['Error: boom'] }]), null);

    expect(readFailedTests(file)).toEqual([]);
  });

  it('formats a failure as its name, the assertion without colours, and the line of the test file that failed', () => {
    const lines = formatFailedTest({
      project: 'console-e2e',
      path: 'apps/console-e2e/src/console.e2e-spec.ts',
      test: 'console cancels a stuck saga',
      message: TO_BE_FAILURE,
    });

    expect(lines).toEqual([
      '  console-e2e: console cancels a stuck saga',
      '    Error: expect(received).toBe(expected) // Object.is equality',
      '    Expected: true',
      '    Received: false',
      `    at Object.<anonymous> (${SPEC}:195:104)`,
    ]);
  });

  it('cuts a long message and says how much is left out; without a frame in the test file it names the file', () => {
    const message = Array.from({ length: 9 }, (_, index) => `line ${index + 1}`).join('\n');

    const lines = formatFailedTest({ project: '', path: 'tools/x/src/a.spec.ts', test: 'a test', message }, 3);

    expect(lines).toEqual([
      '  a test',
      '    line 1',
      '    line 2',
      '    line 3',
      '    … (6 more lines above, in the stage’s output)',
      '    (tools/x/src/a.spec.ts)',
    ]);
  });
});
