// A Jest reporter that appends each failed test, as a JSON line, to the file named by ORDER_SAGA_FAILED_TESTS_FILE
// (npm test sets it; without it the reporter does nothing). npm test reads the file back and names the failures
// after its stage summary, at the end of the output, where a CI log's tail shows them
// (tools/infra/src/failed-tests.ts).
const { appendFileSync } = require('node:fs');
const { relative } = require('node:path');

const REPO_ROOT = require('node:path').join(__dirname, '..', '..');

class FailedTestsReporter {
  onTestResult(test, result) {
    const file = process.env.ORDER_SAGA_FAILED_TESTS_FILE;
    if (!file) return;
    const project = test.context.config.displayName?.name ?? '';
    const path = relative(REPO_ROOT, result.testFilePath);
    const lines = result.testResults
      .filter((assertion) => assertion.status === 'failed')
      .map((assertion) => ({ project, path, test: assertion.fullName, message: assertion.failureMessages.join('\n') }));
    // A suite that failed outside its tests (it did not compile, a hook threw before any test ran).
    if (lines.length === 0 && result.testExecError) lines.push({ project, path, test: '(the suite itself)', message: result.testExecError.message });
    if (lines.length > 0) appendFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  }
}

module.exports = FailedTestsReporter;
