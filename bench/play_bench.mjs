// Live page benchmark, browser half (run by bench/play_bench.sh): in one headless chromium, the page's engine
// (window.ginnPlay.trainOnly) against TensorFlow Playground's nn.js (compiled from its nn.ts) on the same network
// shape, batch and step; then frame times while training at 1366x768, the file's size and time to interactive.
// Each side's training loss must fall before it is timed. Usage: node bench/play_bench.mjs PAGE.html NN.js [repeats]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const { launch, fileUrl } = await import(path.join(here, '../tests/e2e/browser.mjs'));
const [pagePath, nnPath, repeatText] = process.argv.slice(2);
const repeats = +(repeatText || 5);
if (!pagePath || !nnPath) { console.error('usage: node bench/play_bench.mjs PAGE.html NN.js [repeats]'); process.exit(2); }
const median = a => a.slice().sort((x, y) => x - y)[a.length >> 1];
const quantile = (a, q) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(q * a.length))];

console.log(`command: node bench/play_bench.mjs ${pagePath} ${nnPath} ${repeats}`);
console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cpus; chromium headless --disable-gpu, 1366x768, dpr 1`);
const size = fs.statSync(pagePath).size;
console.log(`file: ${(size / 1e6).toFixed(3)} MB (target <= 1.5 MB)`);

const b = await launch({ width: 1366, height: 768 });
const page = await b.context.newPage();
const errors = [];
page.on('pageerror', e => errors.push(e.message));

// time to interactive: navigation start -> the engine loaded, the network built and the first frame requested
const tti = [];
for (let i = 0; i < repeats; i++) {
  await page.goto(fileUrl(pagePath) + '#iterations=1000000000');
  await page.waitForFunction(() => window.ginnPlayTimings, null, { timeout: 30000 });
  tti.push(await page.evaluate(() => window.ginnPlayTimings.interactive));
}

// ginn: the default GINN net (bottle, 2-16-16-16-2, batch 128, Adam); the loss must fall first
const STEPS = 2000;
const ginn = await page.evaluate(({ steps, repeats }) => {
  const p = window.ginnPlay, before = p.loss();
  p.trainOnly(3000);  // warm-up, and the correctness check below
  p.drawFrame();
  const after = p.loss(), times = [];
  for (let r = 0; r < repeats; r++) { const t = performance.now(); p.trainOnly(steps); times.push(performance.now() - t); }
  return { before, after, times, config: p.config() };
}, { steps: STEPS, repeats });
if (!(ginn.after < ginn.before * 0.8)) throw new Error(`ginn: the loss did not fall (${ginn.before} -> ${ginn.after})`);

// Playground: nn.js on 2-16-16-16-1 (its output layer has one node: relu hidden, tanh output, squared error, plain SGD
// as Playground trains), one step = forwardProp + backProp for each of 128 points, then updateWeights.
const nnCode = fs.readFileSync(nnPath, 'utf8');
const peer = await page.evaluate(({ code, steps, repeats }) => {
  const exports = {}, nn = (new Function('exports', code + '\nreturn exports;'))(exports);
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const points = Array.from({ length: 10000 }, () => {
    const x = rand() * 12 - 6, y = rand() * 12 - 6;
    return { x, y, label: x * x + y * y < 9 ? 1 : -1 };  // a circle, Playground's labels -1 / 1
  });
  const net = nn.buildNetwork([2, 16, 16, 16, 1], nn.Activations.RELU, nn.Activations.TANH, null, ['x', 'y'], false);
  const step = () => {
    for (let i = 0; i < 128; i++) {
      const p = points[Math.floor(rand() * points.length)];
      nn.forwardProp(net, [p.x, p.y]);
      nn.backProp(net, p.label, nn.Errors.SQUARE);
    }
    nn.updateWeights(net, 0.03, 0);
  };
  const loss = () => points.reduce((a, p) => a + nn.Errors.SQUARE.error(nn.forwardProp(net, [p.x, p.y]), p.label), 0) / points.length;
  const before = loss();
  for (let i = 0; i < 300; i++) step();
  const after = loss(), times = [], n = Math.max(20, Math.round(steps / 20));
  for (let r = 0; r < repeats; r++) { const t = performance.now(); for (let i = 0; i < n; i++) step(); times.push((performance.now() - t) / n * steps); }
  return { before, after, times };
}, { code: nnCode, steps: STEPS, repeats });
if (!(peer.after < peer.before)) throw new Error(`Playground: the loss did not fall (${peer.before} -> ${peer.after})`);

const ginnRate = STEPS / (median(ginn.times) / 1000), peerRate = STEPS / (median(peer.times) / 1000);
console.log(`ginn in the page (bottle, ${ginn.config.model.widths.join('-')}, batch ${ginn.config.train.batch}, ${ginn.config.optim.optimizer}): ` +
  `${Math.round(ginnRate)} steps/s (${(1e6 / ginnRate).toFixed(1)} us/step; median of ${repeats} x ${STEPS}; loss ${ginn.before.toFixed(4)} -> ${ginn.after.toFixed(4)}) (target >= 20000)`);
console.log(`Playground nn.ts (2-16-16-16-1, batch 128, SGD): ${Math.round(peerRate)} steps/s (${(1e6 / peerRate).toFixed(0)} us/step; ` +
  `loss ${peer.before.toFixed(4)} -> ${peer.after.toFixed(4)})`);
console.log(`ratio: ginn ${(ginnRate / peerRate).toFixed(1)}x faster (target >= 20x)`);

// frames while training: the page trains `speed` steps per frame and redraws prediction + 48 boundaries each frame
await page.goto(fileUrl(pagePath) + '#iterations=1000000000&speed=100');
await page.waitForFunction(() => window.ginnPlayTimings, null, { timeout: 30000 });
const frames = await page.evaluate(() => new Promise(resolve => {
  const t = [];
  window.ginnPlay.start();
  const tick = now => { t.push(now); if (t.length < 181) requestAnimationFrame(tick); else { window.ginnPlay.stop(); resolve({ t, sps: window.ginnPlay.stepsPerSecond() }); } };
  requestAnimationFrame(tick);
}));
const dt = frames.t.slice(1).map((v, i) => v - frames.t[i]);
const fps = 1000 / median(dt);
console.log(`frames while training (speed 100 steps/frame, 180 frames): median ${median(dt).toFixed(1)} ms (${fps.toFixed(1)} fps; target >= 30), ` +
  `p10 ${quantile(dt, 0.1).toFixed(1)}, p90 ${quantile(dt, 0.9).toFixed(1)}, max ${Math.max(...dt).toFixed(1)} ms; ` +
  `${Math.round(frames.sps)} steps/s while drawing`);
console.log(`time to interactive: median ${median(tti).toFixed(0)} ms of ${repeats} loads (target <= 1000)`);
if (errors.length) throw new Error('page errors: ' + errors.join('; '));
await b.close();
