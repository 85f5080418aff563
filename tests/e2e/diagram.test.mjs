// Browser tests of the network diagram's per-layer summaries (the 'wide' fixture: 2-64-64-64-2 and six layers of 8),
// its residual and batch-norm marks (the 'residual' fixture: 2-8-8-8-2 with --residual --batch-norm), and the 3-D
// view of the output surface (main and 'kinds' fixtures). Run by run.sh beside the other test files. Not a benchmark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, open, fixture, frames, state, pixels, decode, decodePng } from './pages.mjs';

const WIDE = fixture('wide'), RESIDUAL = fixture('residual'), KINDS = fixture('kinds');
const diagram = page => page.evaluate(() => window.ginn.diagram());

/** Checks one summary block against the page's per-neuron status (an independent path: neuronStatus from the
 *  geometry): counts by status add up to the width and equal the status list; the histogram holds every neuron, dead
 *  ones in the first bin (on nowhere) and always-active ones in the last (on everywhere). */
async function checkBlock(page, b, width) {
  const status = await page.evaluate(() => window.ginn.status());
  const runInfo = await page.evaluate(() => window.ginn.runs()[window.ginn.state().run]);
  const start = runInfo.widths.slice(0, b.layer - 1).reduce((a, w) => a + w, 0);
  const mine = status.slice(start, start + width);
  assert.equal(b.n, width);
  for (const [key, name] of [['', 'split'], ['dead', 'dead'], ['always', 'always'], ['nosign', 'flat']])
    assert.equal(b.counts[key], mine.filter(s => s === key).length, `L${b.layer} ${name} count`);
  assert.equal(b.hist.reduce((a, c) => a + c, 0), width, 'the histogram holds every neuron');
  assert.ok(b.hist[0] >= b.counts.dead, `dead neurons are on nowhere (first bin ${b.hist[0]}, dead ${b.counts.dead})`);
  assert.ok(b.hist[b.hist.length - 1] >= b.counts.always, 'always-active neurons are on everywhere (last bin)');
}

/** At a w x h window, 64 wide: one summary block per layer, inside the diagram, expandable and collapsible. */
async function summaryBlocks(w, h) {
  {
    const t = await open('#run=0', { width: w, height: h }, WIDE);
    const { page } = t;
    await page.locator('#diagram').scrollIntoViewIfNeeded();
    await frames(page);
    let d = await diagram(page);
    assert.deepEqual(d.blocks.map(b => b.layer), [1, 2, 3], 'three 64-wide layers, three blocks');
    assert.equal(d.nodes, 2 + 3 + 2, 'inputs, three blocks, outputs: no individual nodes');
    const box = await page.locator('#diagram').boundingBox();
    for (const b of d.blocks) {
      assert.ok(b.x >= box.x - 0.5 && b.x + b.w <= box.x + box.width + 0.5 && b.y >= box.y - 0.5 && b.y + b.h <= box.y + box.height + 0.5,
        `block L${b.layer} inside the diagram (${JSON.stringify(b)} in ${JSON.stringify(box)})`);
      assert.ok(b.w >= 40 && b.h >= 80, `block L${b.layer} is readable (${b.w} x ${b.h} px)`);
      await checkBlock(page, b, 64);
    }
    for (let i = 1; i < d.blocks.length; i++) assert.ok(d.blocks[i].x >= d.blocks[i - 1].x + d.blocks[i - 1].w, 'blocks do not overlap');
    // the tooltip explains the block; a click expands layer 2 into its 64 neurons, its handle folds it back
    const b2 = d.blocks[1];
    await page.mouse.move(b2.x + b2.w / 2, b2.y + b2.h / 2);
    assert.match(await page.locator('#tip').innerText(), /Layer 2: 64 neurons[\s\S]*24 x 24 grid/);
    await page.mouse.click(b2.x + b2.w / 2, b2.y + b2.h / 2);
    await frames(page);
    await page.locator('#diagram').scrollIntoViewIfNeeded();
    d = await diagram(page);
    assert.deepEqual(d.blocks.map(b => b.layer), [1, 3], 'layer 2 is expanded');
    assert.equal(d.nodes, 2 + 1 + 64 + 1 + 2);
    assert.deepEqual(d.handles.map(x => x.layer), [2]);
    await page.mouse.click(d.handles[0].x, d.handles[0].y);
    await frames(page);
    d = await diagram(page);
    assert.deepEqual(d.blocks.map(b => b.layer), [1, 2, 3], 'the handle collapsed layer 2 again');
    // narrow layers keep their nodes: the six-layer run has no blocks
    await page.locator('#runs button[data-run="1"]').click();
    await frames(page);
    assert.equal((await state(page)).run, 1);
    d = await diagram(page);
    assert.equal(d.blocks.length, 0);
    assert.equal(d.nodes, 2 + 6 * 8 + 2);
    await t.done(`diagram-summary-${w}`);
  }
}
test('phone (390x844), 64 wide: one summary block per layer, inside the diagram, expandable and collapsible', () => summaryBlocks(390, 844));
test('desktop (1920x1080), 64 wide: the same blocks, expandable and collapsible', () => summaryBlocks(1920, 1080));

test('residual and batch norm: a "+" arc per residual layer and "BN" under every hidden column, drawn on the canvas', async () => {
  const t = await open('', { width: 1366, height: 768 }, RESIDUAL);
  const { page } = t;
  await page.locator('#diagram').scrollIntoViewIfNeeded();
  await frames(page);
  const d = await diagram(page);
  assert.deepEqual(d.marks.filter(m => m.kind === 'bn').map(m => m.layer), [1, 2, 3], 'BN under each hidden layer');
  // residual connections exist where a layer's input and output widths match: layers 2 and 3 of 2-8-8-8
  assert.deepEqual(d.marks.filter(m => m.kind === 'residual').map(m => m.layer), [2, 3]);
  // each mark is really drawn: light pixels (the marks' grey) near it on the dark canvas
  const box = await page.locator('#diagram').boundingBox(), p = decode(await pixels(page, '#diagram'));
  const scale = p.w / box.width;
  for (const m of d.marks) {
    let lit = 0;
    const cx = Math.round((m.x - box.x) * scale), cy = Math.round((m.y - box.y) * scale);
    for (let y = cy - 6; y <= cy + 6; y++) for (let x = cx - 8; x <= cx + 8; x++) {
      if (x < 0 || y < 0 || x >= p.w || y >= p.h) continue;
      const i = 4 * (y * p.w + x);
      if (p.data[i + 3] > 0 && p.data[i] > 110 && p.data[i + 1] > 110) lit++;
    }
    assert.ok(lit >= 3, `mark ${m.kind} of layer ${m.layer} is drawn (${lit} light pixels)`);
  }
  // a run without either has no marks
  const plain = await open('', { width: 1366, height: 768 }, WIDE);
  assert.equal((await diagram(plain.page)).marks.length, 0);
  await plain.done('diagram-plain');
  await t.done('diagram-residual-bn');
});

/** Share of a canvas's pixels close to a viridis end: [dark purple, yellow]. */
async function viridisShare(page) { return viridisShareOf(decode(await pixels(page, '#panel-a canvas'))); }
function viridisShareOf(p) {
  let purple = 0, yellow = 0;
  for (let i = 0; i < p.data.length; i += 4) {
    const [r, g, b] = [p.data[i], p.data[i + 1], p.data[i + 2]];
    if (Math.abs(r - 0x44) < 30 && g < 40 && Math.abs(b - 0x54) < 40) purple++;
    if (r > 180 && g > 170 && b < 90) yellow++;
  }
  return [purple / (p.w * p.h), yellow / (p.w * p.h)];
}

test('3-D view: the prediction as a viridis surface at the current snapshot, turned by drag, for every head', async () => {
  const t = await open('#run=0');
  const { page } = t;
  const [p0] = await viridisShare(page);
  assert.ok(p0 < 0.01, 'the 2-D picture has no viridis purple');
  await page.locator('#surface').click();
  await frames(page);
  let s = await page.evaluate(() => window.ginn.surface());
  assert.ok(s.on && s.elevation === 30 && s.azimuth === -60, 'opens at the figures\' view (elevation 30, azimuth -60)');
  assert.equal(s.t.length, 49 * 49);
  assert.match(s.title, /^P\(class 1\)/);
  // the heights are the network's P(class 1) (page forward pass at the sampled pixel centre), within 8-bit steps
  const err = await page.evaluate(() => {
    // the page's scripts share one global scope: RUNS, forwardPoint and headOutput (decode.js) are reachable here
    const r = RUNS[0], k = window.ginn.state().k, s = window.ginn.surface(), n = r.imageSize, [x0, x1, y0, y1] = r.domain;
    let max = 0;
    for (let i = 0; i <= 48; i += 4) for (let j = 0; j <= 48; j += 4) {
      const row = Math.min(n - 1, Math.floor((1 - i / 48) * n)), col = Math.min(n - 1, Math.floor(j / 48 * n));
      const x = x0 + (col + 0.5) / n * (x1 - x0), y = y1 - (row + 0.5) / n * (y1 - y0);
      max = Math.max(max, Math.abs(headOutput(r, forwardPoint(r, k, x, y).out).p - s.t[i * 49 + j]));
    }
    return max;
  });
  assert.ok(err < 0.01, `surface heights vs the page's forward pass at the sampled pixel centres: max error ${err}`);
  const [p1, y1] = await viridisShare(page);
  assert.ok(p1 > 0.01 && y1 > 0.01, `the surface and its floor use viridis from purple (${p1}) to yellow (${y1})`);
  const before = decode(await pixels(page, '#panel-a canvas')).data;
  const c = await page.locator('#panel-a canvas').boundingBox();
  await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
  await page.mouse.down();
  await page.mouse.move(c.x + c.width / 2 + 50, c.y + c.height / 2 + 25, { steps: 5 });
  await page.mouse.up();
  await frames(page);
  s = await page.evaluate(() => window.ginn.surface());
  assert.ok(Math.abs(s.azimuth - (-60 - 20)) < 1e-9 && Math.abs(s.elevation - 40) < 1e-9, `drag turned the view (${s.azimuth}, ${s.elevation})`);
  const after = decode(await pixels(page, '#panel-a canvas')).data;
  assert.ok(Buffer.compare(before, after) !== 0, 'the picture changed with the view');
  assert.equal((await state(page)).k, (await state(page)).n - 1, 'dragging did not move the snapshot');
  await page.waitForFunction(() => location.hash.includes('3d=1'));  // the link keeps the 3-D view
  await page.keyboard.press('End');
  await page.keyboard.press('m');
  await frames(page);
  assert.equal((await page.evaluate(() => window.ginn.surface())).on, false, 'M toggles it off');
  await t.done('surface-two-class');

  const k = await open('#run=0', undefined, KINDS);
  await k.page.locator('#surface').click();
  await frames(k.page);
  assert.match((await k.page.evaluate(() => window.ginn.surface())).title, /^P\(class 0\) \(pick a class below\)/);
  await k.page.selectOption('#class-view', '2');
  await frames(k.page);
  assert.match((await k.page.evaluate(() => window.ginn.surface())).title, /^P\(class 2\)$/);
  await k.page.locator('#runs button[data-run="1"]').click();
  await frames(k.page);
  s = await k.page.evaluate(() => window.ginn.surface());
  assert.equal(s.title, 'output', 'a regression head shows its output');
  assert.ok(s.t.every(v => v >= 0 && v <= 1), 'heights within the drawn range');
  await k.done('surface-kinds');
});

test('3-D view: the legend, the PNG and the SVG export describe and show the surface, not the 2-D picture', async () => {
  const t = await open('#run=0&3d=1');
  const { page } = t;
  await frames(page);
  const legend = await page.textContent('#legend-text');
  assert.match(legend, /^3-D view: height and colour = P\(class 1\), 0 \(purple\) … 1 \(yellow\)/, legend);
  assert.match(legend, /boundaries and points are not drawn/);
  assert.equal(await page.evaluate(() => document.getElementById('legend-bar').hidden), false, 'a viridis bar');
  const bar = decode(await pixels(page, '#legend-bar'));
  const left = bar.data.slice(0, 3), right = bar.data.slice(4 * (bar.w - 1), 4 * (bar.w - 1) + 3);
  assert.ok(left[0] < 90 && left[2] > 60 && right[0] > 200 && right[2] < 90, `bar from purple ${left} to yellow ${right}`);
  // PNG at 3x: the surface as on screen (viridis, no grey picture), caption and the 3-D legend under it
  const shown = decode(await pixels(page, '#panel-a canvas'));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#export')]);
  const file = fs.readFileSync(await download.path());
  fs.writeFileSync(path.join(ARTIFACTS, 'export-surface.png'), file);
  const png = decodePng(file), S = 3 * shown.w;
  assert.equal(png.w, S, 'three times the picture\'s width');
  assert.ok(png.h >= S + 3 * 18 * 3, `caption and a legend of at least two lines under the picture (${png.h} for ${S})`);
  const top = { w: png.w, h: S, data: png.data.subarray(0, 4 * png.w * S) };
  const [purple, yellow] = viridisShareOf(top), [p0, y0] = viridisShareOf(shown);
  assert.ok(purple > 0.5 * p0 && yellow > 0.5 * y0 && purple > 0.01, `the export is the surface (purple ${purple} vs ${p0} on screen, yellow ${yellow} vs ${y0})`);
  // SVG: the projected mesh as vector quads (no embedded picture), the caption and the same legend as text
  const [d2] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.click('#export-svg')]);
  const svg = fs.readFileSync(await d2.path(), 'utf8');
  fs.writeFileSync(path.join(ARTIFACTS, 'export-surface.svg'), svg);
  assert.equal((svg.match(/<image /g) || []).length, 0, 'no raster in the 3-D SVG');
  const quads = (svg.match(/<path d="M[^"]*Z" fill="rgb/g) || []).length;
  assert.ok(quads >= 2 * 48 * 48, `floor and surface quads as vector paths (${quads})`);
  assert.match(svg, /iteration [\d,]+ · loss/);
  assert.match(svg, /3-D view: height and colour = P\(class 1\)/);
  assert.doesNotMatch(svg, /drag to turn/, 'no on-screen hint in an export');
  await t.done('surface-exports');
});
