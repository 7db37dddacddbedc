import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file of the web view, read once at start-up. */
export interface UiFile {
  readonly contentType: string;
  readonly body: Buffer;
}

const UI_DIR = join(import.meta.dirname, '../../ui');
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * The web view: plain files under services/warehouse/ui, served as they are (no build step).
 * A fixed list, so no request path ever reaches the file system.
 */
export function loadUiFiles(dir = UI_DIR): ReadonlyMap<string, UiFile> {
  const files = new Map<string, UiFile>();
  for (const name of ['index.html', 'app.js', 'draw.js', 'style.css']) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    files.set(name, { contentType: TYPES[ext]!, body: readFileSync(join(dir, name)) });
  }
  return files;
}

/**
 * Everything the page loads comes from this server: a browser refuses anything else (no CDN,
 * no font or script from elsewhere), so the view works on a machine with no way out.
 */
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
