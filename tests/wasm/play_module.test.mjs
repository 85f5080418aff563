// Unit tests of the WebAssembly engine of `ginn play` (bindings/wasm/play_module.cpp) under Node.js, against the native ginn:
// the same config and seed give the same parameters and losses, the same exact geometry, clear errors for bad input,
// and a recording that native ginn opens. Run by ctest (cmake/wasm.cmake) with GINN_PLAY_JS and GINN_BINARY set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const GINN = process.env.GINN_BINARY, ENGINE = process.env.GINN_PLAY_JS;
assert.ok(GINN && ENGINE, 'set GINN_BINARY and GINN_PLAY_JS (ctest does)');
// the module's bytes are handed over, as the page does: emscripten 3.1.6's loader would fetch() a path under Node 18+
const m = await require(ENGINE)({ wasmBinary: fs.readFileSync(ENGINE.replace(/\.js$/, '.wasm')) });
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `ginn-play-module-${process.pid}-`));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

/** Trains natively; returns the run's manifest and its params.bin snapshots (Float32Array each). */
function nativeRun(name, args) {
  const dir = path.join(scratch, name);
  execFileSync(GINN, ['train', '-o', dir, '-q', ...args]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const bytes = fs.readFileSync(path.join(dir, 'params.bin')), n = manifest.architecture.n_params, params = [];
  for (let at = 24; at + 16 + 4 * n <= bytes.length; at += 16 + 4 * n)
    params.push(new Float32Array(bytes.buffer.slice(bytes.byteOffset + at + 8, bytes.byteOffset + at + 8 + 4 * n)));
  return { dir, manifest, params };
}
const relDiff = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function wasmPlay(config) {
  const p = new m.Play(), err = p.create(JSON.stringify(config));
  assert.equal(err, '', `create: ${err}`);
  return p;
}

// Tolerances (docs/play.md): the initial parameters are bit-identical, but the native build fuses multiply-adds
// (x86 FMA) where WebAssembly rounds twice, and libm differs (float tanh, exp): the loss of the same parameters
// agrees to relative 1e-7, the float32 rounding of one activation (measured 1.4e-11 for ReLU, 1.1e-9 for tanh), and
// training drifts slowly from there: relative 1e-3 after thousands of steps (measured about 1e-5 after 20,000 Adam
// steps on the bottle).
const INIT_TOL = 1e-7, TRAINED_TOL = 1e-3;

for (const [name, args] of [
  ['bottle', ['--iterations', '3000', '--snapshots', 'every:1000']],
  ['circle-test', ['--target', 'circle', '--noise', '0.2', '--test-fraction', '0.2', '--iterations', '3000', '--snapshots', 'every:1000', '--seed', '3']],
  ['spiral-wide-tanh', ['--target', 'spiral', '--widths', '64,64', '--activation', 'tanh', '--optimizer', 'momentum', '--lr', '0.01', '--iterations', '2000', '--snapshots', 'every:1000']],
  ['gauss-deep-bn', ['--target', 'gauss', '--widths', '8,8,8,8,8,8', '--batch-norm', '--residual', '--dropout', '0.1', '--iterations', '2000', '--snapshots', 'every:1000', '--weight-decay', '1e-4']],
]) {
  test(`same config and seed give native ginn's parameters and losses: ${name}`, () => {
    const native = nativeRun(name, args), p = wasmPlay(native.manifest.config);
    assert.deepEqual(Array.from(p.params()), Array.from(native.params[0]), 'initial parameters bit-identical');
    for (const snap of native.manifest.snapshots) {
      p.step(snap.iteration - JSON.parse(p.metrics()).iteration);
      const w = JSON.parse(p.metrics());
      assert.equal(w.iteration, snap.iteration);
      const tol = snap.iteration === 0 ? INIT_TOL : TRAINED_TOL;
      assert.ok(relDiff(w.loss, snap.loss) <= tol, `iteration ${snap.iteration}: loss ${w.loss} vs native ${snap.loss}`);
      if (snap.loss_test !== undefined && snap.loss_test !== null)
        assert.ok(relDiff(w.loss_test, snap.loss_test) <= tol, `iteration ${snap.iteration}: test loss ${w.loss_test} vs ${snap.loss_test}`);
    }
  });
}

test('exact geometry equals native ginn geometry, including all-zero biases (the exact fallback)', () => {
  for (const [name, args] of [['geo-default', ['--iterations', '0']],
    ['geo-zero-bias', ['--target', 'circle', '--init', 'he_normal', '--iterations', '0', '--widths', '12,12']],
    ['geo-leaky', ['--target', 'xor', '--activation', 'leaky_relu', '--residual', '--widths', '10,10,10', '--iterations', '0']]]) {
    const native = nativeRun(name, args);
    const ref = JSON.parse(execFileSync(GINN, ['geometry', native.dir, '--format', 'json'], { maxBuffer: 1 << 26 }).toString());
    const g = wasmPlay(native.manifest.config).geometry(256);
    assert.equal(g[0], 1, `${name}: exact`);
    assert.equal(g[1], ref.regions.activation, `${name}: activation regions`);
    assert.equal(g[2], ref.regions.linear, `${name}: linear regions`);
    let at = 3;  // per neuron then the decision boundary: polyline count, then per polyline its points
    const counts = [];
    for (let i = 0; i <= ref.neurons.length; i++) {
      const n = g[at++];
      counts.push(n);
      for (let j = 0; j < n; j++) at += 1 + 2 * g[at];
    }
    assert.equal(at, g.length, `${name}: the whole buffer is read`);
    assert.deepEqual(counts.slice(0, -1), ref.neurons.map(nb => nb.polylines.length), `${name}: polylines per neuron`);
  }
});

test('bad input gets one clear error and the engine stays usable', () => {
  const p = new m.Play();
  m.FS.mkdirTree('/data');
  m.FS.writeFile('/data/empty.csv', '');
  m.FS.writeFile('/data/one.csv', '0,0,1\n1,1,1\n2,0,1\n');
  m.FS.writeFile('/data/broken.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  const cases = [
    [{ task: { target: '/data/empty.csv' } }, /empty\.csv/],
    [{ task: { target: '/data/one.csv' } }, /one class/],
    [{ task: { target: '/data/broken.png' } }, /broken\.png/],
    [{ model: { widths: [16, 100000] } }, /widths.*1\.\.256/],
    [{ model: { widths: Array(17).fill(8) } }, /hidden layers/],
    [{ optim: { lr: 0 } }, /learning rate/],
    [{ optim: { lr: null } }, /optim\.lr/],
    [{ train: { batch: 0 } }, /batch/],
  ];
  for (const [config, pattern] of cases) {
    const err = p.create(JSON.stringify(config));
    assert.match(err, pattern, JSON.stringify(config));
    assert.ok(!err.includes('\n'), 'one line');
    assert.match(err, /expected|hint/, 'says what was expected');
  }
  assert.equal(p.create(JSON.stringify({ task: { target: 'xor' }, train: { iterations: 10 } })), '');
  assert.ok(Number.isFinite(p.step(10)));
});

test('a CSV of three classes trains with the softmax head and is refused by softmax2', () => {
  const rows = [];
  for (let i = 0; i < 300; i++) rows.push(`${Math.cos(i)},${Math.sin(i * 1.3)},${i % 3}`);
  m.FS.writeFile('/data/three.csv', 'x,y,label\n' + rows.join('\n'));
  const p = new m.Play();
  assert.match(p.create(JSON.stringify({ task: { target: '/data/three.csv' } })), /softmax/);
  assert.equal(p.create(JSON.stringify({ task: { target: '/data/three.csv' }, model: { head: 'softmax' }, train: { iterations: 500 } })), '');
  const before = JSON.parse(p.metrics()).loss;
  p.step(500);
  assert.ok(JSON.parse(p.metrics()).loss < before);
  assert.equal(p.prediction(32).length, 3 * 32 * 32, 'one tile per class');
});

test('a recording saved by the engine is a run that native ginn opens', () => {
  const p = wasmPlay({ task: { target: 'circle', test_fraction: 0.25 }, train: { iterations: 400 } });
  for (let k = 0; k < 5; k++) { p.record(NaN); p.step(100); }
  assert.equal(p.record(0.5), 5, 'iteration 400 (the end) is recorded once');
  assert.equal(p.saveRun('/tmp/rec'), '');
  const dir = path.join(scratch, 'recorded');
  fs.mkdirSync(dir);
  for (const f of m.FS.readdir('/tmp/rec')) if (f !== '.' && f !== '..') fs.writeFileSync(path.join(dir, f), m.FS.readFile(`/tmp/rec/${f}`));
  const info = execFileSync(GINN, ['info', dir]).toString();
  assert.match(info, /circle/);
  assert.match(info, /5 recorded/);
  const replay = JSON.parse(p.replayData());
  assert.equal(replay.format, 'ginn-viewer');
  assert.deepEqual(replay.runs[0].snapshots.iteration, [0, 100, 200, 300, 400]);
});
