// Browser tests of the viewer on every kind of run (fixture 'kinds': run 0 three classes on points with a test split,
// run 1 a regression head on the bottle, run 2 a tanh net on the circle task with a test split and layer-1 neuron 3
// planted without sign change from snapshot 4). Run by run.sh beside viewer.test.mjs. Not a benchmark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, fixture, frames, state, pixels, decode, differingPixels } from './pages.mjs';

const KINDS = fixture('kinds');
const CLASS_FILLS = ['#f4c7a1', '#a8d5c9', '#c9b8e0'].map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));

/** The pixel of panel A under a point given in CSS pixels of the page. */
async function pixelAt(page, x, y) {
  return page.evaluate(([x, y]) => {
    const c = document.querySelector('#panel-a canvas'), b = c.getBoundingClientRect(), s = c.width / b.width;
    return Array.from(c.getContext('2d').getImageData(Math.floor((x - b.left) * s), Math.floor((y - b.top) * s), 1, 1).data.slice(0, 3));
  }, [x, y]);
}
/** Hovers panel A at fraction (fx, fy) of its box (from the top left) and returns the tooltip text and the point. */
async function hoverPicture(page, fx, fy) {
  const box = await page.locator('#panel-a canvas').boundingBox(), x = box.x + box.width * fx, y = box.y + box.height * fy;
  await page.mouse.move(x, y);
  await frames(page);
  return { text: await page.textContent('#tip'), x, y };
}

test('3 classes: class colours paled by confidence, white-ish at initialisation, per-class probabilities on hover', async () => {
  const t = await open('#run=0&k=0&view=pred&sel=&db=0&pts=0', undefined, KINDS);
  const { page } = t;
  // at iteration 0 every class is about 1/3: the picture is nearly white, not hard class areas
  const sat = p => { let s = 0; for (let i = 0; i < p.data.length; i += 4) s += Math.max(p.data[i], p.data[i + 1], p.data[i + 2]) - Math.min(p.data[i], p.data[i + 1], p.data[i + 2]); return s / (p.data.length / 4); };
  const first = decode(await pixels(page, '#panel-a canvas'));
  await page.keyboard.press('End');
  await frames(page);
  const last = decode(await pixels(page, '#panel-a canvas'));
  assert.ok(sat(first) < 0.4 * sat(last), `pale at initialisation (mean chroma ${sat(first).toFixed(1)} vs ${sat(last).toFixed(1)} at the end)`);
  // the colour under the pointer is mix(white, fill of the top class, conf), from the probabilities the tooltip lists
  for (const [fx, fy] of [[0.2, 0.75], [0.8, 0.75], [0.5, 0.2], [0.5, 0.55]]) {
    const { text, x, y } = await hoverPicture(page, fx, fy);
    const probs = [...text.matchAll(/P\(class (\d)\) ([\d.]+)/g)].map(m => +m[2]);
    assert.equal(probs.length, 3, `three class probabilities in "${text}"`);
    assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 0.01, 'they sum to 1');
    const top = probs.indexOf(Math.max(...probs)), conf = Math.min(1, Math.max(0, (probs[top] - 1 / 3) / (2 / 3)));
    const want = CLASS_FILLS[top].map(v => 255 + (v - 255) * conf), got = await pixelAt(page, x, y);
    assert.ok(want.every((v, i) => Math.abs(v - got[i]) <= 14), `pixel ${got} is the class-${top} colour ${want.map(Math.round)} at conf ${conf.toFixed(2)}`);
  }
  assert.equal(await page.locator('#legend-text .swatch').count(), 3, 'a class legend with three swatches');
  assert.doesNotMatch(await page.textContent('#legend'), /P\(class 1\): 0/);
  // the class selector shows P(class 2) (label 2, the third class) on the grey scale instead
  await page.selectOption('#class-view', '2');
  await frames(page);
  assert.match(await page.textContent('#legend-text'), /P\(class 2\)/);
  const { text, x, y } = await hoverPicture(page, 0.8, 0.75);
  const p2 = +/P\(class 2\) ([\d.]+)/.exec(text)[1], grey = await pixelAt(page, x, y);
  assert.ok(grey.every(v => Math.abs(v - 255 * p2) <= 14), `grey ${grey} is P(class 2) = ${p2}`);
  await t.done('three-classes');
});

test('point tasks: training points filled, test points hollow, a toggle, and no made-up target', async () => {
  const t = await open('', undefined, KINDS);
  const { page } = t;
  assert.equal((await state(page)).k, (await state(page)).n - 1, 'opens on the last snapshot');
  assert.match(await page.textContent('#readout'), /480 train · 120 test/);
  assert.ok(await page.isVisible('#points'));
  assert.ok(await page.locator('#points').evaluate(b => b.classList.contains('on')), 'points on by default for a point task');
  assert.match(await page.textContent('#legend-text'), /points: filled training, hollow test/);
  const pts = await page.evaluate(() => window.ginn.points());
  assert.equal(pts.length, 600);
  const withPoints = decode(await pixels(page, '#panel-a canvas'));
  // a test point shows its ring but keeps the background in its middle; a training point is filled in a deeper shade
  const test = pts.find(p => p.test), train = pts.find(p => !p.test);
  await page.keyboard.press('o');
  await frames(page);
  const bare = decode(await pixels(page, '#panel-a canvas'));
  assert.ok(differingPixels(withPoints, bare) > 600, 'the points were drawn');
  const bareTrain = await pixelAt(page, train.x, train.y);
  await page.keyboard.press('o');
  await frames(page);
  const filled = await pixelAt(page, train.x, train.y);
  assert.ok(Math.abs(filled[0] - bareTrain[0]) + Math.abs(filled[1] - bareTrain[1]) + Math.abs(filled[2] - bareTrain[2]) > 40, 'training point filled');
  assert.ok(test, 'the fixture has test points');
  // the task defines labels only at its points: no target background
  assert.ok(await page.locator('#views [data-view="target"]').isDisabled());
  await page.keyboard.press('t');
  await frames(page);
  assert.equal((await state(page)).view, 'pred');
  await t.done('points');
});

test('regression: the output on its label range, labelled "output", never P(class 1)', async () => {
  const t = await open('#run=1&view=pred&sel=&db=0', undefined, KINDS);
  const { page } = t;
  const legend = await page.textContent('#legend');
  assert.match(legend, /output: 0 \(black\) … 1 \(white\), clipped outside \[0, 1\]/);
  assert.match(legend, /yellow line: output = 0\.5/, 'a regression head has no decision boundary: its yellow line is the 0.5 level');
  assert.doesNotMatch(legend, /P\(class/);
  let outside = 0;
  for (const [fx, fy] of [[0.5, 0.5], [0.1, 0.1], [0.5, 0.9], [0.3, 0.4]]) {
    const { text, x, y } = await hoverPicture(page, fx, fy);
    assert.doesNotMatch(text, /P\(class/);
    const v = +/output ([-\d.e]+)/.exec(text)[1], grey = await pixelAt(page, x, y);
    if (v < 0 || v > 1) { outside++; assert.match(text, /drawn clipped/); }
    const want = 255 * Math.min(1, Math.max(0, v));
    assert.ok(grey.every(g => Math.abs(g - want) <= 14), `grey ${grey} is the clipped output ${v}`);
  }
  assert.ok(outside >= 0);
  await t.done('regression');
});

test('tanh: "no sign change" instead of dead, approximate boundaries in the caption and the exports', async () => {
  const t = await open('#run=2&view=pred&sel=1:1-8', undefined, KINDS);
  const { page } = t;
  const st = await state(page);
  for (let k = 0; k < st.n; k++) {
    const status = await page.evaluate(k => window.ginn.status(k), k);
    assert.ok(!status.includes('dead'), `no tanh unit is called dead (snapshot ${k}: ${status})`);
  }
  assert.equal((await page.evaluate(() => window.ginn.status()))[2], 'nosign', 'the planted L1:3 has no sign change');
  const b = page.locator('#neurons .neuron[data-layer="1"][data-index="3"]');
  assert.ok(await b.evaluate(e => e.classList.contains('nosign') && !e.classList.contains('dead')));
  await b.hover();
  await frames(page);
  assert.match(await page.textContent('#tip'), /no sign change in the domain/);
  assert.doesNotMatch(await page.textContent('#tip'), /dead/);
  assert.match(await page.textContent('#panel-a .caption'), /approximate boundaries \(grid 256\)/);
  assert.doesNotMatch(await page.textContent('#readout'), /approximate/, 'not a readout row: the caption says it');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), page.keyboard.press('v')]);
  const svg = (await import('node:fs')).readFileSync(await download.path(), 'utf8');
  assert.match(svg, /approximate boundaries \(grid 256\)/);
  await t.done('tanh');
});

test('compare with three runs: a grid of every run, one slider moves all, every run\'s loss on the curve', async () => {
  const t = await open('#run=0&k=0&view=pred', undefined, KINDS);
  const { page } = t;
  await page.keyboard.press('c');
  await frames(page);
  const boxes = await page.$$eval('#panels .panel:not([hidden]) canvas', cs => cs.map(c => c.getBoundingClientRect()).map(b => [b.x, b.y, b.width, b.height]));
  assert.equal(boxes.length, 3, 'three panels');
  for (const [x, y, w, h] of boxes) assert.ok(w >= 200 && w === h && x >= 0 && x + w <= 1440 && y + h <= 900, `panel ${[x, y, w, h]} on screen`);
  const captions = async () => page.$$eval('#panels .panel:not([hidden]) .caption', cs => cs.map(c => c.textContent));
  assert.match((await captions())[2], /tanh-circle · iteration 0 ·.*approximate/);
  const before = decode(await pixels(page, '[data-panel="x2"] canvas'));
  await page.keyboard.press('End');
  await frames(page);
  assert.match((await captions())[2], /tanh-circle · iteration 1,500/, 'the slider moved the third panel too');
  assert.ok(differingPixels(before, decode(await pixels(page, '[data-panel="x2"] canvas'))) > 100);
  // the loss curve carries the other runs' losses: more curve pixels than with one run
  const lit = p => { let n = 0; for (let i = 0; i < p.data.length; i += 4) if (p.data[i] + p.data[i + 1] + p.data[i + 2] > 200) n++; return n; };
  const both = lit(decode(await pixels(page, '#curve')));
  await page.keyboard.press('c');
  await frames(page);
  assert.ok(both > lit(decode(await pixels(page, '#curve'))) + 100, 'other runs\' loss curves drawn in compare mode');
  await t.done('compare-grid');
});
