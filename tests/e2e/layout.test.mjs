// Browser tests of the viewer's layout by element geometry on the 'wide' fixture (run 0: 2-64-64-64-2, run 1: six
// layers of 8) at a phone, a laptop and a desktop size; and of the smaller fixes (contrast, palette, curves, undo).
// Run by run.sh beside viewer.test.mjs. Not a benchmark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, fixture, frames, state, pixels, decode, countColour } from './pages.mjs';

const WIDE = fixture('wide');

/** Contrast ratio (WCAG 2) of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = c => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('laptop (1366x768), 64 wide: the side panel scrolls to layer 3 and a usable diagram', async () => {
  const t = await open('#run=0&view=pred', { width: 1366, height: 768 }, WIDE);
  const { page } = t;
  const last = page.locator('#neurons .neuron[data-layer="3"][data-index="64"]');
  await last.scrollIntoViewIfNeeded();
  const bb = await last.boundingBox();
  assert.ok(bb && bb.y >= 0 && bb.y + bb.height <= 769, `L3:64 reachable (${JSON.stringify(bb)})`);
  await last.click();
  assert.ok(!(await state(page)).sel.includes('3.64'), 'the click toggled L3:64 off');
  await page.locator('#diagram').scrollIntoViewIfNeeded();
  const d = await page.locator('#diagram').boundingBox();
  assert.ok(d.height >= 150 && d.y + d.height <= 768 + 1, `the diagram is at least 150 px high and on screen (${JSON.stringify(d)})`);
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth && document.documentElement.scrollHeight <= innerHeight);
  assert.ok(fits, 'the page itself does not scroll: the side panel does');
  // marks never cover the next button: each badge box stays clear of the neighbouring buttons' text
  const overlaps = await page.evaluate(() => {
    let n = 0;
    for (const m of document.querySelectorAll('#neurons .badge')) {
      const r = m.getBoundingClientRect(), own = m.closest('.neuron');
      for (const b of own.parentElement.children) {
        if (b === own) continue;
        const q = b.getBoundingClientRect();
        if (r.left < q.right - 1 && r.right > q.left + 1 && r.top < q.bottom - 1 && r.bottom > q.top + 1) n++;
      }
    }
    return n;
  });
  assert.equal(overlaps, 0, 'badges overlap neighbouring buttons');
  await t.done('laptop-wide');
});

test('phone (390x844): one column, nothing cut off, the picture takes the width', async () => {
  const t = await open('#run=0&view=pred', { width: 390, height: 844 }, WIDE);
  const { page } = t;
  const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, right: Math.max(...[...document.querySelectorAll('#bar > *, #transport > *')].map(e => e.getBoundingClientRect().right)) }));
  assert.ok(m.sw <= 390, `the page is ${m.sw} px wide`);
  assert.ok(m.right <= 390, `every control is on screen (rightmost edge ${m.right})`);
  const pic = await page.locator('#panel-a canvas').boundingBox();
  assert.ok(pic.width >= 340 && pic.x >= 0 && pic.x + pic.width <= 390, `picture ${JSON.stringify(pic)}`);
  const side = await page.locator('#side').boundingBox();
  assert.ok(side.y >= pic.y + pic.height, 'the side panel comes under the picture');
  await t.done('phone');
});

test('desktop (1920x1080), 6 layers: every layer row and the diagram on screen', async () => {
  const t = await open('#run=1&view=pred', { width: 1920, height: 1080 }, WIDE);
  const { page } = t;
  for (let l = 1; l <= 6; l++) {
    const bb = await page.locator(`#neurons .layer:nth-child(${l})`).boundingBox();
    assert.ok(bb.y + bb.height <= 1080, `layer ${l} row on screen`);
  }
  const d = await page.locator('#diagram').boundingBox();
  assert.ok(d.height >= 200 && d.y + d.height <= 1080, `diagram ${JSON.stringify(d)}`);
  await t.done('desktop-deep');
});

test('neuron buttons: text contrast at least 4.5:1 when selected, in both palettes', async () => {
  const t = await open('#run=0&view=pred', undefined, WIDE);
  const { page } = t;
  for (const palette of ['standard', 'cb']) {
    const pairs = await page.evaluate(() => [...document.querySelectorAll('#neurons .neuron.on:not(.dead)')].map(b => {
      const s = getComputedStyle(b);
      return [s.color, s.backgroundColor];
    }));
    assert.ok(pairs.length >= 64);
    const worst = Math.min(...pairs.map(([c, bg]) => contrast(c, bg)));
    assert.ok(worst >= 4.5, `${palette}: lowest contrast ${worst.toFixed(2)}`);
    await page.keyboard.press('k');
    await frames(page);
  }
  await t.done('contrast');
});

test('colour-blind palette: layer 1 in Okabe-Ito blue shades, on the buttons and on the picture', async () => {
  const t = await open('#run=1&view=none&sel=1:1-8&db=0', undefined, WIDE);
  const { page } = t;
  await page.click('#palette');
  await frames(page);
  const id = await page.evaluate(() => [0, 1, 2, 3, 4, 5, 6, 7].sort((a, b) => window.ginn.boundaryPoints(b) - window.ginn.boundaryPoints(a))[0]);
  const rgb = await page.evaluate(i => window.ginn.neuronRgb(1, i), id + 1), tt = id / 7;
  // Okabe-Ito blue #0072B2 mixed with black by (0.5 - t) * 0.6 below t = 0.5, with white by (t - 0.5) * 0.6 above
  const want = [0, 114, 178].map(v => Math.round(tt < 0.5 ? v * (1 - (0.5 - tt) * 0.6) : v + (255 - v) * (tt - 0.5) * 0.6));
  assert.deepEqual(rgb, want);
  assert.ok(countColour(decode(await pixels(page, '#panel-a canvas')), rgb) > 30, 'the boundary is drawn in it');
  await page.waitForFunction(() => /pal=cb/.test(location.hash));
  await t.done('palette');
});

test('curves: readable loss ticks over many decades and narrow ranges, titles, hover readout', async () => {
  const t = await open('#run=0', undefined, WIDE);
  const { page } = t;
  const wide = await page.evaluate(() => window.ginn.lossTicks(1e-9, 10, 6));
  assert.ok(wide.length >= 2 && wide.length <= 6, `many decades: ${wide}`);
  const narrow = await page.evaluate(() => window.ginn.lossTicks(0.301, 0.342, 6));
  assert.ok(narrow.length >= 2 && narrow.every(v => v >= 0.301 && v <= 0.342), `narrow range: ${narrow}`);
  const box = await page.locator('#curve').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await frames(page);
  assert.match(await page.textContent('#tip'), /iteration [\d,]+loss [\d.e-]+/);
  assert.equal((await state(page)).k, (await state(page)).n - 1, 'hovering does not move the snapshot');
  await t.done('curves');
});
