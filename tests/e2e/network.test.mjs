// Browser tests of the viewer on networks without a run (fixture 'network': a 6-layer net, a 3-class net and a tanh
// net, as `ginn view --model/--weights` writes them): the training-only panels are hidden and say why, the picture,
// neurons, findings, 3-D view and run switcher work. Run by run.sh beside viewer.test.mjs. Not a benchmark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, fixture, frames, state, pixels, decode } from './pages.mjs';

const NETWORK = fixture('network');
const visible = (page, sel) => page.locator(sel).isVisible();

test('a network without a run: no loss curve or slider, one line says why; picture, neurons and findings work', async () => {
  const t = await open('', undefined, NETWORK);
  const { page } = t;
  for (const sel of ['#loss-box', '#transport', '#timeline-box', '#regions-box'])
    assert.equal(await visible(page, sel), false, `${sel} hidden`);
  assert.equal(await visible(page, '#no-training'), true);
  assert.match(await page.textContent('#no-training'), /without a training run/);
  assert.match(await page.textContent('#panel-a .caption'), /^deep-6\.onnx · 2-8-8-8-8-8-8-2 relu, softmax2 · no training run$/);
  assert.match(await page.textContent('#readout'), /training\s*none recorded/);
  assert.equal(await page.locator('#neurons .neuron').count(), 48, 'every neuron of the 6 layers has a button');
  const s = await state(page);
  assert.equal(s.n, 1);
  // the picture is drawn: prediction and boundaries, not a blank canvas
  const p = decode(await pixels(page, '#panel-a canvas'));
  const colours = new Set();
  for (let i = 0; i < p.data.length; i += 4 * 97) colours.add(p.data.readUInt32BE(i));
  assert.ok(colours.size > 8, `the picture has content (${colours.size} colours sampled)`);
  // the 3-D view of the output surface
  await page.keyboard.press('m');
  await frames(page);
  assert.equal((await state(page)).surface, true);
  await page.keyboard.press('m');
  await t.done('network-deep');
});

test('networks switch like runs: 3 classes shows the class legend, tanh is labelled approximate', async () => {
  const t = await open('', undefined, NETWORK);
  const { page } = t;
  await page.keyboard.press(']');
  await frames(page);
  assert.equal((await state(page)).run, 1);
  assert.match(await page.textContent('#panel-a .caption'), /^three\.json · .*softmax · no training run$/);
  assert.equal(await visible(page, '#class-view'), true, 'the k-class view chooser');
  await page.keyboard.press(']');
  await frames(page);
  assert.match(await page.textContent('#panel-a .caption'), /tanh\.onnx · .*tanh.* · no training run · approximate boundaries \(grid 256\)$/);
  assert.equal(await visible(page, '#loss-box'), false);
  await page.keyboard.press('c');
  await frames(page);
  assert.equal((await state(page)).compare, true, 'compare mode over networks');
  await t.done('network-switch');
});
