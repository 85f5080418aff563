// Browser tests of the viewer page (web/) in Debian's chromium, headless, opened from disk (file://).
// The fixture is written by tests/viewer_test (write_e2e_fixture); tests/e2e/run.sh runs both. Not a benchmark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, fileUrl } from './browser.mjs';

const FIXTURE = process.env.GINN_VIEWER_FIXTURE || path.resolve('../../build/viewer_fixture.html');
const ARTIFACTS = path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');
let browser;

before(async () => {
  assert.ok(fs.existsSync(FIXTURE), `no fixture at ${FIXTURE}: run tests/e2e/run.sh BUILD_DIR`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch({ width: 1440, height: 900 });
});
after(async () => { await browser?.close(); });

/** Opens the fixture (with an optional URL fragment) and records requests and console errors. */
async function open(hash = '', viewport) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const requests = [], errors = [];
  page.on('request', r => requests.push(r.url()));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(fileUrl(FIXTURE) + hash);
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
const frames = page => page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
const state = page => page.evaluate(() => window.ginn.state());

/** RGBA pixels of a canvas as a base64 string (compared in node). */
async function pixels(page, selector) {
  return page.evaluate(sel => {
    const c = document.querySelector(sel), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 8192) s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
    return { w: c.width, h: c.height, data: btoa(s) };
  }, selector);
}
const decode = p => ({ ...p, data: Buffer.from(p.data, 'base64') });
function differingPixels(a, b) {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4)
    if (Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]) > 12) n++;
  return n;
}
function countColour(p, [r, g, b], tol = 6) {
  let n = 0;
  for (let i = 0; i < p.data.length; i += 4)
    if (Math.abs(p.data[i] - r) <= tol && Math.abs(p.data[i + 1] - g) <= tol && Math.abs(p.data[i + 2] - b) <= tol) n++;
  return n;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what canvas.toBlob writes) to {w, h, data: RGBA}. */
function decodePng(buf) {
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

test('slider reaches the first and the last snapshot by keys, value and pointer', async () => {
  const t = await open();
  const { page } = t;
  const n = (await state(page)).n;
  await page.keyboard.press('End');
  await frames(page);
  assert.equal((await state(page)).k, n - 1);
  assert.equal(await page.inputValue('#slider'), String(n - 1));
  assert.match(await page.textContent('#snap-label'), new RegExp(`^${n} / ${n}`));
  await page.keyboard.press('Home');
  await frames(page);
  assert.equal((await state(page)).k, 0);
  await page.locator('#slider').fill(String(n - 1));
  assert.equal((await state(page)).k, n - 1);
  const box = await page.locator('#slider').boundingBox();
  await page.mouse.click(box.x + 1, box.y + box.height / 2);
  assert.equal((await state(page)).k, 0, 'clicking the slider\'s left end');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  assert.equal((await state(page)).k, n - 1, 'dragging the slider to its right end');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await state(page)).k, n - 2);
  await page.keyboard.press('ArrowRight');
  assert.equal((await state(page)).k, n - 1);
  await t.done('slider');
});

test('Space plays, + makes playback advance faster', async () => {
  const t = await open();
  const { page } = t;
  for (let i = 0; i < 3; i++) await page.keyboard.press('-');
  const slow = (await state(page)).speed;
  await page.keyboard.press('Home');
  await page.keyboard.press(' ');
  await page.waitForTimeout(1200);
  await page.keyboard.press(' ');
  const s1 = await state(page);
  assert.equal(s1.playing, false, 'Space pauses');
  assert.ok(s1.k > 0, `playback advanced (k = ${s1.k})`);
  for (let i = 0; i < 3; i++) await page.keyboard.press('+');
  assert.equal((await state(page)).speed, slow + 3);
  await page.keyboard.press('Home');
  await page.keyboard.press(' ');
  await page.waitForTimeout(1200);
  await page.keyboard.press(' ');
  const s2 = await state(page);
  assert.ok(s2.k > s1.k, `faster playback advanced further (${s2.k} > ${s1.k})`);
  await t.done('playback');
});

test('clicking a neuron button adds exactly that neuron\'s boundary', async () => {
  const t = await open('#run=0&k=39&view=none&sel=&db=0');
  const { page } = t;
  const st = await state(page);
  assert.deepEqual(st.sel, []);
  // the layer-2 neuron with the longest boundary at this snapshot
  const id = await page.evaluate(() => {
    let best = -1, most = 0;
    for (let id = 16; id < 32; id++) { const n = window.ginn.boundaryPoints(id); if (n > most) { most = n; best = id; } }
    return best;
  });
  assert.ok(id >= 16, 'a layer-2 neuron with a boundary');
  const index = id - 15, colour = await page.evaluate(i => window.ginn.neuronRgb(2, i), index);
  const before = decode(await pixels(page, '#panel-a canvas'));
  assert.equal(countColour(before, colour), 0);
  await page.click(`#neurons .neuron[data-layer="2"][data-index="${index}"]`);
  await page.mouse.move(2, 2);  // off the button: no hover highlight
  await frames(page);
  assert.deepEqual((await state(page)).sel, [`2.${index}`]);
  assert.equal((await state(page)).hover, -1);
  const after = decode(await pixels(page, '#panel-a canvas'));
  assert.ok(countColour(after, colour) > 40, `pixels in the neuron's colour appeared (${countColour(after, colour)})`);
  // every changed pixel lies on that neuron's polylines (within the line width)
  const lines = await page.evaluate(i => window.ginn.polylines(i), id), S = after.w;
  let far = 0, changed = 0;
  for (let p = 0; p < S * S; p++) {
    const i = 4 * p;
    if (before.data[i] === after.data[i] && before.data[i + 1] === after.data[i + 1] && before.data[i + 2] === after.data[i + 2]) continue;
    changed++;
    const x = p % S + 0.5, y = Math.floor(p / S) + 0.5;
    let d = Infinity;
    for (const a of lines) for (let j = 0; j + 3 < a.length; j += 2) {
      const x0 = a[j] * S, y0 = (1 - a[j + 1]) * S, x1 = a[j + 2] * S, y1 = (1 - a[j + 3]) * S;
      const dx = x1 - x0, dy = y1 - y0, L = dx * dx + dy * dy;
      const u = L > 0 ? Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / L)) : 0;
      d = Math.min(d, Math.hypot(x - x0 - u * dx, y - y0 - u * dy));
    }
    if (d > 3) far++;
  }
  assert.ok(changed > 40);
  assert.equal(far, 0, `${far} of ${changed} changed pixels are away from the neuron's boundary`);
  // hovering the button highlights it (thicker line: more changed pixels), leaving restores the picture
  await page.hover(`#neurons .neuron[data-layer="2"][data-index="${index}"]`);
  await frames(page);
  assert.equal((await state(page)).hover, id);
  assert.ok(await page.isVisible('#tip'));
  assert.match(await page.textContent('#tip'), /active on [\d.]+% of the domain/);
  await t.done('neuron-click');
});

test('the target/prediction switch changes the picture', async () => {
  const t = await open('#run=0&k=39&view=pred&sel=&db=0');
  const { page } = t;
  const pred = decode(await pixels(page, '#panel-a canvas'));
  await page.click('#views button[data-view="target"]');
  await frames(page);
  assert.equal((await state(page)).view, 'target');
  const target = decode(await pixels(page, '#panel-a canvas'));
  const diff = differingPixels(pred, target);
  assert.ok(diff > 0.01 * pred.w * pred.h, `target differs from prediction (${diff} pixels)`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'target.png') });
  await page.click('#views button[data-view="pred"]');
  await frames(page);
  assert.equal(differingPixels(pred, decode(await pixels(page, '#panel-a canvas'))), 0, 'switching back restores the picture');
  await page.keyboard.press('r');
  await frames(page);
  assert.ok(differingPixels(pred, decode(await pixels(page, '#panel-a canvas'))) > 0.05 * pred.w * pred.h, 'regions differ');
  await t.done('regions');
});

test('the run switcher changes the loss curve and keeps snapshot position and selection', async () => {
  const t = await open('#run=0&k=39&view=pred&sel=1:1-4;3:2');
  const { page } = t;
  const curve0 = decode(await pixels(page, '#curve'));
  const s0 = await state(page);
  await page.click('#runs button[data-run="1"]');
  await frames(page);
  const s1 = await state(page);
  assert.equal(s1.run, 1);
  assert.deepEqual(s1.sel, s0.sel);
  assert.equal(s1.k, s1.n - 1, 'the last snapshot maps to the other run\'s nearest iteration (its last)');
  const curve1 = decode(await pixels(page, '#curve'));
  assert.ok(differingPixels(curve0, curve1) > 500, 'the loss curve changed');
  assert.match(await page.textContent('#readout'), /test loss/, 'run 2 has a test split');
  await t.done('run-switch');
});

test('the URL fragment restores run, snapshot, selection and view', async () => {
  const t = await open();
  const { page } = t;
  await page.click('#runs button[data-run="1"]');
  await page.keyboard.press('z');
  await page.click('#neurons .neuron[data-layer="1"][data-index="3"]');
  await page.click('#neurons .neuron[data-layer="3"][data-index="7"]');
  await page.keyboard.press('Home');
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('t');
  await page.keyboard.press('l');
  await page.keyboard.press('d');
  await page.waitForFunction(() => location.hash.includes('k=7') && location.hash.includes('logx=1'));
  const url = page.url(), want = await state(page);
  const u = await open(url.slice(url.indexOf('#')));
  const got = await state(u.page);
  for (const key of ['run', 'k', 'view', 'sel', 'logX', 'decision']) assert.deepEqual(got[key], want[key], key);
  assert.deepEqual(got.sel, ['1.3', '3.7']);
  await u.done('url-restored');
  await t.done('url-source');
});

test('PNG export saves exactly the picture on screen', async () => {
  const t = await open('#run=0&k=39&view=pred&sel=1:1-16;2:1-16');
  const { page } = t;
  const shown = decode(await pixels(page, '#panel-a canvas'));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#export')]);
  const st = await state(page);
  assert.equal(download.suggestedFilename(), `ginn-${(await page.evaluate(() => window.ginn.runs()))[0].name}-it${st.iteration}.png`);
  const file = fs.readFileSync(await download.path());
  fs.writeFileSync(path.join(ARTIFACTS, 'export.png'), file);
  const png = decodePng(file);
  assert.deepEqual([png.w, png.h], [shown.w, shown.h], 'the PNG has the picture canvas\' size');
  assert.equal(differingPixels(png, shown), 0, 'the PNG holds the pixels on screen');
  const colours = new Set();
  for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
  assert.ok(colours.size > 200, `not blank: ${colours.size} distinct colours`);
  // in compare mode (S, the key) it holds both panels side by side with an 8-pixel gap
  await page.keyboard.press('c');
  await frames(page);
  const b = decode(await pixels(page, '#panel-b canvas'));
  const [second] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.keyboard.press('s')]);
  const both = decodePng(fs.readFileSync(await second.path()));
  assert.deepEqual([both.w, both.h], [2 * b.w + 8, b.h], 'two panels and the gap');
  const right = { w: b.w, h: b.h, data: Buffer.alloc(b.data.length) };
  for (let y = 0; y < b.h; y++) both.data.copy(right.data, 4 * y * b.w, 4 * (y * both.w + b.w + 8), 4 * (y * both.w + 2 * b.w + 8));
  assert.equal(differingPixels(right, b), 0, 'the right half is panel B');
  await t.done('export');
});

// ---- the analysis' findings: the fixture's first run has layer-1 neuron 5 planted dead from snapshot 20 of 40

const button = (layer, index) => `#neurons .neuron[data-layer="${layer}"][data-index="${index}"]`;

test('a badge marks the planted dead neuron on its button, at the snapshots where it is dead', async () => {
  const t = await open('#run=0&k=39&view=pred&sel=');
  const { page } = t;
  const f = await page.evaluate(() => window.ginn.findings());
  assert.equal(f.format, 'ginn-findings');
  assert.deepEqual(f.spans['L1:5'].dead, [[20, 39]], 'the fixture carries the planted death');
  assert.equal(f.spans['L1:1'], undefined, 'L1:1 has no findings');
  const mark = page.locator(`${button(1, 5)} .badge.b-dead`);
  assert.equal(await mark.count(), 1, 'a dead mark on L1:5');
  assert.match(await page.getAttribute(button(1, 5), 'data-badges'), /(^|\|)dead(\||$)/);
  // the mark sits on that button's top-right corner
  const b = await page.locator(button(1, 5)).boundingBox(), m = await mark.boundingBox();
  assert.ok(m.x + m.width / 2 > b.x + b.width / 2 && m.x < b.x + b.width + 6 && m.y < b.y + 4 && m.y + m.height > b.y,
    `mark ${JSON.stringify(m)} on the corner of button ${JSON.stringify(b)}`);
  assert.equal(await page.locator(`${button(1, 1)} .badge`).count(), 0, 'no mark on a neuron without findings');
  // the tooltip says since when
  await page.hover(button(1, 5));
  await frames(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'badge-tip.png') });
  const tipText = await page.textContent('#tip');
  await page.mouse.move(2, 2);
  await page.keyboard.press('Home');
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  await frames(page);
  const s20 = await state(page);
  assert.equal(s20.k, 20);
  assert.match(tipText, new RegExp(`dead since iteration ${s20.iteration.toLocaleString('en')}`), tipText);
  assert.equal(await mark.count(), 1, 'dead at snapshot 20');
  await page.keyboard.press('ArrowLeft');
  await frames(page);
  assert.equal(await page.locator(`${button(1, 5)} .badge.b-dead`).count(), 0, 'alive at snapshot 19: no dead mark');
  assert.doesNotMatch(await page.getAttribute(button(1, 5), 'data-badges'), /dead/);
  await t.done('badges');
});

test('clicking a timeline event jumps to its snapshot and selects the neurons involved', async () => {
  const t = await open('#run=0&k=0&view=pred&sel=');
  const { page } = t;
  const markers = await page.evaluate(() => window.ginn.eventMarkers());
  const died = markers.find(m => m.snapshot === 20 && m.kinds.includes('died') && m.neurons.includes('L1:5'));
  assert.ok(died, `a "died" marker for L1:5 at snapshot 20 among ${markers.length}`);
  await page.mouse.move(died.x, died.y);
  await frames(page);
  assert.match(await page.textContent('#tip'), /L1:5 died/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'timeline-tip.png') });
  await page.mouse.click(died.x, died.y);
  await frames(page);
  const s = await state(page);
  assert.equal(s.k, 20, 'jumped to the event');
  assert.equal(await page.inputValue('#slider'), '20', 'the slider follows');
  const want = died.neurons.map(l => l.slice(1).replace(':', '.')).sort();
  assert.deepEqual(s.sel, want, 'selects exactly the neurons the events name');
  // E and Shift+E step through the events
  const next = markers.find(m => m.snapshot > 20).snapshot;
  await page.keyboard.press('e');
  assert.equal((await state(page)).k, next, 'E: the next event');
  await page.keyboard.press('Shift+E');
  assert.equal((await state(page)).k, 20, 'Shift+E: back');
  await t.done('timeline');
});

test('the region-count curve follows the counts and marks the current snapshot', async () => {
  const t = await open('#run=0&k=0&view=pred&sel=');
  const { page } = t;
  const xs = await page.evaluate(() => window.ginn.curveXs());
  const counts = await page.evaluate(() => JSON.parse(document.getElementById('ginn-data').textContent).runs[0].counts.activation);
  const peak = counts.indexOf(Math.max(...counts));
  const teal = [0x5e, 0xc8, 0xc0];
  const isTeal = (r, g, b) => g > 120 && b > 110 && r < 130 && g - r > 50;
  const isYellow = (r, g, b) => r > 140 && g > 110 && b < 90 && r - b > 100;  // the marker, antialiased
  const column = (p, x, is) => {  // rows with a pixel of that colour within 1 px of column x (CSS px, dpr 1)
    const rows = [];
    for (let y = 0; y < p.h; y++)
      for (const c of [Math.floor(x) - 1, Math.floor(x), Math.floor(x) + 1]) {
        const i = 4 * (y * p.w + c);
        if (is(p.data[i], p.data[i + 1], p.data[i + 2])) { rows.push(y); break; }
      }
    return rows;
  };
  const p0 = decode(await pixels(page, '#regions-curve'));
  assert.ok(countColour(p0, teal, 30) > 100, 'the activation curve is drawn');
  assert.ok(column(p0, xs[0], isYellow).length > 10, 'current-snapshot marker at snapshot 0');
  await page.keyboard.press('End');
  await frames(page);
  const p1 = decode(await pixels(page, '#regions-curve'));
  assert.ok(column(p1, xs[xs.length - 1], isYellow).length > 10, 'marker moved to the last snapshot');
  assert.ok(column(p1, xs[0], isYellow).length < 3, 'and left the first');
  // drawn from the counts: the run's peak lies higher than its start (the fixture's counts grow several-fold)
  assert.ok(peak < xs.length - 3 && counts[0] < 0.5 * counts[peak], `fixture: peak ${counts[peak]} at ${peak}, start ${counts[0]}`);
  const atPeak = column(p1, xs[peak], isTeal), atStart = column(p1, xs[0] + 1, isTeal);
  assert.ok(atPeak.length && atStart.length, 'curve pixels at the peak and at the start');
  assert.ok(Math.min(...atPeak) < Math.min(...atStart) - 5, `the peak is drawn higher (${atPeak}) than the start (${atStart})`);
  await t.done('region-curve');
});

test('the analysis report\'s links open the snapshot and neurons they name', async () => {
  const t = await open('#run=1&snapshot=12&neurons=L1:5,L2:3');
  const s = await state(t.page);
  assert.equal(s.run, 1);
  assert.equal(s.k, 12);
  assert.deepEqual(s.sel, ['1.5', '2.3']);
  await t.done('report-link');
});

test('looks right: compare mode, help overlay, hover readout, laptop screen without scrolling', async () => {
  const t = await open('#run=0&k=30&view=pred&sel=1:1-16;2:1-16;3:1-16', { width: 1366, height: 768 });
  const { page } = t;
  const fits = await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth);
  assert.ok(fits, 'the page fits a 1366x768 window');
  await page.screenshot({ path: path.join(ARTIFACTS, 'laptop.png') });
  const box = await page.locator('#panel-a canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
  await frames(page);
  assert.match(await page.textContent('#tip'), /P\(class 1\) [\d.]+ · target [01]/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'hover.png') });
  await page.keyboard.press('c');
  await frames(page);
  assert.ok(await page.isVisible('#panel-b canvas'));
  await page.screenshot({ path: path.join(ARTIFACTS, 'compare.png') });
  await page.keyboard.press('?');
  assert.ok(await page.isVisible('#help'));
  await page.screenshot({ path: path.join(ARTIFACTS, 'help.png') });
  await page.keyboard.press('Escape');
  assert.ok(!(await page.isVisible('#help')));
  await t.done('laptop-compare');
});

test('a small window (1024x700): the top bar stays one line and the page needs no scrolling', async () => {
  const t = await open('#run=0&k=30&view=pred&sel=1:1-16;2:1-16;3:1-16', { width: 1024, height: 700 });
  const { page } = t;
  const m = await page.evaluate(() => ({
    bar: document.getElementById('bar').getBoundingClientRect().height,
    button: document.getElementById('export').getBoundingClientRect().height,
    runs: [...document.querySelectorAll('#runs button')].map(b => b.getBoundingClientRect().height),
    help: document.getElementById('help-button').getBoundingClientRect().right,
    fits: document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth,
  }));
  assert.ok(m.fits, 'the page fits a 1024x700 window');
  assert.ok(m.bar < m.button + 16, `the bar is one line (${m.bar} px for ${m.button} px buttons)`);
  for (const h of m.runs) assert.ok(h <= m.button + 1, `run buttons on one line (${m.runs})`);
  assert.ok(m.help <= 1024, 'the help button is on screen');
  await t.done('small-window');
});
