// Headless Chromium for the web view's tests: Debian's `chromium` package (`.ci/run` installs it
// with apt-get where missing) driven by playwright-core, which downloads no browser of its own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export type { Browser, Page };

/** ADTRACE_CHROMIUM, else `chromium` (or `chromium-browser`) on PATH; undefined when there is none. */
export function chromiumPath(): string | undefined {
  const given = process.env.ADTRACE_CHROMIUM?.trim();
  if (given) return given;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path && existsSync(path)) return path;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

export const NO_CHROMIUM =
  "no chromium executable (install Debian's: apt-get install -y chromium, as .ci/run does; or set ADTRACE_CHROMIUM)";

export function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI and this machine run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Every URL the page asks for, from playwright's request events (page, scripts, fetches). */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** Uncaught errors of the page's scripts and console errors (a failed script, a CSP refusal). */
export function recordErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}

/** Where screenshots are kept: .adtrace/artifacts/ of the repository (gitignored). */
export function artifactPath(name: string): string {
  const dir = join(import.meta.dirname, '..', '..', '.adtrace', 'artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
