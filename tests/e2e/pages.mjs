// Shared by the browser tests: the fixture pages (written by tests/viewer_test, write_e2e_fixture), one browser for all
// test files, and helpers that read canvases and decode PNG downloads. Not a test itself.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, fileUrl } from './browser.mjs';

export const FIXTURE = process.env.GINN_VIEWER_FIXTURE || path.resolve('../../build/viewer_fixture.html');
export const ARTIFACTS = path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');
/** The other fixtures beside the main one: 'kinds' (3 classes, regression, tanh) and 'wide' (64-wide, 6 layers). */
export const fixture = name => FIXTURE.replace(/\.html$/, `-${name}.html`);
let browser;

before(async () => {
  assert.ok(fs.existsSync(FIXTURE), `no fixture at ${FIXTURE}: run tests/e2e/run.sh BUILD_DIR`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch({ width: 1440, height: 900 });
});
after(async () => { await browser?.close(); });

/** Opens the fixture (with an optional URL fragment) and records requests and console errors. */
export async function open(hash = '', viewport, file = FIXTURE) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const requests = [], errors = [];
  page.on('request', r => requests.push(r.url()));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(fileUrl(file) + hash);
  await page.waitForSelector('body[data-all-ready="1"]', { timeout: 15000 });
  await frames(page);
  return {
    page, requests, errors,
    /** Ends a test: screenshot, then no network and no console errors. */
    async done(name) {
      await page.screenshot({ path: path.join(ARTIFACTS, name + '.png') });
      const foreign = requests.filter(u => !/^(file|data|blob):/.test(u));
      assert.deepEqual(foreign, [], 'the page made network requests');
      assert.deepEqual(errors, [], 'console errors');
      await page.close();
    },
  };
}

/** Waits until the page has drawn what the last event asked for (render runs in requestAnimationFrame). */
export const frames = page => page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
export const state = page => page.evaluate(() => window.ginn.state());

/** RGBA pixels of a canvas as a base64 string (compared in node). */
export async function pixels(page, selector) {
  return page.evaluate(sel => {
    const c = document.querySelector(sel), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 8192) s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
    return { w: c.width, h: c.height, data: btoa(s) };
  }, selector);
}
export const decode = p => ({ ...p, data: Buffer.from(p.data, 'base64') });
export function differingPixels(a, b) {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4)
    if (Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]) > 12) n++;
  return n;
}
export function countColour(p, [r, g, b], tol = 6) {
  let n = 0;
  for (let i = 0; i < p.data.length; i += 4)
    if (Math.abs(p.data[i] - r) <= tol && Math.abs(p.data[i + 1] - g) <= tol && Math.abs(p.data[i + 2] - b) <= tol) n++;
  return n;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what canvas.toBlob writes) to {w, h, data: RGBA}. */
export function decodePng(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  let w = 0, h = 0, type = 0;
  const idat = [];
  for (let o = 8; o < buf.length;) {
    const len = buf.readUInt32BE(o), kind = buf.toString('latin1', o + 4, o + 8), body = buf.subarray(o + 8, o + 8 + len);
    if (kind === 'IHDR') {
      w = body.readUInt32BE(0); h = body.readUInt32BE(4); type = body[9];
      assert.equal(body[8], 8, 'bit depth'); assert.ok(type === 2 || type === 6, `colour type ${type}`); assert.equal(body[12], 0, 'interlace');
    }
    if (kind === 'IDAT') idat.push(body);
    o += 12 + len;
  }
  const bpp = type === 6 ? 4 : 3, stride = w * bpp, raw = zlib.inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, h * (stride + 1), 'IDAT size');
  const rows = Buffer.alloc(h * stride), data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {  // undo the per-row filters (PNG spec, section 9)
    const f = raw[y * (stride + 1)], src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), o = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? rows[o + i - bpp] : 0, b = y ? rows[o - stride + i] : 0, c = i >= bpp && y ? rows[o - stride + i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      rows[o + i] = (src[i] + pred) & 255;
    }
  }
  for (let p = 0; p < w * h; p++) {
    for (let j = 0; j < 3; j++) data[4 * p + j] = rows[p * bpp + j];
    data[4 * p + 3] = bpp === 4 ? rows[p * bpp + 3] : 255;
  }
  return { w, h, data };
}

