// Browser tests of the live page (`ginn play`, web/play*.js) in Debian's chromium, headless, opened from disk:
// training, native losses, own data, the URL fragment, bad input, and a recorded run that native ginn opens.
// The page is written by the ginn binary beside the viewer fixture (tests/e2e/run.sh BUILD_DIR). Not a benchmark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launch, fileUrl } from './browser.mjs';

const BUILD = path.dirname(process.env.GINN_VIEWER_FIXTURE || path.resolve('../../build/viewer_fixture.html'));
const GINN = path.join(BUILD, 'ginn');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `ginn-play-e2e-${process.pid}-`));
const PAGE = path.join(scratch, 'play.html');
let browser;

before(async () => {
  execFileSync(GINN, ['play', '-o', PAGE, '-q']);
  browser = await launch({ width: 1366, height: 768 });
});
after(async () => { await browser?.close(); fs.rmSync(scratch, { recursive: true, force: true }); });

/** Opens the page (with a fragment) and waits for the engine; records requests and console errors. */
async function open(hash = '') {
  const page = await browser.context.newPage();
  const requests = [], errors = [];
  page.on('request', r => requests.push(r.url()));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(fileUrl(PAGE) + hash);
  await page.waitForFunction(() => window.ginnPlayTimings && window.ginnPlayTimings.interactive > 0, null, { timeout: 20000 });
  return {
    page,
    async done() {
      assert.deepEqual(requests.filter(u => !/^(file|data|blob):/.test(u)), [], 'the page made network requests');
      assert.deepEqual(errors, [], 'console errors');
      await page.close();
    },
  };
}
const play = (page, f, arg) => page.evaluate(f, arg);
const message = page => play(page, () => window.ginnPlay.message());

function nativeRun(name, args) {
  const dir = path.join(scratch, name);
  execFileSync(GINN, ['train', '-o', dir, '-q', ...args]);
  return { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) };
}

test('the page trains the GINN net live: the loss falls and every boundary is drawn', async () => {
  const t = await open();
  const { page } = t;
  const before = await play(page, () => window.ginnPlay.loss());
  await play(page, () => window.ginnPlay.start());
  await page.waitForFunction(() => window.ginnPlay.iteration() >= 300, null, { timeout: 30000 });
  await play(page, () => window.ginnPlay.stop());
  assert.ok(await play(page, () => window.ginnPlay.stepsPerSecond()) >= 0);
  await play(page, () => window.ginnPlay.step(3000));
  const after = await play(page, () => window.ginnPlay.loss());
  assert.ok(after < before * 0.7, `loss ${before} -> ${after}`);
  const g = await play(page, () => window.ginnPlay.geometry());
  assert.ok(g.exact && g.activation > 10 && g.linear > 1, JSON.stringify(g));
  assert.equal(await page.locator('#neurons .neuron').count(), 48);
  assert.match(await page.textContent('#caption'), /exact geometry/);
  await t.done();
});

test('the same config and seed give the native losses (relative 1e-3, docs/play.md)', async () => {
  const native = nativeRun('native-circle', ['--target', 'circle', '--noise', '0.1', '--test-fraction', '0.2',
    '--iterations', '1000', '--snapshots', 'every:500', '--seed', '5', '--lr', '0.003']);
  const t = await open('#target=circle&noise=0.1&test_fraction=0.2&iterations=1000&seed=5&lr=0.003');
  const { page } = t;
  const c = await play(page, () => window.ginnPlay.config());
  delete c.snapshots;  // the page records when asked, not on a schedule
  const { snapshots, ...expected } = native.manifest.config;
  assert.deepEqual(c, expected);
  for (const s of native.manifest.snapshots) {
    await play(page, n => window.ginnPlay.step(n - window.ginnPlay.iteration()), s.iteration);
    const [loss, test] = await play(page, () => [window.ginnPlay.loss(), window.ginnPlay.testLoss()]);
    assert.ok(Math.abs(loss - s.loss) <= 1e-3 * s.loss, `iteration ${s.iteration}: ${loss} vs native ${s.loss}`);
    assert.ok(Math.abs(test - s.loss_test) <= 1e-3 * s.loss_test, `test loss at ${s.iteration}: ${test} vs ${s.loss_test}`);
  }
  await t.done();
});

/** A grey PNG (w x h, one byte per pixel) from a function of (row, column). */
function greyPng(w, h, f) {
  const raw = Buffer.alloc((w + 1) * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) raw[r * (w + 1) + 1 + c] = f(r, c);
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = b => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4), body = Buffer.concat([Buffer.from(type), data]), sum = Buffer.alloc(4);
    len.writeUInt32BE(data.length); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

test('a dropped CSV and a dropped image train', async () => {
  const t = await open('#iterations=2000');
  const { page } = t;
  const rows = ['x,y,label'];
  for (let i = 0; i < 400; i++) { const x = (i % 20) / 10 - 1, y = Math.floor(i / 20) / 10 - 1; rows.push(`${x},${y},${x * x + y * y < 0.4 ? 1 : 0}`); }
  await page.setInputFiles('#file', { name: 'disc.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await page.waitForFunction(() => /disc\.csv/.test(document.querySelector('#target').value));
  assert.equal(await message(page), '');
  let before = await play(page, () => window.ginnPlay.loss());
  await play(page, () => window.ginnPlay.step(1500));
  assert.ok(await play(page, () => window.ginnPlay.loss()) < before * 0.8, 'CSV: the loss falls');
  const png = greyPng(32, 32, (r, c) => (r < 16) !== (c < 16) ? 255 : 0);
  await page.setInputFiles('#file', { name: 'checks.png', mimeType: 'image/png', buffer: png });
  await page.waitForFunction(() => /checks\.png/.test(document.querySelector('#target').value));
  assert.equal(await message(page), '');
  assert.equal((await play(page, () => window.ginnPlay.config())).task.target, '/data/checks.png');
  before = await play(page, () => window.ginnPlay.loss());
  await play(page, () => window.ginnPlay.step(1500));
  assert.ok(await play(page, () => window.ginnPlay.loss()) < before * 0.8, 'image: the loss falls');
  await t.done();
});

test('the URL fragment restores a configuration, and classroom hides the chosen controls', async () => {
  const hash = '#target=spiral&noise=0.2&widths=8,8,8,8,8,8,8,8&activation=tanh&head=sigmoid&optimizer=momentum&lr=0.01' +
    '&momentum=0.8&lr_schedule=step&step_size=500&gamma=0.5&batch=32&dropout=0.1&batch_norm=1&residual=1&weight_decay=0.0001' +
    '&init=xavier&sampling=epochs&iterations=5000&seed=42&hide=network,optimiser';
  const t = await open(hash);
  const { page } = t;
  const c = await play(page, () => window.ginnPlay.config());
  assert.equal(c.task.target, 'spiral'); assert.equal(c.task.noise, 0.2);
  assert.deepEqual(c.model.widths, [8, 8, 8, 8, 8, 8, 8, 8]);
  assert.equal(c.model.activation, 'tanh'); assert.equal(c.model.head, 'sigmoid'); assert.equal(c.model.init, 'xavier');
  assert.equal(c.model.batch_norm, true); assert.equal(c.model.residual, true); assert.equal(c.model.dropout, 0.1);
  assert.equal(c.optim.optimizer, 'momentum'); assert.equal(c.optim.momentum, 0.8); assert.equal(c.optim.lr_schedule, 'step');
  assert.equal(c.optim.step_size, 500); assert.equal(c.optim.gamma, 0.5); assert.equal(c.optim.weight_decay, 0.0001);
  assert.equal(c.train.batch, 32); assert.equal(c.train.sampling, 'epochs'); assert.equal(c.train.seed, 42);
  assert.ok(await page.locator('fieldset[data-ctl="network"]').isHidden());
  assert.ok(await page.locator('fieldset[data-ctl="optimiser"]').isHidden());
  assert.ok(await page.locator('fieldset[data-ctl="data"]').isVisible());
  assert.match(await page.textContent('#caption'), /approximate boundaries/);
  assert.match(decodeURIComponent(await page.evaluate(() => location.hash)), /hide=network,optimiser/);
  await t.done();
});

test('every bad input gets a clear message and the page stays usable', async () => {
  const t = await open();
  const { page } = t;
  const expectMessage = async (pattern, what) => {
    await page.waitForFunction(() => window.ginnPlay.message() !== '', null, { timeout: 10000 });
    const text = await message(page);
    assert.match(text, pattern, what);
    assert.ok(await page.locator('#message').isVisible(), `${what}: shown in the page`);
  };
  const recover = async () => {
    await page.selectOption('#target', 'circle');
    await page.fill('#widths', '16,16,16'); await page.dispatchEvent('#widths', 'change');
    await page.fill('#lr', '0.001'); await page.dispatchEvent('#lr', 'change');
    assert.equal(await message(page), '', 'the message goes once the settings are good');
    const it = await play(page, () => window.ginnPlay.step(50));
    assert.equal(it, 50, 'trains again');
  };
  const drops = [['empty.csv', Buffer.alloc(0), /empty\.csv/], ['one.csv', Buffer.from('0,0,1\n1,1,1\n0.5,0.2,1\n'), /one class/],
    ['broken.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 1, 2, 3]), /broken\.png/]];
  for (const [name, bytes, pattern] of drops) {
    await page.setInputFiles('#file', { name, mimeType: name.endsWith('png') ? 'image/png' : 'text/csv', buffer: bytes });
    await expectMessage(pattern, name);
    await recover();
  }
  for (const [id, value, pattern] of [['widths', '16,5000', /1\.\.256/], ['widths', '16,x', /whole numbers/], ['lr', '0', /learning rate/],
    ['lr', 'NaN', /not a finite number/], ['lr', '1e400', /not a finite number/]]) {
    await page.fill('#' + id, value); await page.dispatchEvent('#' + id, 'change');
    await expectMessage(pattern, `${id} = ${value}`);
    await recover();
  }
  await t.done();
});

test('a recorded run saved from the page opens with ginn info, view, render and analyze, and in the replay viewer', async () => {
  const t = await open('#target=xor&iterations=600&widths=8,8');
  const { page } = t;
  await play(page, () => { window.ginnPlay.record(true); for (let k = 0; k < 6; k++) window.ginnPlay.step(100); });
  const zip = Buffer.from(await play(page, () => Array.from(window.ginnPlay.saveRunZip())));
  const zipPath = path.join(scratch, 'run.zip'), out = path.join(scratch, 'unzipped');
  fs.writeFileSync(zipPath, zip);
  execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2])', zipPath, out]);
  const dir = path.join(out, 'ginn-play-run');
  const info = execFileSync(GINN, ['info', dir]).toString();
  assert.match(info, /xor/);
  assert.match(info, /7 recorded/);
  execFileSync(GINN, ['view', dir, '-o', path.join(scratch, 'view.html'), '-q']);
  assert.ok(fs.statSync(path.join(scratch, 'view.html')).size > 10000);
  execFileSync(GINN, ['render', dir, '-o', path.join(scratch, 'final.png')]);
  execFileSync(GINN, ['analyze', dir, '-o', path.join(scratch, 'analysis'), '--no-viewer']);
  assert.ok(fs.existsSync(path.join(scratch, 'analysis', 'report.json')));
  const html = await play(page, () => window.ginnPlay.replayHtml());
  const replay = path.join(scratch, 'replay.html');
  fs.writeFileSync(replay, html);
  const viewer = await browser.context.newPage();
  await viewer.goto(fileUrl(replay));
  await viewer.waitForSelector('body[data-all-ready="1"]', { timeout: 15000 });
  assert.equal((await viewer.evaluate(() => window.ginn.state())).n, 7);
  await viewer.close();
  await t.done();
});
