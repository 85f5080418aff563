// Viewer benchmark, browser half: opens a viewer page in Debian's chromium (headless, file://) and reports the file
// size, the time until the page is interactive, and the median frame time over all snapshots with every neuron's
// boundary and the prediction background, and of the whole page's frame (window.ginnBench, measured in the page with
// performance.now).
// Usage: node bench/viewer_bench.mjs PAGE.html [repeats]   (needs `npm install` in tests/e2e for playwright-core)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const { launch, fileUrl } = await import(path.join(here, '../tests/e2e/browser.mjs'));
const page_path = process.argv[2];
const repeats = +(process.argv[3] || 5);
if (!page_path || !fs.existsSync(page_path)) { console.error('usage: node bench/viewer_bench.mjs PAGE.html [repeats]'); process.exit(2); }

console.log(`command: node bench/viewer_bench.mjs ${page_path} ${repeats}`);
console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cpus; chromium headless --disable-gpu, 1440x900, dpr 1`);
console.log(`file: ${(fs.statSync(page_path).size / 1e6).toFixed(2)} MB`);
const median = a => a.slice().sort((x, y) => x - y)[a.length >> 1];
const interactive = [], full = [], frames = [], wholes = [], p90s = [], wholeP90s = [];
let last;
for (let i = 0; i < repeats; i++) {
  const b = await launch({ width: 1440, height: 900 });
  const page = await b.context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(fileUrl(page_path));
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  const t = await page.evaluate(() => window.ginn.timings());
  // correctness first: every snapshot reachable and drawn
  const st = await page.evaluate(() => window.ginn.state());
  last = await page.evaluate(async () => window.ginnBench());
  if (errors.length || last.n !== st.n) { console.error('page failed:', errors, last); process.exit(1); }
  interactive.push(t.interactive); full.push(t.firstFullFrame); frames.push(last.median); wholes.push(last.whole.median);
  p90s.push(last.p90); wholeP90s.push(last.whole.p90);
  await b.close();
}
console.log(`snapshots: ${last.n}, neurons drawn: ${last.neurons}, canvas ${last.canvas}x${last.canvas} px`);
console.log(`time to interactive (controls live, first frame drawn): median of ${repeats} ${median(interactive).toFixed(0)} ms`);
console.log(`time to first frame with the prediction background:   median of ${repeats} ${median(full).toFixed(0)} ms`);
console.log(`frame time, median over all snapshots:                median of ${repeats} ${median(frames).toFixed(2)} ms, p90 ${median(p90s).toFixed(2)} ms (last run max ${last.max.toFixed(2)})`);
console.log(`whole-page frame (picture, curves, events, badges, diagram, readout): median of ${repeats} ${median(wholes).toFixed(2)} ms, p90 ${median(wholeP90s).toFixed(2)} ms (last run max ${last.whole.max.toFixed(2)})`);
