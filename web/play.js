// ginn play, part 2 of 2: the live page. Trains with ginn's engine in WebAssembly (bindings/wasm/play_module.cpp) and draws
// every frame with the viewer's modules (decode.js RunData, draw.js drawPicture, diagram.js): the live network is a
// one-snapshot run whose snapshot is replaced each frame. Not the engine and not the drawing code.
'use strict';

const $ = sel => document.querySelector(sel);
const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];  // training steps per frame
const IMAGE_SIZE = 64;   // prediction pixels per side, drawn smoothed
const METRICS_MS = 100;  // while training, the full-data metrics are evaluated at most this often (the picture every frame)
const MAX_CURVE = 4000;  // points kept on the loss curve (halved when full)
const MAX_RECORDED = 2000;
const MAX_DRAWN_POINTS = 2000;
const SMOOTH_GRID = 128; // marching-squares cells per side for smooth activations (approximate, labelled)
// The geometry of wide deep networks takes seconds (a 3 x 64 ReLU net 0.7 s in the page, 8 x 64 beyond memory): it is
// computed every frame up to this many hidden neurons and when it is fast, otherwise on demand (G, or when paused).
const LIVE_GEOMETRY_NEURONS = 200, LIVE_GEOMETRY_MS = 60;
// Controls that are config keys, by section of the config (the names of `ginn train` and the TOML file).
const CONFIG_KEYS = {
  task: ['target', 'noise', 'test_fraction', 'n_points', 'resolution'],
  model: ['widths', 'activation', 'head', 'init', 'dropout', 'batch_norm', 'residual'],
  optim: ['optimizer', 'lr', 'momentum', 'weight_decay', 'lr_schedule', 'step_size', 'gamma'],
  train: ['batch', 'sampling', 'iterations'],
};
const HIDEABLE = ['data', 'network', 'optimiser', 'training', 'speed', 'seed', 'views', 'record', 'save', 'replay', 'points'];

const state = {
  running: false, speed: 10, view: 'pred', points: true, decision: true, recording: false, hover: -1,
  selected: null, hide: new Set(), ownFile: null, dirty: true, message: '',
};
let engine = null, live = null, run = null, choices = null;
let curve = { iteration: [], loss: [], loss_test: [], accuracy: [], accuracy_test: [] };
let stepLog = [];  // [time ms, steps] per training call, for stepsPerSecond
let batchLossSum = 0, batchLossSteps = 0, metrics = {}, geometryCounts = [1, 0, 0];
let iteration = 0, metricsAt = -Infinity;  // the engine's iteration (tracked here), when metrics were last evaluated
const picture = new PixelLayer();
let diagramNodes = null, dpr = window.devicePixelRatio || 1;

// ---- the live network as a one-snapshot run of the viewer's modules

class LiveRun extends RunData {
  constructor(desc) {
    super({
      name: 'live', domain: desc.domain, n_classes: desc.n_classes, head: desc.head,
      output: { kind: desc.kind, range: desc.range }, layers: desc.layers, snapshots: { iteration: [0] },
      prediction: { size: IMAGE_SIZE }, geometry: [], points: null, target: null,
    }, 0);
    this.desc = desc;
    this.tiles = desc.n_classes > 2 ? desc.n_classes : 1;
    this.pointCache = null;
    if (desc.grid_w > 0) this.target = { width: desc.grid_w, height: desc.grid_h };
  }
  /** Reads the dataset once: points to draw (a deterministic subsample) and, for rasters, the target labels. */
  loadData(p) {
    const d = p.points(), n = d.label.length, [x0, x1, y0, y1] = this.domain;
    if (this.target) {
      this.targetLabels = Uint8Array.from(d.label);
      return;
    }
    const stride = Math.max(1, Math.ceil(n / MAX_DRAWN_POINTS)), m = Math.ceil(n / stride);
    const u = new Float32Array(m), v = new Float32Array(m), label = new Uint8Array(m), test = new Uint8Array(m);
    for (let j = 0, i = 0; i < n; i += stride, j++) {
      u[j] = (d.xy[2 * i] - x0) / (x1 - x0); v[j] = (d.xy[2 * i + 1] - y0) / (y1 - y0);
      label[j] = d.label[i]; test[j] = d.test.length ? d.test[i] : 0;
    }
    this.pointCache = { n: m, nTotal: n, u, v, label, test, nTest: test.reduce((a, b) => a + b, 0) };
    this.json_points = true;
  }
  /** Replaces the snapshot by the engine's current network: weights, exact geometry, prediction image. */
  update(p) {
    this.weightData = Float32Array.from(p.weights());
    this.weightScale = this.computeWeightScale();
    if (!this.geomCache[0]) this.geomCache[0] = { neurons: Array.from({ length: this.nNeurons }, () => []), decision: [] };
    const wanted = this.nNeurons <= LIVE_GEOMETRY_NEURONS && (!(this.geometryMs > LIVE_GEOMETRY_MS) || !state.running);
    if (wanted || state.geometryNow) this.updateGeometry(p);
    this.image = Uint8Array.from(p.prediction(IMAGE_SIZE));
    this.regionCache.clear(); this.fractionCache.clear(); this.fieldCache = null;
  }
  /** The exact (or, for smooth activations, approximate) geometry of the current weights, timed. */
  updateGeometry(p) {
    state.geometryNow = false;
    const t0 = performance.now(), g = p.geometry(SMOOTH_GRID);
    this.geometryMs = performance.now() - t0;
    if (!g.length) { showMessage(`geometry of iteration ${iteration}: ${p.error()}`); return; }
    geometryCounts = [g[0], g[1], g[2]];
    this.geometryIteration = iteration;
    let at = 3;
    const lines = () => {
      const n = g[at++], out = [];
      for (let j = 0; j < n; j++) { const m = g[at++]; out.push(g.slice(at, at + 2 * m)); at += 2 * m; }
      return out;
    };
    const neurons = [];
    for (let i = 0; i < this.nNeurons; i++) neurons.push(lines());
    this.geomCache[0] = { neurons, decision: lines() };
  }
  geometry() { return this.geomCache[0]; }
  points() { return this.pointCache; }
}

// ---- configuration: controls <-> config JSON <-> URL fragment

function fillChoices() {
  const opts = (id, names) => { $('#' + id).innerHTML = names.map(n => `<option>${n}</option>`).join(''); };
  opts('target', choices.tasks);
  opts('activation', choices.activations); opts('head', choices.heads); opts('init', choices.inits);
  opts('optimizer', choices.optimizers); opts('lr_schedule', choices.schedules); opts('sampling', choices.samplings);
  $('#speed').innerHTML = SPEEDS.map(s => `<option value="${s}">${s}</option>`).join('');
  const d = choices.defaults;
  for (const [section, keys] of Object.entries(CONFIG_KEYS))
    for (const k of keys) if (d[section][k] !== undefined) setControl(k, d[section][k]);
  setControl('iterations', 100000);
  $('#speed').value = state.speed;
  $('#hide-list').innerHTML = HIDEABLE.map(h => `<label><input type="checkbox" data-hide="${h}"> ${h}</label>`).join('');
}

function setControl(k, v) {
  const el = $('#' + k);
  if (!el) return;
  if (el.type === 'checkbox') el.checked = v === true || v === '1' || v === 'true';
  else if (k === 'widths') el.value = Array.isArray(v) ? v.join(',') : v;
  else if (k === 'target' && !choices.tasks.includes(v) && !(state.ownFile && v === state.ownFile.path)) return;
  else el.value = v;
}

/** The config the controls describe, or throws Error with one clear line for what JSON cannot say (widths). */
function configFromControls() {
  const c = { task: {}, model: {}, optim: {}, train: {} };
  const number = k => { const t = $('#' + k).value.trim(); return t === '' ? NaN : Number(t); };
  for (const [section, keys] of Object.entries(CONFIG_KEYS))
    for (const k of keys) {
      const el = $('#' + k);
      if (k === 'widths') {
        const parts = el.value.split(',').map(s => s.trim());
        if (!parts.every(s => /^\d+$/.test(s)))
          throw new Error(`widths: '${el.value}' is not a list of whole numbers (expected comma-separated widths such as 16,16,16)`);
        c.model.widths = parts.map(Number);
      } else if (el.type === 'checkbox') c[section][k] = el.checked;
      else if (el.tagName === 'SELECT') c[section][k] = k === 'target' && state.ownFile && el.value === state.ownFile.label ? state.ownFile.path : el.value;
      else {
        const v = number(k);
        if (!Number.isFinite(v))
          throw new Error(`${k.replace('_', ' ')}: '${el.value}' is not a finite number (expected a number; hint: see the default)`);
        c[section][k] = v;
      }
    }
  c.train.seed = Number($('#seed').value);
  if (!Number.isSafeInteger(c.train.seed) || c.train.seed < 0)
    throw new Error(`seed: '${$('#seed').value}' is not a whole number (expected a seed in 0..2^53 in the page)`);
  return c;
}

/** The fragment: every config control, the seed, speed, view and hidden controls (own data cannot travel in a link). */
function hashText() {
  const p = new URLSearchParams();
  for (const keys of Object.values(CONFIG_KEYS))
    for (const k of keys) {
      const el = $('#' + k);
      if (k === 'target' && state.ownFile && el.value === state.ownFile.label) continue;
      p.set(k, el.type === 'checkbox' ? (el.checked ? '1' : '0') : el.value);
    }
  p.set('seed', $('#seed').value); p.set('speed', state.speed); p.set('view', state.view);
  if (state.hide.size) p.set('hide', [...state.hide].join(','));
  return p.toString();
}

function applyHash(text) {
  const p = new URLSearchParams(text.replace(/^#/, ''));
  for (const keys of Object.values(CONFIG_KEYS)) for (const k of keys) if (p.has(k)) setControl(k, p.get(k));
  if (p.has('seed')) $('#seed').value = p.get('seed');
  if (p.has('speed') && SPEEDS.includes(+p.get('speed'))) { state.speed = +p.get('speed'); $('#speed').value = state.speed; }
  if (p.has('view')) state.view = p.get('view');
  state.hide = new Set((p.get('hide') || '').split(',').filter(h => HIDEABLE.includes(h)));
  applyHide();
}

function applyHide() {
  for (const h of HIDEABLE) {
    const el = document.querySelector(`[data-ctl="${h}"]`) || document.getElementById(h);
    if (el) el.hidden = state.hide.has(h);
    const box = document.querySelector(`[data-hide="${h}"]`);
    if (box) box.checked = state.hide.has(h);
  }
}

// ---- the engine: create, train, read

function showMessage(text) {
  state.message = text || '';
  $('#message').hidden = !text;
  $('#message').textContent = text || '';
}

/** A new network from the controls (and the seed). Returns false, with the message shown, when it cannot be built;
 *  the previous network then stays. */
function rebuild() {
  let config;
  try { config = configFromControls(); } catch (e) { showMessage(e.message); return false; }
  const err = engine.create(JSON.stringify(config));
  if (err) { showMessage(err); return false; }
  showMessage('');
  run = new LiveRun(JSON.parse(engine.describe()));
  run.loadData(engine);
  state.selected = new Set(Array.from({ length: run.nNeurons }, (_, i) => i));
  curve = { iteration: [], loss: [], loss_test: [], accuracy: [], accuracy_test: [] };
  stepLog = []; batchLossSum = 0; batchLossSteps = 0; metricsAt = -Infinity; iteration = 0;
  setRecording(state.recording);
  buildNeuronButtons();
  observe();
  history.replaceState(null, '', '#' + hashText());
  layout();
  return true;
}

/** Trains n steps (stops at the configured iterations or on divergence). */
function train(n) {
  if (!run) return;
  const t0 = performance.now(), before = iteration;
  const lb = engine.step(n);
  const diverged = engine.error() !== '';
  const steps = diverged ? 0 : Math.max(0, Math.min(n, metrics.iterations - before));
  iteration = before + steps;
  stepLog.push([performance.now(), steps, t0]);
  if (stepLog.length > 600) stepLog.splice(0, 300);
  if (Number.isFinite(lb) && steps > 0) { batchLossSum += lb * steps; batchLossSteps += steps; }
  observe(diverged || iteration >= metrics.iterations || !state.running);
  if (metrics.diverged) { setRunning(false); showMessage(engine.error()); }
  else if (iteration >= metrics.iterations) setRunning(false);
}

/** The full-data metrics, evaluated now unless they are of the current iteration. */
function evaluate() {
  if (metrics.iteration === iteration && metricsAt > -Infinity) return;
  metrics = JSON.parse(engine.metrics());
  iteration = metrics.iteration;
  metricsAt = performance.now();
  const h = curve, it = metrics.iteration;
  if (!h.iteration.length || h.iteration[h.iteration.length - 1] !== it) {
    h.iteration.push(it); h.loss.push(metrics.loss); h.accuracy.push(metrics.accuracy);
    h.loss_test.push(metrics.loss_test); h.accuracy_test.push(metrics.accuracy_test);
    if (h.iteration.length > MAX_CURVE)
      for (const k of Object.keys(h)) h[k] = h[k].filter((_, i) => i % 2 === 0 || i === h[k].length - 1);
  }
}

/** Reads the current network from the engine (every frame) and the metrics (at most every METRICS_MS while
 *  training, or when `force`d); records a snapshot when recording. */
function observe(force = true) {
  if (force || !state.running || performance.now() - metricsAt >= METRICS_MS) evaluate();
  run.update(engine);
  if (state.recording) {
    const count = engine.record(batchLossSteps ? batchLossSum / batchLossSteps : NaN);
    batchLossSum = 0; batchLossSteps = 0;
    if (count >= MAX_RECORDED) { setRecording(false); showMessage(`recording stopped at ${MAX_RECORDED} snapshots (save it, or clear it by recording again)`); }
    $('#save').disabled = $('#replay').disabled = count === 0;
  }
  state.dirty = true;
}

function stepsPerSecond() {
  const now = performance.now(), recent = stepLog.filter(([t]) => t > now - 1000);
  if (!recent.length) return 0;
  const span = Math.max(1, now - recent[0][2]);
  return recent.reduce((a, [, s]) => a + s, 0) / span * 1000;
}

// ---- drawing

function layout() {
  dpr = window.devicePixelRatio || 1;
  const stage = $('#stage').getBoundingClientRect();
  const S = Math.max(120, Math.floor(Math.min(stage.width - 16, stage.height - 40)));
  sizeCanvas($('#picture'), S, S);
  const lb = $('#loss-box').getBoundingClientRect();
  sizeCanvas($('#curve'), lb.width - 2, lb.height - 2);
  if (run) $('#diagram-box').style.minHeight = Math.max(160, 7 * Math.max(...run.widths) + 40) + 'px';
  const db = $('#diagram-box').getBoundingClientRect();
  sizeCanvas($('#diagram'), db.width, Math.max(60, db.height - 8));
  state.dirty = true;
}
function sizeCanvas(c, w, h) {
  c.style.width = w + 'px'; c.style.height = h + 'px';
  c.width = Math.max(1, Math.round(w * dpr)); c.height = Math.max(1, Math.round(h * dpr));
}

function draw() {
  const c = $('#picture'), S = c.width;
  drawPicture(c.getContext('2d'), S, {
    run, k: 0, view: state.view === 'target' && !run.targetLabels ? 'pred' : state.view, dpr, decision: state.decision,
    selected: state.selected, hover: state.hover, cls: -1, focus: -1, shade: state.hover, points: state.points && !!run.pointCache, axes: true,
  }, picture);
  const exact = geometryCounts[0] === 1, gi = run.geometryIteration;
  const stale = gi === undefined ? ' · no geometry yet (press G: it may take seconds for this network)'
    : gi !== iteration ? ` · boundaries of iteration ${gi} (G or pause to recompute: ${Math.round(run.geometryMs)} ms each)` : '';
  $('#caption').textContent = `iteration ${iteration}` + (gi === undefined ? '' : exact
    ? ` · exact geometry: ${geometryCounts[1]} activation regions, ${geometryCounts[2]} linear`
    : ` · approximate boundaries (grid ${SMOOTH_GRID}): ${run.layers[0].activation} is smooth`) + stale;
  drawCurves();
  drawReadout();
  const status = statusOf();
  diagramNodes = drawDiagram($('#diagram').getContext('2d'), $('#diagram').width, $('#diagram').height, run, 0, state.selected, state.hover, status, dpr);
  document.querySelectorAll('#neurons .neuron').forEach(b => {
    const id = +b.dataset.neuron;
    b.classList.toggle('on', state.selected.has(id));
    b.classList.toggle('dead', status[id] === 'dead');
    b.classList.toggle('hot', id === state.hover);
  });
  $('#play').classList.toggle('on', state.running);
  $('#play').innerHTML = state.running ? '&#10074;&#10074;' : '&#9654;';
  $('#status').textContent = state.running ? `${Math.round(stepsPerSecond())} steps/s` : '';
}

/** Dead (never active in the domain) and always-on neurons: no boundary and the sign at the centre, as the viewer. */
function statusOf() {
  if (run.geometryIteration === undefined) return new Array(run.nNeurons).fill('');
  const g = run.geometry(), [x0, x1, y0, y1] = run.domain, { pre } = forwardPoint(run, 0, (x0 + x1) / 2, (y0 + y1) / 2);
  return g.neurons.map((lines, id) => lines.length ? '' : pre[run.neuronLayer[id] - 1][run.neuronIndex[id] - 1] > 0 ? 'always' : 'dead');
}

/** Loss (train solid, test dashed) on a log axis and accuracy (faint, 0..1) over iterations. */
function drawCurves() {
  const c = $('#curve'), ctx = c.getContext('2d'), w = c.width, h = c.height, h_ = curve;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const n = h_.iteration.length;
  if (!n) return;
  const pad = 30 * dpr, x0 = pad, x1 = w - 8 * dpr, y0 = 8 * dpr, y1 = h - 16 * dpr;
  const all = [...h_.loss, ...h_.loss_test].filter(v => v > 0 && Number.isFinite(v));
  const lo = Math.log10(Math.min(...all, 1) * 0.9), hi = Math.log10(Math.max(...all, 1e-3) * 1.1), itMax = Math.max(1, h_.iteration[n - 1]);
  const X = it => x0 + (x1 - x0) * it / itMax, Y = v => y1 - (y1 - y0) * (Math.log10(Math.max(v, 1e-12)) - lo) / (hi - lo || 1);
  const line = (ys, yf, colour, dash, width) => {
    ctx.beginPath(); ctx.setLineDash(dash); ctx.strokeStyle = colour; ctx.lineWidth = width * dpr;
    let on = false;
    for (let i = 0; i < n; i++) {
      if (!(ys[i] >= 0) || !Number.isFinite(ys[i])) { on = false; continue; }
      on ? ctx.lineTo(X(h_.iteration[i]), yf(ys[i])) : ctx.moveTo(X(h_.iteration[i]), yf(ys[i]));
      on = true;
    }
    ctx.stroke(); ctx.setLineDash([]);
  };
  const A = v => y1 - (y1 - y0) * v;
  line(h_.accuracy, A, 'rgba(94,200,192,0.45)', [], 1);
  line(h_.loss, Y, '#56b4e9', [], 1.6);
  line(h_.loss_test, Y, '#cc79a7', [5 * dpr, 4 * dpr], 1.6);
  ctx.fillStyle = '#8a93a3'; ctx.font = `${10 * dpr}px system-ui, sans-serif`; ctx.textBaseline = 'middle'; ctx.textAlign = 'right';
  for (const e of [Math.ceil(lo), Math.floor(hi)]) ctx.fillText(`1e${e}`, x0 - 3 * dpr, Y(10 ** e));
  ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
  ctx.fillText(`loss (log) · test dashed · accuracy faint · iteration ${h_.iteration[n - 1]}`, x0, h);
}

function drawReadout() {
  const f = v => v === null || v === undefined || v < 0 ? '–' : (+v).toPrecision(4);
  const rows = [['iteration', `${iteration} / ${metrics.iterations}`], ['learning rate', f(metrics.lr)],
    ['loss', f(metrics.loss)], ['accuracy', f(metrics.accuracy)]];
  if (metrics.loss_test >= 0) rows.push(['test loss', f(metrics.loss_test)], ['test accuracy', f(metrics.accuracy_test)]);
  rows.push(['points', `${run.desc.n_points}` + (run.desc.n_test ? ` (${run.desc.n_test} test)` : '')], ['parameters', run.desc.n_params]);
  $('#readout').innerHTML = rows.map(([k, v]) => `<dt>${k}</dt><dd class="mono">${v}</dd>`).join('');
}

function buildNeuronButtons() {
  const box = $('#neurons');
  box.innerHTML = '';
  run.widths.forEach((w, l) => {
    const row = document.createElement('div'), grid = document.createElement('div');
    row.className = 'layer' + (w > 24 ? ' wide' : ''); grid.className = 'buttons';
    const name = document.createElement('button');
    name.className = 'layer-name'; name.textContent = `L${l + 1}`; name.style.color = layerColour(l + 1);
    name.title = 'Toggle the whole layer';
    name.addEventListener('click', () => {
      const ids = Array.from({ length: w }, (_, i) => run.layerStart[l] + i), on = !ids.every(id => state.selected.has(id));
      ids.forEach(id => on ? state.selected.add(id) : state.selected.delete(id));
      state.dirty = true;
    });
    row.appendChild(name);
    for (let i = 1; i <= w; i++) {
      const id = run.layerStart[l] + i - 1, b = document.createElement('button');
      b.className = 'neuron'; b.textContent = i; b.dataset.neuron = id;
      b.style.setProperty('--c', neuronColour(l + 1, i, w));
      b.style.setProperty('--ink', inkOn(neuronRgb(l + 1, i, w)));
      b.addEventListener('click', () => { toggleNeuron(id); b.blur(); });
      b.addEventListener('mouseenter', () => { state.hover = id; state.dirty = true; neuronTip(id, b.getBoundingClientRect()); });
      b.addEventListener('mouseleave', () => { state.hover = -1; state.dirty = true; $('#tip').hidden = true; });
      grid.appendChild(b);
    }
    row.appendChild(grid);
    box.appendChild(row);
  });
}
function toggleNeuron(id) { state.selected.has(id) ? state.selected.delete(id) : state.selected.add(id); state.dirty = true; }

function placeTip(html, x, y) {
  const tip = $('#tip');
  tip.innerHTML = html; tip.hidden = false;
  const r = tip.getBoundingClientRect();
  tip.style.left = Math.min(window.innerWidth - r.width - 4, x + 14) + 'px';
  tip.style.top = Math.min(window.innerHeight - r.height - 4, y + 14) + 'px';
}
function neuronTip(id, rect) {
  const l = run.neuronLayer[id] - 1, i = run.neuronIndex[id] - 1, L = run.layer(0, l);
  const w = Array.from(L.W.subarray(i * L.nIn, i * L.nIn + Math.min(L.nIn, 8)), v => v.toFixed(3)).join(', ');
  placeTip(`<b>L${l + 1}:${i + 1}</b> ${L.act}${L.residual ? ', residual' : ''}<br>bias ${L.b[i].toFixed(4)}<br>weights ${w}${L.nIn > 8 ? ', …' : ''}` +
    `<br>${run.geometry().neurons[id].length} boundary pieces`, rect.left, rect.bottom);
}
function pointTip(ev) {
  const c = $('#picture'), b = c.getBoundingClientRect(), u = (ev.clientX - b.left) / b.width, v = 1 - (ev.clientY - b.top) / b.height;
  const [x, y] = run.toDomain(u, v), o = headOutput(run, forwardPoint(run, 0, x, y).out);
  const what = o.p !== undefined ? `P(class 1) ${o.p.toFixed(3)}` : o.value !== undefined ? `output ${o.value.toFixed(3)}`
    : `class ${o.top} (${o.probs.map(p => p.toFixed(2)).join(', ')})`;
  placeTip(`x ${x.toPrecision(4)}, y ${y.toPrecision(4)}<br>${what}`, ev.clientX, ev.clientY);
}

// ---- controls

function setRunning(on) {
  state.running = on && iteration < metrics.iterations && !metrics.diverged;
  state.dirty = true;
}
function setRecording(on) {
  state.recording = on;
  $('#record').classList.toggle('on', on);
  if (on && engine && run) { engine.clearRecording(); observe(); }
}

function ownData(file) {
  file.arrayBuffer().then(buf => {
    const safe = file.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-80) || 'data', path = `/data/${safe}`;
    engine.FS.mkdirTree('/data');
    engine.FS.writeFile(path, new Uint8Array(buf));
    state.ownFile = { path, label: `own: ${file.name}` };
    const sel = $('#target');
    [...sel.options].filter(o => o.value.startsWith('own: ')).forEach(o => o.remove());
    sel.add(new Option(state.ownFile.label, state.ownFile.label));
    sel.value = state.ownFile.label;
    rebuild();
  });
}

function bindEvents() {
  $('#play').addEventListener('click', ev => { setRunning(!state.running); ev.currentTarget.blur(); });
  $('#step').addEventListener('click', () => { setRunning(false); train(1); });
  $('#reset').addEventListener('click', () => rebuild());
  $('#speed').addEventListener('change', ev => { state.speed = +ev.target.value; history.replaceState(null, '', '#' + hashText()); });
  $('#seed').addEventListener('change', () => rebuild());
  document.querySelectorAll('#views button').forEach(b => b.addEventListener('click', () => {
    state.view = b.dataset.view; state.dirty = true; history.replaceState(null, '', '#' + hashText());
    document.querySelectorAll('#views button').forEach(o => o.classList.toggle('on', o === b));
  }));
  $('#points').addEventListener('click', ev => { state.points = !state.points; ev.currentTarget.classList.toggle('on', state.points); state.dirty = true; });
  $('#decision').addEventListener('click', ev => { state.decision = !state.decision; ev.currentTarget.classList.toggle('on', state.decision); state.dirty = true; });
  $('#all-on').addEventListener('click', () => { run.nNeurons && Array.from({ length: run.nNeurons }, (_, i) => state.selected.add(i)); state.dirty = true; });
  $('#all-off').addEventListener('click', () => { state.selected.clear(); state.dirty = true; });
  $('#record').addEventListener('click', () => setRecording(!state.recording));
  $('#save').addEventListener('click', () => { const z = ginnPlay.saveRunZip(); if (z) downloadBytes(z, 'ginn-play-run.zip', 'application/zip'); });
  $('#replay').addEventListener('click', () => {
    const html = ginnPlay.replayHtml();
    if (html) window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
  });
  $('#classroom').addEventListener('click', ev => { $('#classroom-box').hidden = !$('#classroom-box').hidden; ev.currentTarget.classList.toggle('on'); });
  $('#hide-list').addEventListener('change', ev => {
    const h = ev.target.dataset.hide;
    ev.target.checked ? state.hide.add(h) : state.hide.delete(h);
    applyHide(); history.replaceState(null, '', '#' + hashText());
  });
  $('#controls').addEventListener('change', ev => { if (ev.target.id !== 'file' && !ev.target.dataset.hide) rebuild(); });
  $('#file').addEventListener('change', ev => { if (ev.target.files[0]) ownData(ev.target.files[0]); });
  const drop = document.body;
  drop.addEventListener('dragover', ev => { ev.preventDefault(); $('#drop').classList.add('over'); });
  drop.addEventListener('dragleave', () => $('#drop').classList.remove('over'));
  drop.addEventListener('drop', ev => {
    ev.preventDefault(); $('#drop').classList.remove('over');
    if (ev.dataTransfer.files[0]) ownData(ev.dataTransfer.files[0]);
  });
  const dg = $('#diagram');
  dg.addEventListener('pointermove', ev => {
    const b = dg.getBoundingClientRect(), id = diagramNodes ? diagramHit(diagramNodes, (ev.clientX - b.left) * dpr, (ev.clientY - b.top) * dpr) : -1;
    if (id !== state.hover) { state.hover = id; state.dirty = true; }
  });
  dg.addEventListener('pointerleave', () => { state.hover = -1; state.dirty = true; });
  dg.addEventListener('click', () => { if (state.hover >= 0) toggleNeuron(state.hover); });
  $('#picture').addEventListener('pointermove', pointTip);
  $('#picture').addEventListener('pointerleave', () => { $('#tip').hidden = true; });
  window.addEventListener('resize', layout);
  window.addEventListener('hashchange', () => { applyHash(location.hash); rebuild(); });
  document.addEventListener('keydown', ev => {
    if (ev.target.closest && ev.target.closest('input, select')) return;
    if (ev.key === ' ') { ev.preventDefault(); setRunning(!state.running); }
    else if (ev.key === '.') { setRunning(false); train(1); }
    else if (ev.key === 'r' || ev.key === 'R') rebuild();
    else if (ev.key === 'g' || ev.key === 'G') { state.geometryNow = true; observe(); }
  });
}

function frame() {
  if (state.running) train(state.speed);
  if (state.dirty && run) { state.dirty = false; draw(); }
  requestAnimationFrame(frame);
}

// ---- window.ginnPlay: the documented API for tests and benchmarks (docs/play.md)

const ginnPlay = window.ginnPlay = {
  ready: null,
  start() { setRunning(true); },
  stop() { setRunning(false); },
  /** Trains n steps at once (synchronously) and redraws; returns the iteration reached. */
  step(n = 1) { train(n); evaluate(); draw(); return iteration; },
  /** The current full-data loss (evaluation mode, the whole training set). */
  loss() { evaluate(); return metrics.loss; },
  testLoss() { evaluate(); return metrics.loss_test; },
  accuracy() { evaluate(); return metrics.accuracy; },
  iteration() { return iteration; },
  /** Training steps per second over the last second of training (0 when not training). */
  stepsPerSecond,
  /** The message shown in the page ('' when none). */
  message() { return state.message; },
  /** The current config as ginn train's JSON (the run manifest's "config"). */
  config() { return JSON.parse(engine.describe()).config; },
  /** The exact geometry header of the current network: {exact, activation, linear}. */
  geometry() { return { exact: geometryCounts[0] === 1, activation: geometryCounts[1], linear: geometryCounts[2] }; },
  /** Trains only (no drawing): n steps; for benchmarks of the engine in the page. */
  trainOnly(n) { const lb = engine.step(n); iteration = Math.min(iteration + n, metrics.iterations); return lb; },
  /** Reads the metrics and the network from the engine and draws one frame now; returns its time in ms. */
  drawFrame() { const t = performance.now(); observe(); draw(); return performance.now() - t; },
  record(on = true) { setRecording(on); },
  /** The recording as a run directory zip (bytes), or null with the message shown. */
  saveRunZip() {
    const dir = '/tmp/ginn-play-run';
    try { engine.FS.readdir(dir).filter(n => n !== '.' && n !== '..').forEach(n => engine.FS.unlink(`${dir}/${n}`)); } catch (e) { /* none yet */ }
    const err = engine.saveRun(dir);
    if (err) { showMessage(err); return null; }
    return zipRunDirectory(engine.FS, dir, 'ginn-play-run');
  },
  /** The replay viewer page (HTML text) of the recording, or null with the message shown. */
  replayHtml() {
    const data = engine.replayData();
    if (!data) { showMessage(engine.error()); return null; }
    return replayPage(data);
  },
  /** Loads own data (a File or {name, bytes}) as if dropped on the page. */
  drop(name, bytes) { ownData(new File([bytes], name)); },
};

/** The engine's module: base64 of its zlib bytes in the page (src/play/play.cpp), inflated by the browser. */
async function engineModule() {
  const bytes = b64Bytes(document.getElementById('ginn-engine-wasm').textContent.trim());
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

ginnPlay.ready = (async () => {
  const m = await GinnWasm({ wasmBinary: await engineModule() });
  const Play = m.Play;
  engine = new Play();
  engine.FS = m.FS;
  choices = JSON.parse(m.choices());
  fillChoices();
  if (location.hash.length > 1) applyHash(location.hash);
  document.querySelectorAll('#views button').forEach(b => b.classList.toggle('on', b.dataset.view === state.view));
  bindEvents();
  if (!rebuild()) {  // a link with bad settings: say so, and start from the defaults
    const msg = state.message;
    history.replaceState(null, '', location.pathname);
    fillChoices(); rebuild(); showMessage(msg);
  }
  requestAnimationFrame(frame);
  window.ginnPlayTimings = { interactive: performance.now() };
})();
