// Shared by the browser tests and bench/viewer_bench.mjs: launches Debian's chromium headless through playwright-core
// with a fresh profile and no network services. Not a test itself.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.GINN_CHROMIUM || '/usr/bin/chromium';

/** Launches a persistent context in a fresh temporary profile; returns {context, close}. */
export async function launch({ width = 1440, height = 900, deviceScaleFactor = 1 } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ginn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width, height },
    deviceScaleFactor,
  });
  return {
    context,
    close: async () => { await context.close(); fs.rmSync(profile, { recursive: true, force: true }); },
  };
}

/** file:// URL of a path. */
export const fileUrl = p => 'file://' + path.resolve(p);
