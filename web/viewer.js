// ginn viewer, part 10 of 10: state, controls, events, playback, and the test/bench hooks.
// Not decoding (decode.js) or drawing (draw.js, diagram.js): this file decides what to draw and when.

const SPEEDS = [1, 2, 4, 8, 15, 30, 60, 120];  // snapshots per second
const VIEWS = ['pred', 'target', 'regions', 'none', 'activation'];
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
  cls: -1,               // k classes: -1 the class encoding, c >= 0 P(class c) in grey
  points: null,          // draw the dataset's points (null: on for point tasks)
  palette: 'standard',   // or 'cb' (Okabe-Ito layer colours)
  undo: [],              // selections before jumps to events (Backspace restores)
  notice: '',            // a message over the picture (e.g. a linked neuron without a boundary)
  expanded: new Set(),   // wide layers (diagram.js: SUMMARY_WIDTH) shown neuron by neuron instead of as a summary block
  surface: false,        // the 3-D output surface instead of the picture (surface.js)
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
/** Compare with three or more runs: every run in one grid (panel a the current run, b the next, then 'x<i>' panels
 *  for the others), one slider and one selection. */
const gridRuns = () => state.compare && RUNS.length > 2 ? RUNS.map((_, i) => i).filter(i => i !== state.run && i !== state.bRun) : [];
const panelRun = which => which === 'a' ? run() : which === 'b' ? RUNS[state.bRun] : RUNS[+which.slice(1)];
const panelK = which => which === 'a' ? state.k : which === 'b' ? bSnapshot() : mapSnapshot(state.run, state.k, +which.slice(1));
/** The panels on screen, in order. */
const panelIds = () => ['a', ...(state.compare ? ['b'] : []), ...gridRuns().map(i => 'x' + i)];

/** The figure of grid panel 'x<i>' (created on first use, like panel a: a picture and a caption). */
function gridPanel(which) {
  if (!canvases[which]) {
    const fig = document.createElement('figure');
    fig.className = 'panel grid-panel'; fig.dataset.panel = which;
    fig.innerHTML = '<canvas class="picture"></canvas><figcaption class="caption"></figcaption>';
    $('#panels').appendChild(fig);
    canvases[which] = fig.firstChild; layers[which] = new PixelLayer();
    bindPanel(which);
  }
  return canvases[which].parentElement;
}

/** Per neuron of snapshot k, when it has no boundary in the domain: 'dead' (a ReLU never on: output and gradient
 *  zero everywhere), 'always' (pre-activation positive everywhere), 'nosign' (a smooth or leaky unit whose
 *  pre-activation stays negative: it still passes gradient); '' when it has a boundary. */
function neuronStatus(r, k) {
  const g = r.geometry(k), [x0, x1, y0, y1] = r.domain;
  const { pre } = forwardPoint(r, k, (x0 + x1) / 2, (y0 + y1) / 2);
  return g.neurons.map((lines, id) => {
    if (lines.length) return '';
    if (pre[r.neuronLayer[id] - 1][r.neuronIndex[id] - 1] > 0) return 'always';
    return r.layers[r.neuronLayer[id] - 1].activation === 'relu' ? 'dead' : 'nosign';
  });
}
const STATUS_TEXT = {
  dead: 'dead: never active in the domain (output and gradient zero)', always: 'always active in the domain',
  nosign: 'no sign change in the domain (pre-activation negative everywhere; still passes gradient)',
};
const isPointTask = r => !!r.json_points;
const showPoints = r => state.points ?? isPointTask(r);

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
    const row = document.createElement('div'); row.className = w > 24 ? 'layer wide' : 'layer';
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
      b.style.setProperty('--ink', inkOn(neuronRgb(l + 1, i, w)));
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
function setView(v) {
  if (v === 'target' && !run().target) v = 'pred';
  if (v === 'activation' && focusNeuron() < 0) return;
  if (VIEWS.includes(v)) { state.view = v; invalidate(); }
}
/** The neuron whose active side is shaded: the hovered one, else the only selected one; -1 for none. */
function focusNeuron(r = run()) {
  if (state.hover >= 0 && r === run()) return state.hover;
  const ids = selectedIds(r);
  return ids.size === 1 ? [...ids][0] : -1;
}
function setPalette(p) {
  PALETTE = state.palette = p;
  buildNeurons();
  invalidate();
}
/** Replaces the selection, remembering the old one for undo (Backspace). */
function replaceSelection(keys) {
  state.undo.push(new Set(state.sel));
  if (state.undo.length > 50) state.undo.shift();
  state.sel = new Set(keys);
  invalidate();
}
function undoSelection() {
  if (!state.undo.length) return;
  state.sel = state.undo.pop();
  state.notice = '';
  invalidate();
}
/** "L2:5 is dead here: no boundary in the domain" for selected neurons (just linked to) without a boundary. */
function boundaryNotice(r, k, keys) {
  const status = neuronStatus(r, k), text = { dead: 'is dead here', always: 'is active everywhere here', nosign: 'does not change sign here' };
  return keys.map(kk => { const [l, i] = kk.split('.').map(Number); return [l, i, r.layerStart[l - 1] + i - 1]; })
    .filter(([l, i, id]) => l <= r.widths.length && i <= r.widths[l - 1] && status[id])
    .map(([l, i, id]) => `L${l}:${i} ${text[status[id]]}: no boundary in the domain`).join('; ');
}
function toggleNeuron(layer, index) {
  state.notice = '';
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
  const grid = gridRuns().map(i => 'x' + i);
  grid.forEach(gridPanel);
  document.querySelectorAll('.grid-panel').forEach(f => { f.hidden = !grid.includes(f.dataset.panel); });
  $('#b-pin').parentElement.hidden = grid.length > 0;  // a pinned snapshot is for two panels
  // the event strip and the region-count curve, when the run has them (before measuring: they take height)
  document.body.classList.toggle('findings', hasFindings(run()));
  document.body.classList.toggle('region-curve', hasRegionCurve(run()));
  // a network without a run (imported): no training to chart or scrub, one line says so instead
  const imported = !!run().imported;
  document.body.classList.toggle('imported', imported);
  for (const box of ['#loss-box', '#transport', '#event-key']) $(box).hidden = imported;
  $('#no-training').hidden = !imported;
  $('#timeline-box').hidden = !hasFindings(run()) || imported;
  $('#regions-box').hidden = !hasRegionCurve(run()) || imported;
  const stage = $('#panels').getBoundingClientRect(), caption = 28, gap = 12;
  const n = panelIds().length;
  const narrow = window.matchMedia('(max-width: 820px)').matches;  // one column: the picture takes the width, panels stack
  let S = 120;  // the largest square that fits n panels in some number of columns
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols), w = (stage.width - gap * (cols - 1)) / cols, h = (stage.height - rows * caption - gap * (rows - 1)) / rows;
    S = Math.max(S, Math.floor(Math.min(w, h)));
  }
  if (narrow) S = Math.floor(Math.max(120, stage.width));
  for (const which of ['a', 'b', ...grid]) { sizeCanvas(canvases[which], S, S); canvases[which].parentElement.style.width = S + 'px'; }
  for (const [c, box] of [[canvases.curve, '#loss-box'], [canvases.timeline, '#timeline-box'], [canvases.regions, '#regions-box']]) {
    const b = $(box).getBoundingClientRect();
    sizeCanvas(c, b.width, b.height);
  }
  // room for every node of the widest layer (7 px each) so nodes stay clickable; the side panel scrolls
  $('#diagram-box').style.minHeight = Math.max(180, 7 * diagramTallest(run(), state.expanded) + 40) + 'px';
  const db = $('#diagram-box').getBoundingClientRect();
  sizeCanvas(canvases.diagram, db.width, Math.max(60, db.height - 8));
  sizeCanvas(canvases.legend, Math.min(240, S * 0.5), 10);
  invalidate();
}

function framePanel(which) {
  const isA = which === 'a', r = panelRun(which);
  const focus = isA || r === run() ? focusNeuron(r) : -1, shade = isA || r === run() ? state.hover : -1;
  return {
    run: r, k: panelK(which), view: state.view === 'activation' && focus < 0 ? 'pred' : state.view, dpr,
    decision: state.decision, selected: selectedIds(r), hover: state.hover >= 0 && (isA || r === run()) ? state.hover : -1,
    cursor: state.cursor && state.cursor.panel !== which ? state.cursor.uv : null,
    cls: r.kind === 'classes' ? Math.min(state.cls, r.n_classes - 1) : -1, focus, shade, points: showPoints(r), axes: true,
    surface: state.surface,
  };
}

/** The legend of what panel frame f shows: the 3-D surface's or the picture's (draw.js). */
function panelLegend(f) { return f.surface ? surfaceLegend(f.run, f.cls) : legendSpec(f.run, f.view, f.cls, f.points); }

function drawPanel(which) {
  const c = canvases[which];
  if (state.surface) drawSurface(c.getContext('2d'), c.width, framePanel(which));
  else drawPicture(c.getContext('2d'), c.width, framePanel(which), layers[which]);
}

function render() {
  const r = run(), k = state.k, s = r.snapshots;
  for (const which of panelIds()) drawPanel(which);
  for (const which of panelIds().slice(2)) $(`[data-panel="${which}"] .caption`).textContent = captionText(panelRun(which), panelK(which));
  const others = state.compare ? panelIds().slice(1).map(panelRun).filter(o => o !== r) : [];
  curveXs = drawCurve(canvases.curve.getContext('2d'), canvases.curve.width, canvases.curve.height, r, k, state.logX, dpr, others);
  if (hasFindings(r)) drawTimeline(canvases.timeline.getContext('2d'), canvases.timeline.width, canvases.timeline.height, r, k, curveXs, dpr, hoverMarker);
  if (hasRegionCurve(r)) drawRegionCurve(canvases.regions.getContext('2d'), canvases.regions.width, canvases.regions.height, r, k, curveXs, dpr);
  const status = neuronStatus(r, k), ids = selectedIds(r);
  diagramNodes = drawDiagram(canvases.diagram.getContext('2d'), canvases.diagram.width, canvases.diagram.height, r, k, ids, state.hover, status, dpr, state.expanded);
  const fa = framePanel('a'), legend = panelLegend(fa);
  drawLegend(canvases.legend.getContext('2d'), canvases.legend.width, canvases.legend.height, legend.bar);
  canvases.legend.hidden = !legend.bar;
  $('#legend-text').innerHTML = legend.html;
  const cv = $('#class-view');
  cv.hidden = r.kind !== 'classes' || fa.view !== 'pred';
  if (!cv.hidden && cv.options.length !== r.n_classes + 1)
    cv.innerHTML = `<option value="-1">all classes</option>` + Array.from({ length: r.n_classes }, (_, c) => `<option value="${c}">P(${escapeHtml(className(r, c))})</option>`).join('');
  cv.value = fa.cls;
  $('#notice').hidden = !state.notice;
  $('#notice').textContent = state.notice;
  $('#undo').disabled = !state.undo.length;
  $('#points').hidden = !isPointTask(r);
  $('#points').classList.toggle('on', showPoints(r));
  $('#palette').classList.toggle('on', state.palette === 'cb');
  $('#surface').classList.toggle('on', state.surface);
  document.querySelector('#views [data-view="target"]').disabled = !r.target;
  document.querySelector('#views [data-view="activation"]').disabled = focusNeuron(r) < 0;
  if (hasFindings(r)) $('#event-key').innerHTML = eventKeyHtml(r);
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
    b.classList.toggle('nosign', status[id] === 'nosign');
    b.classList.toggle('hot', id === state.hover);
    const badges = badgesAt(r, id, k), text = badges.join('|');
    if (b.dataset.badges !== text) {  // touch the DOM only when the marks change
      b.dataset.badges = text;
      const kinds = [...new Set(badges.map(label => badgeStyle(label)[0]))].slice(0, 2);  // two distinct marks fit
      b.lastChild.innerHTML = kinds.map(p => { const [, cls, glyph] = badgeStyle(p); return `<span class="badge ${cls}">${glyph}</span>`; }).join('');
    }
  });
  $('#run-summary').textContent = `${r.summary.task} · ${r.summary.model} · ${r.summary.optim}`;
  $('#panel-a .caption').textContent = captionText(r, k);
  if (state.compare) {
    const rb = RUNS[state.bRun], kb = bSnapshot();
    $('#b-run').value = state.bRun; $('#b-pin').checked = state.bPin;
    const bs = $('#b-slider'); bs.hidden = !state.bPin; bs.max = rb.n - 1; bs.value = kb;
    $('#panel-b .b-label').textContent = captionText(rb, kb).slice(rb.name.length + 3);  // the select names the run
  }
  renderReadout(r, k);
  if (tipNeuron >= 0 && !tip.hidden) showNeuronTip(tipNeuron, tipRect);  // keep the neuron's numbers current while playing
  scheduleHash();
}

// ---- events

/** The snapshot nearest the pointer on any of the curves (they share the x axis). */
function curveSnapshot(ev) {
  const x = (ev.clientX - ev.currentTarget.getBoundingClientRect().left) * dpr;
  let best = 0;
  for (let i = 1; i < curveXs.length; i++) if (Math.abs(curveXs[i] - x) < Math.abs(curveXs[best] - x)) best = i;
  return best;
}
function pickCurve(ev) { if (curveXs) setK(curveSnapshot(ev)); }
function unitPoint(canvas, ev) {
  const b = canvas.getBoundingClientRect();
  return [Math.min(1, Math.max(0, (ev.clientX - b.left) / b.width)), Math.min(1, Math.max(0, 1 - (ev.clientY - b.top) / b.height))];
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
    p: () => setView('pred'), t: () => setView('target'), r: () => setView('regions'), n: () => setView('none'), u: () => setView('activation'),
    a: () => setAll(true), z: () => setAll(false), d: () => { state.decision = !state.decision; invalidate(); },
    c: () => setCompare(!state.compare), s: exportPng, l: () => { state.logX = !state.logX; invalidate(); },
    '[': () => setRun((state.run + RUNS.length - 1) % RUNS.length), ']': () => setRun((state.run + 1) % RUNS.length),
    e: () => stepEvent(1), E: () => stepEvent(-1), Backspace: undoSelection, v: exportSvg,
    o: () => { state.points = !showPoints(run()); invalidate(); }, k: () => setPalette(state.palette === 'cb' ? 'standard' : 'cb'),
    m: () => { state.surface = !state.surface; hideTip(); invalidate(); },
  };
  const f = actions[k] || (k === 'E' ? null : actions[k.toLowerCase()]) || (/^[1-9]$/.test(k) ? () => toggleLayer(+k) : null);
  if (!f) return;
  ev.preventDefault();
  f();
}

/** Pointer on a picture: the point's readout, and a ring at the same point on the other panels. */
function bindPanel(which) {
  const c = canvases[which];
  bindSurfaceDrag(c, () => state.surface, invalidate);
  c.addEventListener('pointermove', ev => {
    if (state.surface) return;  // the 3-D view turns on drag; it has no point readout
    const uv = unitPoint(c, ev);
    state.cursor = { panel: which, uv };
    showPointTip(which, uv[0], uv[1], ev);
    if (state.compare) invalidate();
  });
  c.addEventListener('pointerleave', () => { state.cursor = null; hideTip(); if (state.compare) invalidate(); });
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
  $('#export-svg').addEventListener('click', ev => { exportSvg(); ev.currentTarget.blur(); });
  $('#points').addEventListener('click', ev => { state.points = !showPoints(run()); invalidate(); ev.currentTarget.blur(); });
  $('#surface').addEventListener('click', ev => { state.surface = !state.surface; hideTip(); invalidate(); ev.currentTarget.blur(); });
  $('#palette').addEventListener('click', ev => { setPalette(state.palette === 'cb' ? 'standard' : 'cb'); ev.currentTarget.blur(); });
  $('#undo').addEventListener('click', ev => { undoSelection(); ev.currentTarget.blur(); });
  $('#class-view').addEventListener('change', ev => { state.cls = +ev.target.value; invalidate(); ev.target.blur(); });
  $('#help-button').addEventListener('click', ev => { toggleHelp(); ev.currentTarget.blur(); });
  $('#help-close').addEventListener('click', () => toggleHelp(false));
  $('#help').addEventListener('click', ev => { if (ev.target.id === 'help') toggleHelp(false); });
  $('#b-run').addEventListener('change', ev => { state.bRun = +ev.target.value; ensureImages(RUNS[state.bRun]); invalidate(); ev.target.blur(); });
  $('#b-pin').addEventListener('change', ev => { state.bPin = ev.target.checked; state.bK = mapSnapshot(state.run, state.k, state.bRun); invalidate(); ev.target.blur(); });
  $('#b-slider').addEventListener('input', ev => { state.bK = +ev.target.value; invalidate(); });
  for (const curve of [canvases.curve, canvases.regions]) {
    curve.addEventListener('pointerdown', ev => { curve.setPointerCapture(ev.pointerId); play(false); pickCurve(ev); });
    curve.addEventListener('pointermove', ev => { if (curve.hasPointerCapture(ev.pointerId)) pickCurve(ev); showCurveTip(ev); });
    curve.addEventListener('pointerleave', hideTip);
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
  bindPanel('a'); bindPanel('b');
  const dg = canvases.diagram;
  const blockAt = ev => { const b = dg.getBoundingClientRect(); return diagramNodes ? diagramBlockAt(diagramNodes, (ev.clientX - b.left) * dpr, (ev.clientY - b.top) * dpr, dpr) : 0; };
  dg.addEventListener('pointermove', ev => {
    const b = dg.getBoundingClientRect(), id = diagramNodes ? diagramHit(diagramNodes, (ev.clientX - b.left) * dpr, (ev.clientY - b.top) * dpr) : -1;
    const layer = id < 0 ? blockAt(ev) : 0;
    setHover(id);
    dg.style.cursor = id >= 0 || layer ? 'pointer' : '';
    if (id >= 0) showNeuronTip(id, { right: ev.clientX, top: ev.clientY });
    else if (layer && !state.expanded.has(layer)) showHtmlTip(summaryText(run(), state.k, layer, neuronStatus(run(), state.k)), ev.clientX, ev.clientY);
    else hideTip();
  });
  dg.addEventListener('pointerleave', () => { setHover(-1); hideTip(); });
  dg.addEventListener('click', ev => {
    const layer = blockAt(ev);
    if (layer) { state.expanded.has(layer) ? state.expanded.delete(layer) : state.expanded.add(layer); hideTip(); layout(); }
    else if (state.hover >= 0) toggleNeuron(run().neuronLayer[state.hover], run().neuronIndex[state.hover]);
  });
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

async function start() {
  await Promise.all(RUNS.map(r => r.unpackWeights()));
  buildRuns();
  $('#slider').max = run().n - 1;
  if (!applyHash(location.hash)) { setAll(true); state.k = state.pos = run().n - 1; }  // open on the trained network
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
  status: (k = state.k) => neuronStatus(run(), k),
  activeFraction: id => activeFractions(run(), state.k)[id],
  lossTicks: (lo, hi, max) => lossTicks(lo, hi, max),
  /** The current run's points in CSS pixels of panel A, with label and test flag. */
  points: () => {
    const P = run().points(), b = canvases.a.getBoundingClientRect();
    return P ? Array.from({ length: P.n }, (_, i) => ({ x: b.left + P.u[i] * b.width, y: b.top + (1 - P.v[i]) * b.height, label: P.label[i], test: P.test[i] })) : [];
  },
  /** x of each snapshot on the curves (loss, events, region counts), CSS pixels from their left edge. */
  curveXs: () => Array.from(curveXs, x => x / dpr),
  diagram: () => diagramReport(diagramNodes, canvases.diagram.getBoundingClientRect(), dpr, run(), state.k, neuronStatus(run(), state.k)),
  surface: () => { const v = surfaceValues(run(), state.k, state.cls); return { on: state.surface, ...surfaceView, title: v && v.title, t: v ? Array.from(v.t) : [] }; },
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
