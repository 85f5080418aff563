// Browser tests of the labelling page (ginn annotate serve) in Debian's chromium: labelling by click and by keys, a
// server killed mid-way and restarted, the export holding every confirmed answer once; and a scripted annotator that
// labels 300 pairs of the lattice design with the rule "white only when both boxes are 255" (its export:
// examples/fishbein/s4-scripted.csv).
// Run by run.sh beside the viewer's tests (GINN_BINARY: the ginn to test). Not a benchmark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch } from './browser.mjs';

const GINN = process.env.GINN_BINARY || path.resolve('../../build/ginn');
const ARTIFACTS = path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');

/** Starts `ginn annotate serve`; resolves {child, url} once it prints where it listens. */
function serve(db, port = 0, extra = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(GINN, ['annotate', 'serve', '--db', db, '--port', String(port), ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr.on('data', d => { out += d; });
    child.on('exit', code => reject(new Error(`ginn annotate serve exited with ${code}: ${out}`)));
  });
}
const exited = child => new Promise(r => child.on('exit', (code, signal) => r({ code, signal })));

function readExport(db, dir) {
  const csv = path.join(dir, 'export.csv');
  execFileSync(GINN, ['annotate', 'export', '--db', db, '-o', csv]);
  const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines[0], '# ginn-labels 1');
  assert.equal(lines[1], 'x1,x2,label,annotator,time');
  return { csv, rows: lines.slice(2).map(l => { const [x1, x2, label, annotator] = l.split(','); return { x1: +x1, x2: +x2, label, annotator }; }) };
}

/** The pair on the page and its answered count. */
const pagePair = page => page.evaluate(() => ({
  id: +document.body.dataset.pair, done: +document.body.dataset.done,
  x1: +document.getElementById('box1').dataset.level, x2: +document.getElementById('box2').dataset.level,
}));

/** Answers the pair on the page by a click or a key and waits for the next one; returns what was answered. */
async function answer(page, label, how) {
  const before = await pagePair(page);
  if (how === 'click') await page.click(`#${label}`);
  else await page.keyboard.press({ white: 'w', black: 'b', grey: 'g' }[label]);
  await page.waitForFunction(n => +document.body.dataset.done === n, before.done + 1);
  return { ...before, label };
}

async function startPage(url, name) {
  const browser = await launch({ width: 900, height: 700 });
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.fill('#name', name);
  await page.click('#start');
  await page.waitForFunction(() => document.body.dataset.pair);
  return { browser, page };
}

test('labels by click and by keys, survives a killed server, exports every answer once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ginn-annotate-'));
  const db = path.join(dir, 'labels.sqlite');
  let server = await serve(db);
  const port = new URL(server.url).port;
  const { browser, page } = await startPage(server.url, 'Ana');
  const given = [];
  const labels = ['white', 'black', 'grey'];
  try {
    // the boxes show the pair's grey levels on the screen's scale
    const first = await pagePair(page);
    assert.equal(await page.$eval('#box1', e => getComputedStyle(e).backgroundColor), `rgb(${first.x1}, ${first.x1}, ${first.x1})`);
    for (let i = 0; i < 6; i++) given.push(await answer(page, labels[i % 3], i % 2 ? 'key' : 'click'));
    assert.match(await page.textContent('#progress'), /^6 answered/);
    // kill the server without warning: the answer given while it is down is refused on the page, not counted
    server.child.kill('SIGKILL');
    await exited(server.child);
    const pending = await pagePair(page);
    await page.keyboard.press('g');
    await page.waitForFunction(() => /Not saved/.test(document.getElementById('status').textContent));
    assert.equal((await pagePair(page)).done, 6);
    // restart on the same port: the page goes on with the same pending pair
    server = await serve(db, port);
    for (let i = 0; i < 6; i++) given.push(await answer(page, labels[(i + 1) % 3], i % 2 ? 'click' : 'key'));
    assert.equal(given[6].id, pending.id, 'the pending pair is answered after the restart');
    server.child.kill('SIGTERM');
    assert.deepEqual(await exited(server.child), { code: 0, signal: null }, 'SIGTERM stops it cleanly');
  } finally {
    await browser.close();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
  const { rows } = readExport(db, dir);
  assert.equal(rows.length, given.length, 'every confirmed answer is there, nothing twice');
  rows.forEach((r, i) => assert.deepEqual(r, { x1: given[i].x1, x2: given[i].x2, label: given[i].label, annotator: 'Ana' }));
  assert.equal(new Set(given.map(g => g.id)).size, given.length, 'each pair answered once');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a scripted annotator labels 300 pairs: white only when both boxes are 255', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ginn-annotate-'));
  const db = path.join(dir, 'labels.sqlite');
  // The lattice design serves all 256 pairs of the levels 0, 17, ..., 255 in each round, so (255, 255) is among them
  // (the uniform design would serve it about once in 65,536 pairs).
  const server = await serve(db, 0, ['--design', 'lattice', '--seed', '12']);
  const { browser, page } = await startPage(server.url, 'scripted');
  // The paper's observation (sec. 7): people say white only for an entirely white image. Otherwise S1's rule on the
  // screen's scale with n = 20: black when x1 + x2 < 235, grey between.
  const rule = (x1, x2) => (x1 === 255 && x2 === 255 ? 'white' : x1 + x2 < 235 ? 'black' : 'grey');
  try {
    for (let i = 0; i < 300; i++) {
      const p = await pagePair(page);
      await answer(page, rule(p.x1, p.x2), i % 10 === 0 ? 'click' : 'key');
    }
    assert.match(await page.textContent('#progress'), /^300 answered/);
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await exited(server.child);
  }
  const { csv, rows } = readExport(db, dir);
  assert.equal(rows.length, 300);
  for (const r of rows) assert.equal(r.label, rule(r.x1, r.x2), `pair ${r.x1},${r.x2}`);
  const white = rows.filter(r => r.label === 'white');
  assert.ok(white.length >= 1, 'the export holds white answers');
  for (const r of white) assert.deepEqual([r.x1, r.x2], [255, 255], 'white only at (255, 255)');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.copyFileSync(csv, path.join(ARTIFACTS, 's4-scripted.csv'));  // the committed fixture is a copy of this
  fs.rmSync(dir, { recursive: true, force: true });
});
