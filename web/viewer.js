// ginn viewer, part 5 of 5: state, controls, events, playback, the URL fragment, and the test/bench hooks.
// Not decoding (decode.js) or drawing (draw.js, diagram.js): this file decides what to draw and when.

const SPEEDS = [1, 2, 4, 8, 15, 30, 60, 120];  // snapshots per second
const VIEWS = ['pred', 'target', 'regions', 'none'];
const $ = sel => document.querySelector(sel);
const T0 = performance.now();

const DATA = JSON.parse($('#ginn-data').textContent);
const RUNS = DATA.runs.map((r, i) => new RunData(r, i));
const timings = { parsed: performance.now() };

const state = {
  run: 0, k: 0, view: 'pred', decision: true, logX: false,
  sel: new Set(),        // selected neurons as "layer.index" so a selection survives a run switch
  hover: -1,             // hovered neuron id in the current run
  cursor: null,          // hovered point, unit coordinates, for the other panel
  playing: false, speed: 4, pos: 0,
  compare: false, bRun: 0, bPin: false, bK: 0,
};

const run = () => RUNS[state.run];
const hasRegionCurve = r => r.exact.every(Boolean);  // smooth networks have no exact region counts
const key = (layer, index) => `${layer}.${index}`;
function selectedIds(r) {
  const ids = new Set();
  for (let id = 0; id < r.nNeurons; id++) if (state.sel.has(key(r.neuronLayer[id], r.neuronIndex[id]))) ids.add(id);
  return ids;
}
/** Snapshot of run `to` closest in iteration to snapshot k of run `from` (the same index when schedules agree). */
function mapSnapshot(from, k, to) {
  if (from === to) return k;
  const it = RUNS[from].snapshots.iteration[k], its = RUNS[to].snapshots.iteration;
  if (its[Math.min(k, its.length - 1)] === it) return Math.min(k, its.length - 1);
  return nearestIteration(its, it);
}
function bSnapshot() { return state.bPin ? Math.min(state.bK, RUNS[state.bRun].n - 1) : mapSnapshot(state.run, state.k, state.bRun); }

/** Per neuron of snapshot k: 'dead' (never on in the domain), 'always' (always on) or '' (has a boundary). */
function neuronStatus(r, k) {
  const g = r.geometry(k), [x0, x1, y0, y1] = r.domain;
  const { pre } = forwardPoint(r, k, (x0 + x1) / 2, (y0 + y1) / 2);
  return g.neurons.map((lines, id) => lines.length ? '' : (pre[r.neuronLayer[id] - 1][r.neuronIndex[id] - 1] > 0 ? 'always' : 'dead'));
}

// ---- building the controls

function buildRuns() {
  const box = $('#runs'), sel = $('#b-run');
  box.innerHTML = ''; sel.innerHTML = '';
  RUNS.forEach((r, i) => {
    const b = document.createElement('button');
    b.textContent = r.name; b.dataset.run = i;
    b.title = `${r.summary.task} · ${r.summary.model} · ${r.summary.optim} · ${r.summary.train} [ and ] switch runs`;
    b.addEventListener('click', () => { setRun(i); b.blur(); });
    box.appendChild(b);
    const o = document.createElement('option'); o.value = i; o.textContent = r.name; sel.appendChild(o);
  });
  box.hidden = RUNS.length < 2 && false;
}

function buildNeurons() {
  const r = run(), box = $('#neurons');
  box.innerHTML = '';
  r.widths.forEach((w, l) => {
    const row = document.createElement('div'); row.className = 'layer';
    const head = document.createElement('button');
    head.className = 'layer-name'; head.textContent = `L${l + 1}`;
    head.style.color = layerColour(l + 1);
    head.title = `Layer ${l + 1}: show or hide all ${w} neurons [${l + 1}]`;
    head.addEventListener('click', () => { toggleLayer(l + 1); head.blur(); });
    row.appendChild(head);
    const grid = document.createElement('div'); grid.className = 'buttons';
    for (let i = 1; i <= w; i++) {
      const id = r.layerStart[l] + i - 1, b = document.createElement('button');
      b.className = 'neuron'; b.textContent = i; b.dataset.neuron = id; b.dataset.layer = l + 1; b.dataset.index = i;
      b.dataset.badges = '';
      const marks = document.createElement('span'); marks.className = 'marks'; b.appendChild(marks);
      b.style.setProperty('--c', neuronColour(l + 1, i, w));
      b.addEventListener('click', () => { toggleNeuron(l + 1, i); b.blur(); });
      b.addEventListener('mouseenter', e => { setHover(id); showNeuronTip(id, b.getBoundingClientRect()); });
      b.addEventListener('mouseleave', () => { setHover(-1); hideTip(); });
      grid.appendChild(b);
    }
    row.appendChild(grid);
    box.appendChild(row);
  });
}

// ---- state changes (each ends in invalidate)

function setK(k, fromPlayback) {
  k = Math.max(0, Math.min(run().n - 1, Math.round(k)));
  if (!fromPlayback) state.pos = k;
  if (k !== state.k) { state.k = k; invalidate(); }
}
function setRun(i) {
  if (i === state.run || i < 0 || i >= RUNS.length) return;
  state.k = mapSnapshot(state.run, state.k, i); state.pos = state.k;
  state.run = i; state.hover = -1; hoverMarker = null;
  if (!state.compare) state.bRun = i;
  $('#slider').max = run().n - 1;
  buildNeurons();
  ensureImages(run());
  layout();
}
function setView(v) { if (VIEWS.includes(v)) { state.view = v; invalidate(); } }
function toggleNeuron(layer, index) {
  const s = key(layer, index);
  if (state.sel.has(s)) state.sel.delete(s); else state.sel.add(s);
  invalidate();
}
function toggleLayer(layer) {
  const r = run();
  if (layer > r.widths.length) return;
  const keys = Array.from({ length: r.widths[layer - 1] }, (_, i) => key(layer, i + 1));
  const all = keys.every(s => state.sel.has(s));
  for (const s of keys) if (all) state.sel.delete(s); else state.sel.add(s);
  invalidate();
}
function setAll(on) {
  const r = run();
  state.sel.clear();
  if (on) for (let id = 0; id < r.nNeurons; id++) state.sel.add(key(r.neuronLayer[id], r.neuronIndex[id]));
  invalidate();
}
function setHover(id) { if (id !== state.hover) { state.hover = id; invalidate(); } }
function setCompare(on) {
  state.compare = on;
  if (on && state.bRun === state.run && RUNS.length > 1) state.bRun = (state.run + 1) % RUNS.length;
  if (on && RUNS.length === 1) { state.bPin = true; state.bK = 0; }
  layout();
  invalidate();
}

// ---- playback

let lastTick = 0;
function play(on) {
  state.playing = on;
  if (on) {
    if (state.k >= run().n - 1) { state.k = 0; }
    state.pos = state.k;
    lastTick = performance.now();
    requestAnimationFrame(tick);
  }
  invalidate();
}
function tick(now) {
  if (!state.playing) return;
  const dt = Math.min(0.25, (now - lastTick) / 1000);
  lastTick = now;
  state.pos += dt * SPEEDS[state.speed];
  if (state.pos >= run().n - 1) { setK(run().n - 1, true); play(false); return; }
  setK(Math.floor(state.pos), true);
  requestAnimationFrame(tick);
}
function changeSpeed(d) { state.speed = Math.max(0, Math.min(SPEEDS.length - 1, state.speed + d)); invalidate(); }

// ---- drawing

const canvases = {
  a: $('#panel-a canvas'), b: $('#panel-b canvas'), curve: $('#curve'), diagram: $('#diagram'), legend: $('#legend-bar'),
  timeline: $('#timeline'), regions: $('#regions-curve'),
};
const layers = { a: new PixelLayer(), b: new PixelLayer() };
let dirty = false, curveXs = null, diagramNodes = null, dpr = 1, hoverMarker = null;

function invalidate() {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(() => { dirty = false; render(); });
}

function sizeCanvas(c, w, h) {
  const W = Math.max(1, Math.round(w * dpr)), H = Math.max(1, Math.round(h * dpr));
  c.style.width = w + 'px'; c.style.height = h + 'px';
  if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
}

/** Sizes every canvas to its box (device-pixel-ratio aware); the picture stays square. */
function layout() {
  dpr = window.devicePixelRatio || 1;
  $('#panel-b').hidden = !state.compare;
  // the event strip and the region-count curve, when the run has them (before measuring: they take height)
  document.body.classList.toggle('findings', hasFindings(run()));
  document.body.classList.toggle('region-curve', hasRegionCurve(run()));
  $('#timeline-box').hidden = !hasFindings(run());
  $('#regions-box').hidden = !hasRegionCurve(run());
  const stage = $('#panels').getBoundingClientRect(), caption = 28, gap = 12;
  const n = state.compare ? 2 : 1;
  const S = Math.floor(Math.max(120, Math.min((stage.width - gap * (n - 1)) / n, stage.height - caption)));
  sizeCanvas(canvases.a, S, S);
  sizeCanvas(canvases.b, S, S);
  for (const [c, box] of [[canvases.curve, '#loss-box'], [canvases.timeline, '#timeline-box'], [canvases.regions, '#regions-box']]) {
    const b = $(box).getBoundingClientRect();
    sizeCanvas(c, b.width, b.height);
  }
  const db = $('#diagram-box').getBoundingClientRect();
  sizeCanvas(canvases.diagram, db.width, Math.max(60, db.height - 8));
  sizeCanvas(canvases.legend, Math.min(240, S * 0.5), 10);
  invalidate();
}

function framePanel(which) {
  const isA = which === 'a', r = isA ? run() : RUNS[state.bRun];
  return {
    run: r, k: isA ? state.k : bSnapshot(), view: state.view, dpr, decision: state.decision,
    selected: selectedIds(r), hover: state.hover >= 0 && (isA || r === run()) ? state.hover : -1,
    cursor: state.cursor && state.cursor.panel !== which ? state.cursor.uv : null,
  };
}

function drawPanel(which) {
  const c = canvases[which];
  drawPicture(c.getContext('2d'), c.width, framePanel(which), layers[which]);
}

function render() {
  const r = run(), k = state.k, s = r.snapshots;
  drawPanel('a');
  if (state.compare) drawPanel('b');
  curveXs = drawCurve(canvases.curve.getContext('2d'), canvases.curve.width, canvases.curve.height, r, k, state.logX, dpr);
  if (hasFindings(r)) drawTimeline(canvases.timeline.getContext('2d'), canvases.timeline.width, canvases.timeline.height, r, k, curveXs, dpr, hoverMarker);
  if (hasRegionCurve(r)) drawRegionCurve(canvases.regions.getContext('2d'), canvases.regions.width, canvases.regions.height, r, k, curveXs, dpr);
  const status = neuronStatus(r, k), ids = selectedIds(r);
  diagramNodes = drawDiagram(canvases.diagram.getContext('2d'), canvases.diagram.width, canvases.diagram.height, r, k, ids, state.hover, status, dpr);
  drawLegend(canvases.legend.getContext('2d'), canvases.legend.width, canvases.legend.height, state.view, r);
  $('#legend-text').textContent = {
    pred: r.n_classes > 2 ? 'predicted class 0 … ' + (r.n_classes - 1) + ' (fixed scale)' : 'P(class 1): 0 … 1, fixed scale',
    target: r.n_classes > 2 ? 'target class 0 … ' + (r.n_classes - 1) : 'target: class 0 (dark), class 1 (light)',
    regions: 'activation regions: one colour per on/off pattern', none: '',
  }[state.view];
  // controls
  $('#slider').value = k;
  $('#snap-label').textContent = `${k + 1} / ${r.n}  ·  iteration ${s.iteration[k].toLocaleString('en')}`;
  $('#speed').textContent = `${SPEEDS[state.speed]}/s`;
  $('#play').innerHTML = state.playing ? '&#10074;&#10074;' : '&#9654;';
  $('#play').classList.toggle('on', state.playing);
  document.querySelectorAll('#runs button').forEach(b => b.classList.toggle('on', +b.dataset.run === state.run));
  document.querySelectorAll('#views button').forEach(b => b.classList.toggle('on', b.dataset.view === state.view));
  $('#compare').classList.toggle('on', state.compare);
  $('#decision').classList.toggle('on', state.decision);
  $('#log-x').checked = state.logX;
  document.querySelectorAll('#neurons .neuron').forEach(b => {
    const id = +b.dataset.neuron;
    b.classList.toggle('on', ids.has(id));
    b.classList.toggle('dead', status[id] === 'dead');
    b.classList.toggle('hot', id === state.hover);
    const badges = badgesAt(r, id, k), text = badges.join('|');
    if (b.dataset.badges !== text) {  // touch the DOM only when the marks change
      b.dataset.badges = text;
      const kinds = [...new Set(badges.map(label => badgeStyle(label)[0]))].slice(0, 2);  // two distinct marks fit
      b.lastChild.innerHTML = kinds.map(p => { const [, cls, glyph] = badgeStyle(p); return `<span class="badge ${cls}">${glyph}</span>`; }).join('');
    }
  });
  $('#run-summary').textContent = `${r.summary.task} · ${r.summary.model} · ${r.summary.optim}`;
  $('#panel-a .caption').textContent = `${r.name} · iteration ${s.iteration[k].toLocaleString('en')}`;
  if (state.compare) {
    const rb = RUNS[state.bRun], kb = bSnapshot();
    $('#b-run').value = state.bRun; $('#b-pin').checked = state.bPin;
    const bs = $('#b-slider'); bs.hidden = !state.bPin; bs.max = rb.n - 1; bs.value = kb;
    $('#panel-b .b-label').textContent = `iteration ${rb.snapshots.iteration[kb].toLocaleString('en')}`;
  }
  renderReadout(r, k);
  if (tipNeuron >= 0 && !tip.hidden) showNeuronTip(tipNeuron, tipRect);  // keep the neuron's numbers current while playing
  scheduleHash();
}

function renderReadout(r, k) {
  const s = r.snapshots, c = r.counts, rows = [
    ['iteration', s.iteration[k].toLocaleString('en')],
    ['learning rate', formatNumber(s.lr[k])],
    ['loss', formatNumber(s.loss[k])],
    ['minibatch loss', formatNumber(s.loss_batch[k])],
    ['accuracy', s.accuracy[k] == null ? '–' : (100 * s.accuracy[k]).toFixed(2) + '%'],
  ];
  if (s.loss_test) rows.push(['test loss', formatNumber(s.loss_test[k])],
    ['test accuracy', s.accuracy_test[k] == null ? '–' : (100 * s.accuracy_test[k]).toFixed(2) + '%']);
  if (r.exact[k]) rows.push(['regions', `${c.activation[k].toLocaleString('en')} activation · ${c.linear[k].toLocaleString('en')} linear`],
    ['per layer', c.per_layer[k].map(v => v.toLocaleString('en')).join(' → ')]);
  else rows.push(['geometry', 'approximate (smooth activation)']);
  $('#readout').innerHTML = rows.map(([a, b]) => `<dt>${a}</dt><dd class="mono">${b}</dd>`).join('');
}

// ---- tooltips

const tip = $('#tip');
let tipNeuron = -1, tipRect = null;
function hideTip() { tip.hidden = true; tipNeuron = -1; }
function placeTip(x, y) {
  tip.hidden = false;
  const w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.left = Math.max(4, Math.min(window.innerWidth - w - 4, x + 14)) + 'px';
  tip.style.top = Math.max(4, Math.min(window.innerHeight - h - 4, y + 14)) + 'px';
}
function showNeuronTip(id, rect) {
  tipNeuron = id; tipRect = rect;
  const r = run(), k = state.k, l = r.neuronLayer[id], i = r.neuronIndex[id], L = r.layer(k, l - 1);
  const w = Array.from(L.W.subarray((i - 1) * L.nIn, i * L.nIn)), frac = activeFractions(r, k)[id];
  const st = neuronStatus(r, k)[id];
  const ws = w.length <= 16 ? w.map(v => formatNumber(+v.toPrecision(3))).join(', ')
    : `${w.length} inputs, |w| max ${formatNumber(Math.max(...w.map(Math.abs)))}`;
  tip.innerHTML = `<b style="color:${neuronColour(l, i, r.widths[l - 1])}">layer ${l} · neuron ${i}</b>` +
    `<div>w = [${ws}]</div><div>b = ${formatNumber(+L.b[i - 1].toPrecision(4))}</div>` +
    `<div>active on ${(100 * frac).toFixed(1)}% of the domain</div>` +
    (st && !badgesAt(r, id, k).includes(st === 'dead' ? 'dead' : 'always on')  // the findings' line says since when
      ? `<div class="warn">${st === 'dead' ? 'dead: never active in the domain' : 'always active in the domain'}</div>` : '') +
    findingsTipHtml(r, id, k);
  placeTip(rect.right, rect.top);
}
function showPointTip(which, u, v, ev) {
  tipNeuron = -1;
  const r = which === 'a' ? run() : RUNS[state.bRun], k = which === 'a' ? state.k : bSnapshot();
  const [x, y] = r.toDomain(u, v), { pre, out } = forwardPoint(r, k, x, y), p = headProbability(r, out);
  const tw = r.target.width, th = r.target.height;
  const t = r.targetGrey ? r.targetGrey[Math.min(th - 1, Math.floor((1 - v) * th)) * tw + Math.min(tw - 1, Math.floor(u * tw))] : null;
  const tClass = t === null ? '–' : Math.round(t / 255 * (r.n_classes - 1));
  const active = pre.map((z, l) => `<div><span style="color:${layerColour(l + 1)}">L${l + 1}</span> ${Array.from(z).filter(v => v > 0).length}/${z.length} on: ` +
    `${Array.from(z).map((v, i) => v > 0 ? i + 1 : null).filter(v => v !== null).join(' ') || 'none'}</div>`).join('');
  tip.innerHTML = `<div class="mono">x ${x.toFixed(3)}, y ${y.toFixed(3)}</div>` +
    `<div>${r.n_classes > 2 ? 'predicted class' : 'P(class 1)'} <b class="mono">${r.n_classes > 2 ? p : p.toFixed(3)}</b> · target <b>${tClass}</b></div>${active}`;
  placeTip(ev.clientX, ev.clientY);
}

// ---- the URL fragment: run, snapshot, selection, view

function selectionText() {
  const byLayer = new Map();
  for (const s of state.sel) { const [l, i] = s.split('.').map(Number); if (!byLayer.has(l)) byLayer.set(l, []); byLayer.get(l).push(i); }
  return [...byLayer.keys()].sort((a, b) => a - b).map(l => {
    const is = byLayer.get(l).sort((a, b) => a - b), parts = [];
    for (let j = 0; j < is.length; j++) {
      let e = j; while (e + 1 < is.length && is[e + 1] === is[e] + 1) e++;
      parts.push(e > j ? `${is[j]}-${is[e]}` : `${is[j]}`); j = e;
    }
    return `${l}:${parts.join(',')}`;
  }).join(';');
}
function hashText() {
  const p = new URLSearchParams({ run: state.run, k: state.k, view: state.view, sel: selectionText() });
  if (!state.decision) p.set('db', '0');
  if (state.logX) p.set('logx', '1');
  if (state.compare) { p.set('cmp', state.bRun); if (state.bPin) p.set('pin', state.bK); }
  return '#' + p.toString();
}
let hashTimer = 0;
function scheduleHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => { const h = hashText(); if (location.hash !== h) history.replaceState(null, '', h); }, 150);
}
function applyHash(text) {
  const p = new URLSearchParams(text.replace(/^#/, ''));
  if (!p.has('run') && !p.has('k') && !p.has('snapshot')) return false;
  const i = Math.max(0, Math.min(RUNS.length - 1, +p.get('run') || 0));
  if (i !== state.run) { state.run = i; buildNeurons(); ensureImages(run()); }
  $('#slider').max = run().n - 1;
  state.k = Math.max(0, Math.min(run().n - 1, +(p.get('k') ?? p.get('snapshot')) || 0)); state.pos = state.k;
  if (VIEWS.includes(p.get('view'))) state.view = p.get('view');
  if (p.has('sel')) {
    state.sel.clear();
    for (const part of p.get('sel').split(';').filter(Boolean)) {
      const [l, list] = part.split(':');
      for (const range of (list || '').split(',').filter(Boolean)) {
        const [a, b] = range.split('-').map(Number);
        for (let j = a; j <= (b || a); j++) state.sel.add(key(+l, j));
      }
    }
  } else if (p.has('neurons')) {  // the analysis report's links: neurons=L1:3,L2:5
    state.sel = new Set(p.get('neurons').split(',').map(labelKey).filter(Boolean));
  } else {
    const r = run();
    state.sel = new Set(Array.from({ length: r.nNeurons }, (_, id) => key(r.neuronLayer[id], r.neuronIndex[id])));
  }
  state.decision = p.get('db') !== '0';
  state.logX = p.get('logx') === '1';
  state.compare = p.has('cmp');
  if (state.compare) { state.bRun = Math.max(0, Math.min(RUNS.length - 1, +p.get('cmp') || 0)); state.bPin = p.has('pin'); state.bK = +p.get('pin') || 0; }
  layout();
  return true;
}

// ---- events

/** The snapshot nearest the pointer on any of the curves (they share the x axis). */
function pickCurve(ev) {
  if (!curveXs) return;
  const x = (ev.clientX - ev.currentTarget.getBoundingClientRect().left) * dpr;
  let best = 0;
  for (let i = 1; i < curveXs.length; i++) if (Math.abs(curveXs[i] - x) < Math.abs(curveXs[best] - x)) best = i;
  setK(best);
}
function unitPoint(canvas, ev) {
  const b = canvas.getBoundingClientRect();
  return [Math.min(1, Math.max(0, (ev.clientX - b.left) / b.width)), Math.min(1, Math.max(0, 1 - (ev.clientY - b.top) / b.height))];
}

function exportPng() {
  const a = canvases.a, b = canvases.b, out = document.createElement('canvas');
  out.width = state.compare ? a.width * 2 + 8 : a.width; out.height = a.height;
  const cx = out.getContext('2d');
  cx.fillStyle = '#0c0e12'; cx.fillRect(0, 0, out.width, out.height);
  cx.drawImage(a, 0, 0);
  if (state.compare) cx.drawImage(b, a.width + 8, 0);
  // toDataURL, not toBlob: Chromium encodes toBlob in idle time, seen to take 7 s headless; this is one synchronous step
  const bytes = atob(out.toDataURL('image/png').split(',')[1]), png = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) png[i] = bytes.charCodeAt(i);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([png], { type: 'image/png' }));
  link.download = `ginn-${run().name}-it${run().snapshots.iteration[state.k]}.png`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function toggleHelp(on) { $('#help').hidden = !(on ?? $('#help').hidden); }

function onKey(ev) {
  if (ev.target.tagName === 'SELECT' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key, r = run();
  const actions = {
    ' ': () => play(!state.playing), '+': () => changeSpeed(1), '=': () => changeSpeed(1), '-': () => changeSpeed(-1),
    '_': () => changeSpeed(-1), ArrowRight: () => setK(state.k + 1), ArrowLeft: () => setK(state.k - 1),
    ArrowUp: () => setK(state.k + 10), ArrowDown: () => setK(state.k - 10),
    Home: () => setK(0), End: () => setK(r.n - 1), '?': () => toggleHelp(), Escape: () => toggleHelp(false),
    p: () => setView('pred'), t: () => setView('target'), r: () => setView('regions'), n: () => setView('none'),
    a: () => setAll(true), z: () => setAll(false), d: () => { state.decision = !state.decision; invalidate(); },
    c: () => setCompare(!state.compare), s: exportPng, l: () => { state.logX = !state.logX; invalidate(); },
    '[': () => setRun((state.run + RUNS.length - 1) % RUNS.length), ']': () => setRun((state.run + 1) % RUNS.length),
    e: () => stepEvent(1), E: () => stepEvent(-1),
  };
  const f = actions[k] || (k === 'E' ? null : actions[k.toLowerCase()]) || (/^[1-9]$/.test(k) ? () => toggleLayer(+k) : null);
  if (!f) return;
  ev.preventDefault();
  f();
}

function bindEvents() {
  document.addEventListener('keydown', onKey);
  document.addEventListener('keyup', ev => { if (ev.key === ' ') ev.preventDefault(); });
  $('#slider').addEventListener('input', ev => { play(false); setK(+ev.target.value); });
  $('#slider').addEventListener('keydown', ev => ev.preventDefault());  // keys are handled once, by onKey
  $('#play').addEventListener('click', ev => { play(!state.playing); ev.currentTarget.blur(); });
  $('#faster').addEventListener('click', ev => { changeSpeed(1); ev.currentTarget.blur(); });
  $('#slower').addEventListener('click', ev => { changeSpeed(-1); ev.currentTarget.blur(); });
  document.querySelectorAll('#views button').forEach(b => b.addEventListener('click', () => { setView(b.dataset.view); b.blur(); }));
  $('#all-on').addEventListener('click', ev => { setAll(true); ev.currentTarget.blur(); });
  $('#all-off').addEventListener('click', ev => { setAll(false); ev.currentTarget.blur(); });
  $('#decision').addEventListener('click', ev => { state.decision = !state.decision; invalidate(); ev.currentTarget.blur(); });
  $('#log-x').addEventListener('change', ev => { state.logX = ev.target.checked; invalidate(); ev.target.blur(); });
  $('#compare').addEventListener('click', ev => { setCompare(!state.compare); ev.currentTarget.blur(); });
  $('#export').addEventListener('click', ev => { exportPng(); ev.currentTarget.blur(); });
  $('#help-button').addEventListener('click', ev => { toggleHelp(); ev.currentTarget.blur(); });
  $('#help-close').addEventListener('click', () => toggleHelp(false));
  $('#help').addEventListener('click', ev => { if (ev.target.id === 'help') toggleHelp(false); });
  $('#b-run').addEventListener('change', ev => { state.bRun = +ev.target.value; ensureImages(RUNS[state.bRun]); invalidate(); ev.target.blur(); });
  $('#b-pin').addEventListener('change', ev => { state.bPin = ev.target.checked; state.bK = mapSnapshot(state.run, state.k, state.bRun); invalidate(); ev.target.blur(); });
  $('#b-slider').addEventListener('input', ev => { state.bK = +ev.target.value; invalidate(); });
  for (const curve of [canvases.curve, canvases.regions]) {
    curve.addEventListener('pointerdown', ev => { curve.setPointerCapture(ev.pointerId); play(false); pickCurve(ev); });
    curve.addEventListener('pointermove', ev => { if (curve.hasPointerCapture(ev.pointerId)) pickCurve(ev); });
  }
  const tl = canvases.timeline;
  tl.addEventListener('pointermove', ev => {
    const m = markerAt(ev);
    if (m !== hoverMarker) { hoverMarker = m; invalidate(); }
    tl.style.cursor = m ? 'pointer' : '';
    if (m) showMarkerTip(m, ev.clientX, ev.clientY); else hideTip();
  });
  tl.addEventListener('pointerleave', () => { hoverMarker = null; hideTip(); invalidate(); });
  tl.addEventListener('click', ev => { const m = markerAt(ev); if (m) goToEvents(m.snapshot, m.neurons); });
  for (const which of ['a', 'b']) {
    const c = canvases[which];
    c.addEventListener('pointermove', ev => {
      const uv = unitPoint(c, ev);
      state.cursor = { panel: which, uv };
      showPointTip(which, uv[0], uv[1], ev);
      if (state.compare) invalidate();
    });
    c.addEventListener('pointerleave', () => { state.cursor = null; hideTip(); if (state.compare) invalidate(); });
  }
  const dg = canvases.diagram;
  dg.addEventListener('pointermove', ev => {
    const b = dg.getBoundingClientRect(), id = diagramNodes ? diagramHit(diagramNodes, (ev.clientX - b.left) * dpr, (ev.clientY - b.top) * dpr) : -1;
    setHover(id);
    dg.style.cursor = id >= 0 ? 'pointer' : '';
    if (id >= 0) showNeuronTip(id, { right: ev.clientX, top: ev.clientY }); else hideTip();
  });
  dg.addEventListener('pointerleave', () => { setHover(-1); hideTip(); });
  dg.addEventListener('click', () => { if (state.hover >= 0) toggleNeuron(run().neuronLayer[state.hover], run().neuronIndex[state.hover]); });
  new ResizeObserver(layout).observe($('#main'));
  new ResizeObserver(layout).observe($('#curve-box'));
  window.addEventListener('hashchange', () => { applyHash(location.hash); invalidate(); });
}

// ---- images (decoded after the page is interactive) and start-up

const imageJobs = new Map();
function ensureImages(r) {
  if (!imageJobs.has(r.index))
    imageJobs.set(r.index, Promise.all([r.loadImages(), r.loadTarget()]).then(() => { invalidate(); }));
  return imageJobs.get(r.index);
}

function start() {
  buildRuns();
  $('#slider').max = run().n - 1;
  if (!applyHash(location.hash)) setAll(true);
  buildNeurons();
  bindEvents();
  layout();
  render();
  timings.interactive = performance.now();
  const about = RUNS.map(r => `${r.name}: ${r.summary.task}; ${r.summary.model}; ${r.summary.optim}; ${r.summary.train}; ${r.n} snapshots`).join(' — ');
  $('#help-about').textContent = `ginn ${DATA.ginn_version}, viewer format ${DATA.format_version}. ${about}`;
  ensureImages(run()).then(() => {
    timings.firstFullFrame = performance.now();
    document.body.dataset.ready = '1';
    RUNS.forEach(ensureImages);  // the other runs in the background
    Promise.all([...imageJobs.values()]).then(() => { timings.allImages = performance.now(); document.body.dataset.allReady = '1'; });
  });
}

// ---- hooks for tests and bench/ (read-only views of the state, and the frame benchmark)

window.ginn = {
  state: () => ({ ...state, sel: [...state.sel].sort(), n: run().n, iteration: run().snapshots.iteration[state.k] }),
  runs: () => RUNS.map(r => ({ name: r.name, n: r.n, widths: r.widths })),
  neuronRgb: (layer, index) => neuronRgb(layer, index, run().widths[layer - 1]),
  boundaryPoints: (id, k = state.k) => run().geometry(k).neurons[id].reduce((a, l) => a + l.length / 2, 0),
  polylines: (id, k = state.k) => run().geometry(k).neurons[id].map(a => Array.from(a)),
  timings: () => ({ ...timings, navigationStart: 0 }),
  /** The current run's event markers with their centres in CSS pixels of the page, for clicking. */
  eventMarkers: () => {
    const b = canvases.timeline.getBoundingClientRect();
    return eventMarkers(run()).map(m => ({
      snapshot: m.snapshot, row: m.row, kinds: m.events.map(e => e.kind), neurons: m.neurons,
      x: b.left + curveXs[m.snapshot] / dpr, y: b.top + timelineRowY(m.row, canvases.timeline.height) / dpr,
    }));
  },
  findings: () => run().findings || null,
  /** x of each snapshot on the curves (loss, events, region counts), CSS pixels from their left edge. */
  curveXs: () => Array.from(curveXs, x => x / dpr),
};
/** Renders every snapshot of the current run with all neurons and the prediction background; frame times in ms:
 *  the picture alone (median, p90, max), and the whole page's frame (whole). */
window.ginnBench = async () => {
  await ensureImages(run());
  const saved = { sel: new Set(state.sel), view: state.view, k: state.k, decision: state.decision };
  setAll(true); state.view = 'pred'; state.decision = true;
  const c = canvases.a, ctx = c.getContext('2d'), times = [];
  for (let k = 0; k < run().n; k++) {
    state.k = k;
    const t = performance.now();
    drawPanel('a');
    ctx.getImageData(0, 0, 1, 1);  // forces the canvas to rasterise, so the time is the whole frame
    times.push(performance.now() - t);
  }
  // the whole frame as playback draws it: picture, curves, event strip, region counts, badges, diagram, readout
  const whole = [];
  for (let k = 0; k < run().n; k++) {
    state.k = k;
    const t = performance.now();
    render();
    ctx.getImageData(0, 0, 1, 1);
    canvases.curve.getContext('2d').getImageData(0, 0, 1, 1);
    whole.push(performance.now() - t);
  }
  Object.assign(state, saved);
  invalidate();
  const stats = a => { const s = a.slice().sort((x, y) => x - y); return { median: s[s.length >> 1], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] }; };
  return { n: times.length, ...stats(times), whole: stats(whole), canvas: c.width, neurons: run().nNeurons };
};

start();
