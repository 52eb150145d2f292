import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH_VARIABLE, findChromium, REPO_ROOT } from '@order-saga/infra';
import { Browser, chromium, Page } from 'playwright-core';

/** The suite's artifacts (screenshots): below dist/, which git ignores. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'dist', 'apps', 'console-e2e', 'screenshots');
/** Where `CONSOLE_SCREENSHOTS_TO_DOCS=1` also writes the 1280 px screenshots the README shows. */
export const DOCS_SCREENSHOTS_DIR = join(REPO_ROOT, 'docs', 'console');

/**
 * The machine's Chromium (npm test installs Debian's package when it is missing, tools/infra/src/chromium.ts),
 * headless, driven by playwright-core, which downloads no browser of its own.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(
      `No Chromium found (on PATH as chromium, chromium-browser or google-chrome, or ${CHROMIUM_PATH_VARIABLE}). \`npm test\` installs Debian's chromium package when it runs as root; otherwise \`sudo apt-get install chromium\`.`,
    );
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none'] });
}

/** Saves the page as `<name>.png` among the suite's artifacts, and under docs/console when asked to. */
export async function screenshot(page: Page, name: string, options: { forDocs?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
  if (options.forDocs && process.env.CONSOLE_SCREENSHOTS_TO_DOCS === '1') {
    mkdirSync(DOCS_SCREENSHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(DOCS_SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
  }
}
