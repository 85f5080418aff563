// Browser tests of the viewer page (web/) in Debian's chromium, headless, opened from disk (file://).
// The fixtures are written by tests/viewer_test (write_e2e_fixture); tests/e2e/run.sh runs both. Not a benchmark.
// The tests of run kinds (kinds.test.mjs) and of layouts (layout.test.mjs) are files of their own beside this one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, open, frames, state, pixels, decode, differingPixels, countColour, decodePng } from './pages.mjs';

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

test('PNG export: 3x the picture, with caption and legend, and no cursor artefacts in compare mode', async () => {
  const t = await open('#run=0&k=39&view=pred&sel=1:1-16;2:1-16');
  const { page } = t;
  const shown = decode(await pixels(page, '#panel-a canvas'));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#export')]);
  const st = await state(page);
  assert.equal(download.suggestedFilename(), `ginn-${(await page.evaluate(() => window.ginn.runs()))[0].name}-it${st.iteration}.png`);
  const file = fs.readFileSync(await download.path());
  fs.writeFileSync(path.join(ARTIFACTS, 'export-download.png'), file);
  const png = decodePng(file), S = 3 * shown.w;
  assert.equal(png.w, S, 'three times the picture\'s width');
  assert.ok(png.h > S + 30, `room for caption and legend under the picture (${png.h} for ${S})`);
  // the picture part, averaged over 3x3 blocks, is the picture on screen (up to line rendering at another scale)
  const small = { w: shown.w, h: shown.h, data: Buffer.alloc(shown.data.length) };
  for (let y = 0; y < shown.h; y++) for (let x = 0; x < shown.w; x++) for (let c = 0; c < 4; c++) {
    let sum = 0;
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) sum += png.data[4 * ((3 * y + dy) * png.w + 3 * x + dx) + c];
    small.data[4 * (y * shown.w + x) + c] = Math.round(sum / 9);
  }
  const off = differingPixels(small, shown);
  assert.ok(off < 0.08 * shown.w * shown.h, `the 3x picture matches the screen (${off} of ${shown.w * shown.h} pixels differ)`);
  // the caption band holds text (light pixels) and names the run and iteration as the on-screen caption does
  let light = 0;
  for (let y = S; y < png.h; y++) for (let x = 0; x < png.w; x++) if (png.data[4 * (y * png.w + x)] > 120) light++;
  assert.ok(light > 200, `caption and legend text drawn (${light} light pixels)`);
  assert.match(await page.textContent('#panel-a .caption'), /iteration [\d,]+ · loss/);
  // compare mode: the pointer over panel A draws a ring on panel B on screen, never in the export
  await page.keyboard.press('c');
  await frames(page);
  const save = async () => { const [d] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.keyboard.press('s')]); return decodePng(fs.readFileSync(await d.path())); };
  await page.mouse.move(2, 2);
  await frames(page);
  const clean = await save();
  const box = await page.locator('#panel-a canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await frames(page);
  const ringed = decode(await pixels(page, '#panel-b canvas'));
  await page.mouse.move(2, 2);
  await frames(page);
  assert.ok(differingPixels(ringed, decode(await pixels(page, '#panel-b canvas'))) > 10, 'the ring shows on screen');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await frames(page);
  const hovered = await save();
  assert.equal(hovered.w, clean.w);
  assert.equal(clean.w, 2 * 3 * ringed.w + 24, 'both panels side by side at 3x with a gap');
  assert.equal(differingPixels(hovered, clean), 0, 'no ring or hover in the export');
  await t.done('export');
});

test('SVG export: vector boundaries of the selected neurons over an embedded background, caption and legend', async () => {
  const t = await open('#run=0&k=39&view=pred&sel=1:1-3');
  const { page } = t;
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#export-svg')]);
  assert.match(download.suggestedFilename(), /\.svg$/);
  const svg = fs.readFileSync(await download.path(), 'utf8');
  fs.writeFileSync(path.join(ARTIFACTS, 'export-download.svg'), svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<image /g) || []).length, 1, 'one background image');
  const drawn = await page.evaluate(() => [0, 1, 2].filter(id => window.ginn.boundaryPoints(id) > 0).length);
  const paths = (svg.match(/<path d="M/g) || []).length;
  assert.equal(paths, drawn + 2, `a path per selected neuron with a boundary (${drawn}) and the decision boundary (outline + line)`);
  assert.match(svg, /iteration [\d,]+ · loss/);
  assert.match(svg, /P\(class 1\)/);
  await t.done('export-svg');
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
  assert.match(await page.textContent('#tip'), /P\(class 1\) [\d.]+target [01]/);
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

test('undo after jumping to an event, the event key, and a notice for a linked neuron without a boundary', async () => {
  const t = await open('#run=0&k=5&view=pred&sel=2:1-3');
  const { page } = t;
  assert.match(await page.textContent('#event-key'), /died/, 'the key names the event colours');
  const before = (await state(page)).sel;
  const m = (await page.evaluate(() => window.ginn.eventMarkers())).find(e => e.neurons.length);
  await page.mouse.click(m.x, m.y);
  await frames(page);
  assert.notDeepEqual((await state(page)).sel, before);
  assert.ok(!(await page.locator('#undo').isDisabled()));
  await page.keyboard.press('Backspace');
  await frames(page);
  assert.deepEqual((await state(page)).sel, before, 'Backspace restores the selection');
  await page.close();
  // the report's link to the planted dead neuron says why the picture shows no boundary for it
  const u = await open('#snapshot=30&neurons=L1:5');
  assert.equal(await u.page.textContent('#notice'), 'L1:5 is dead here: no boundary in the domain');
  assert.ok(await u.page.isVisible('#notice'));
  await u.page.click('#neurons .neuron[data-layer="1"][data-index="2"]');
  await frames(u.page);
  assert.ok(!(await u.page.isVisible('#notice')), 'a new selection clears it');
  await u.done('undo-notice');
});

test('hovering a neuron shades its active side; its activation as a background', async () => {
  const t = await open('#run=0&view=pred&sel=&db=0');
  const { page } = t;
  const plain = decode(await pixels(page, '#panel-a canvas'));
  await page.hover('#neurons .neuron[data-layer="1"][data-index="2"]');
  await frames(page);
  const shaded = decode(await pixels(page, '#panel-a canvas'));
  const frac = await page.evaluate(() => window.ginn.activeFraction(1));
  const changed = differingPixels(plain, shaded) / (plain.w * plain.h);
  assert.ok(Math.abs(changed - frac) < 0.12, `the shaded share (${changed.toFixed(2)}) is the active share (${frac.toFixed(2)})`);
  await page.mouse.move(2, 2);
  await page.click('#neurons .neuron[data-layer="1"][data-index="2"]');
  await page.keyboard.press('u');
  await frames(page);
  assert.equal((await state(page)).view, 'activation');
  assert.match(await page.textContent('#legend-text'), /activation of the selected neuron/);
  await t.done('neuron-shade');
});
