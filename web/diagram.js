// ginn viewer, part 4 of 10: the live network diagram (GINN's help-page picture): nodes in the neuron colours,
// edges by the current weights, residual connections and batch norm marked; layers wider than SUMMARY_WIDTH as one
// summary block each (expandable). Not the neuron buttons or events (viewer.js).

const EDGE_POSITIVE = [255, 159, 67], EDGE_NEGATIVE = [84, 160, 255];
const SUMMARY_WIDTH = 32, SUMMARY_GRID = 24, SUMMARY_BINS = 10;

/** Whether hidden layer l (from 1) is drawn as a summary block: wider than SUMMARY_WIDTH and not expanded. */
const isSummarised = (run, l, expanded) => run.widths[l - 1] > SUMMARY_WIDTH && !expanded.has(l);
/** Nodes in the tallest column the diagram draws (a summary block counts as 12): its height needs 7 px per node. */
const diagramTallest = (run, expanded) => Math.max(2, ...run.widths.map((w, l) => isSummarised(run, l + 1, expanded) ? 12 : w));

/** Node positions for a run in a w x h box: columns input, hidden layers, output; each node {x, y, r, id}. A
 *  summarised layer's column holds one node {x, y, r: 0, id: -1, block: {layer, x0, y0, w, h}}. */
function diagramLayout(run, w, h, dpr, expanded = new Set()) {
  const cols = [2, ...run.widths, run.layers[run.layers.length - 1].n_out];
  const padX = 16 * dpr, padY = 16 * dpr, maxN = diagramTallest(run, expanded), step = (w - 2 * padX) / (cols.length - 1);
  const dy = (h - 2 * padY) / Math.max(1, maxN), r = Math.max(2 * dpr, Math.min(7 * dpr, dy * 0.36));
  const nodes = cols.map((n, c) => {
    const x = padX + step * c;
    if (c > 0 && c < cols.length - 1 && isSummarised(run, c, expanded)) {
      const bw = Math.min(64 * dpr, step * 0.8), bh = Math.min(h - 2 * padY, 118 * dpr);
      return [{ x, y: h / 2, r: 0, id: -1, block: { layer: c, x0: x - bw / 2, y0: h / 2 - bh / 2, w: bw, h: bh } }];
    }
    const y0 = h / 2 - (n - 1) * dy / 2;
    const col = Array.from({ length: n }, (_, i) => ({
      x, y: y0 + i * dy, r,
      id: c === 0 || c === cols.length - 1 ? -1 : run.layerStart[c - 1] + i,
    }));
    if (c > 0 && c < cols.length - 1 && n > SUMMARY_WIDTH) col.collapse = { layer: c, x, y: Math.max(6 * dpr, y0 - r - 8 * dpr) };
    return col;
  });
  return nodes;
}

/** Per hidden neuron of snapshot k, the fraction of the domain where it is on, on a SUMMARY_GRID^2 grid of pixel
 *  centres (an estimate, labelled as such in the block's tooltip), cached per snapshot. */
function summaryFractions(run, k) {
  run.summaryCache = run.summaryCache || new Map();
  let f = run.summaryCache.get(k);
  if (!f) {
    const g = patternGrid(run, k, SUMMARY_GRID);
    f = Float64Array.from(g.onCount, c => c / (SUMMARY_GRID * SUMMARY_GRID));
    run.summaryCache.set(k, f);
  }
  return f;
}

/** A summarised layer's numbers at snapshot k: counts by status ('' has a boundary, 'dead', 'always', 'nosign') and
 *  a SUMMARY_BINS histogram of the neurons' on-fractions. */
function layerSummary(run, k, layer, status) {
  const start = run.layerStart[layer - 1], n = run.widths[layer - 1], frac = summaryFractions(run, k);
  const counts = { '': 0, dead: 0, always: 0, nosign: 0 }, hist = new Array(SUMMARY_BINS).fill(0);
  for (let id = start; id < start + n; id++) {
    counts[status ? status[id] : '']++;
    hist[Math.min(SUMMARY_BINS - 1, Math.floor(frac[id] * SUMMARY_BINS))]++;
  }
  return { n, counts, hist };
}

/** One summary block: the layer and its width, the status counts, the on-fraction histogram in the layer's colour. */
function drawSummaryBlock(ctx, run, k, b, status, dpr) {
  const s = layerSummary(run, k, b.layer, status), colour = layerColour(b.layer), fs = 9 * dpr;
  ctx.fillStyle = '#15181e'; ctx.strokeStyle = colour; ctx.lineWidth = 1.4 * dpr;
  ctx.beginPath(); ctx.roundRect(b.x0, b.y0, b.w, b.h, 4 * dpr); ctx.fill(); ctx.stroke();
  ctx.font = `${fs}px system-ui, sans-serif`; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  ctx.fillStyle = colour;
  ctx.fillText(`L${b.layer} · ${s.n}`, b.x0 + b.w / 2, b.y0 + 3 * dpr);
  const rows = [[s.counts[''], 'split', '#e6e9ef'], [s.counts.dead, 'dead', '#ef5b5b'], [s.counts.always, 'always', '#9aa3b2'],
    [s.counts.nosign, 'flat', '#9aa3b2']].filter(([c], i) => i === 0 || c > 0);
  ctx.textAlign = 'left';
  const widest = Math.max(...rows.map(([c, label]) => ctx.measureText(`${c} ${label}`).width));
  if (widest > b.w - 7 * dpr) ctx.font = `${fs * (b.w - 7 * dpr) / widest}px system-ui, sans-serif`;  // narrow blocks: smaller text
  rows.forEach(([c, label, ink], i) => {
    ctx.fillStyle = ink;
    ctx.fillText(`${c} ${label}`, b.x0 + 4 * dpr, b.y0 + (4 + 11 * (i + 1)) * dpr);
  });
  // histogram of on-fractions, 0 (left) to 1 (right), bars scaled to the fullest bin
  const hx = b.x0 + 4 * dpr, hw = b.w - 8 * dpr, hb = b.y0 + b.h - 12 * dpr, top = b.y0 + (8 + 11 * (rows.length + 1)) * dpr;
  const hh = Math.max(4 * dpr, hb - top), max = Math.max(1, ...s.hist), bw = hw / SUMMARY_BINS;
  ctx.fillStyle = colour;
  s.hist.forEach((c, i) => { const bh = hh * c / max; if (c) ctx.fillRect(hx + i * bw + 0.5 * dpr, hb - bh, bw - dpr, bh); });
  ctx.strokeStyle = '#3a404c'; ctx.lineWidth = dpr;
  ctx.beginPath(); ctx.moveTo(hx, hb + 0.5 * dpr); ctx.lineTo(hx + hw, hb + 0.5 * dpr); ctx.stroke();
  ctx.fillStyle = '#8a93a3'; ctx.font = `${7.5 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'left'; ctx.fillText('0', hx, hb + 2 * dpr);
  ctx.textAlign = 'right'; ctx.fillText('1', hx + hw, hb + 2 * dpr);
  ctx.textAlign = 'center'; ctx.fillText('on', hx + hw / 2, hb + 2 * dpr);
}

/** The summary block's tooltip: what its numbers are. */
function summaryText(run, k, layer, status) {
  const s = layerSummary(run, k, layer, status), c = s.counts;
  return `<div><b>Layer ${layer}</b>: ${s.n} neurons (summarised: wider than ${SUMMARY_WIDTH}; click to show each)</div>` +
    `<div>${c['']} with a boundary in the domain, ${c.dead} dead, ${c.always} always active` +
    `${c.nosign ? `, ${c.nosign} without sign change` : ''}</div>` +
    `<div class="muted">Histogram: how many neurons are on over each tenth of the domain's area, from never (0) to everywhere (1); ` +
    `estimated on a ${SUMMARY_GRID} x ${SUMMARY_GRID} grid</div>`;
}

/** The layer whose summary block, or whose collapse handle (an expanded wide layer), is under (x, y) in device
 *  pixels, or 0: clicking there expands or collapses the layer. */
function diagramBlockAt(nodes, x, y, dpr = 1) {
  for (const col of nodes) {
    const b = col[0].block, h = col.collapse;
    if (b && x >= b.x0 && x <= b.x0 + b.w && y >= b.y0 && y <= b.y0 + b.h) return b.layer;
    if (h && Math.abs(x - h.x) <= 9 * dpr && Math.abs(y - h.y) <= 7 * dpr) return h.layer;
  }
  return 0;
}

/**
 * Draws the diagram for snapshot k. Edges: width sqrt(|w| / max|w| of that layer over the run) in 12 steps, orange
 * positive, blue negative; the hovered neuron's edges white. Nodes: filled in the neuron's colour when selected, ring when not, grey cross when dead.
 */
function drawDiagram(ctx, w, h, run, k, selected, hover, dead, dpr, expanded = new Set()) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const nodes = diagramLayout(run, w, h, dpr, expanded);
  ctx.lineCap = 'round';
  // edges in 2 x EDGE_LEVELS buckets (sign, quantised strength), one path each: wide layers have thousands of edges
  const EDGE_LEVELS = 12, buckets = Array.from({ length: 2 * EDGE_LEVELS }, () => new Path2D()), hot = new Path2D();
  const used = new Uint8Array(2 * EDGE_LEVELS);
  for (let l = 0; l < run.layers.length; l++) {
    const L = run.layer(k, l), scale = run.weightScale[l], from = nodes[l], to = nodes[l + 1];
    // a summary block is one end for all its neurons: its edges carry the mean weight (signed sum, mean |w|)
    const fi = i => from.length === L.nIn ? i : 0, fo = o => to.length === L.nOut ? o : 0;
    const sum = new Float64Array(from.length * to.length), abs = new Float64Array(sum.length), cnt = new Uint32Array(sum.length);
    for (let o = 0; o < L.nOut; o++)
      for (let i = 0; i < L.nIn; i++) {
        const e = fo(o) * from.length + fi(i), v = L.W[o * L.nIn + i];
        sum[e] += v; abs[e] += Math.abs(v); cnt[e]++;
      }
    for (let o = 0; o < to.length; o++) {
      const isHot = to[o].id === hover && hover >= 0;
      for (let i = 0; i < from.length; i++) {
        const e = o * from.length + i, t = Math.sqrt(abs[e] / cnt[e] / scale);
        if (t < 0.05 && !isHot) continue;
        const b = (sum[e] >= 0 ? 0 : EDGE_LEVELS) + Math.min(EDGE_LEVELS - 1, Math.floor(t * EDGE_LEVELS));
        const path = isHot ? hot : buckets[b];
        path.moveTo(from[i].block ? from[i].block.x0 + from[i].block.w : from[i].x, from[i].y);
        path.lineTo(to[o].block ? to[o].block.x0 : to[o].x, to[o].y);
        used[b] = 1;
      }
    }
  }
  buckets.forEach((path, b) => {
    if (!used[b]) return;
    const t = (b % EDGE_LEVELS + 0.5) / EDGE_LEVELS, [r, g, bl] = b < EDGE_LEVELS ? EDGE_POSITIVE : EDGE_NEGATIVE;
    ctx.strokeStyle = `rgba(${r},${g},${bl},${0.15 + 0.6 * t})`;
    ctx.lineWidth = (0.25 + 2.6 * t) * dpr;
    ctx.stroke(path);
  });
  ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.lineWidth = 1.2 * dpr;
  ctx.stroke(hot);
  drawDiagramMarks(ctx, run, nodes, h, dpr);
  ctx.font = `${9 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  nodes.forEach((col, c) => col.forEach((nd, i) => {
    if (nd.block) { drawSummaryBlock(ctx, run, k, nd.block, dead, dpr); return; }
    ctx.beginPath();
    ctx.arc(nd.x, nd.y, nd.r, 0, 2 * Math.PI);
    if (nd.id < 0) {
      ctx.fillStyle = '#c9ced8';
      ctx.fill();
      ctx.fillStyle = '#9aa3b2';
      const label = c === 0 ? ['x', 'y'][i] : (run.layers[run.layers.length - 1].n_out === 1 ? 'z' : String(i));
      ctx.fillText(label, c === 0 ? nd.x - nd.r - 6 * dpr : nd.x + nd.r + 6 * dpr, nd.y);
      return;
    }
    const colour = neuronColour(run.neuronLayer[nd.id], run.neuronIndex[nd.id], run.widths[run.neuronLayer[nd.id] - 1]);
    if (selected.has(nd.id)) { ctx.fillStyle = colour; ctx.fill(); }
    else { ctx.fillStyle = '#15181e'; ctx.fill(); ctx.strokeStyle = colour; ctx.lineWidth = 1.4 * dpr; ctx.stroke(); }
    if (nd.id === hover) { ctx.strokeStyle = '#fff'; ctx.lineWidth = 2 * dpr; ctx.stroke(); }
    if (dead && dead[nd.id] === 'dead') {
      ctx.strokeStyle = '#6b7280'; ctx.lineWidth = 1.2 * dpr;
      ctx.beginPath();
      ctx.moveTo(nd.x - nd.r, nd.y - nd.r); ctx.lineTo(nd.x + nd.r, nd.y + nd.r);
      ctx.moveTo(nd.x + nd.r, nd.y - nd.r); ctx.lineTo(nd.x - nd.r, nd.y + nd.r);
      ctx.stroke();
    }
  }));
  return nodes;
}

/** Residual connections (an arc over the columns it skips, with "+") and batch norm ("BN" under each hidden column;
 *  it is folded into the weights shown). */
function drawDiagramMarks(ctx, run, nodes, h, dpr) {
  ctx.font = `${9 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillStyle = '#8a93a3';
  const topOf = col => col[0].block ? col[0].block.y0 : col[0].y;
  nodes.marks = [];  // what was drawn, for the test hooks: {kind: 'bn' | 'residual', layer, x, y} in device pixels
  for (let l = 0; l < run.layers.length - 1; l++) {
    const to = nodes[l + 1], from = nodes[l], x = to[0].x;
    if (run.batch_norm) { ctx.textBaseline = 'bottom'; ctx.fillText('BN', x, h - 1 * dpr); nodes.marks.push({ kind: 'bn', layer: l + 1, x, y: h - 6 * dpr }); }
    if (to.collapse) {  // an expanded wide layer: a handle above it folds it back into its summary block
      ctx.textBaseline = 'middle'; ctx.fillStyle = layerColour(l + 1);
      ctx.fillText(`▴ L${l + 1}`, to.collapse.x, to.collapse.y);
      ctx.fillStyle = '#8a93a3';
    }
    if (!run.layers[l].residual) continue;
    const top = Math.min(topOf(from), topOf(to)) - 6 * dpr, x0 = from[0].x;
    ctx.strokeStyle = '#c9ced8'; ctx.lineWidth = 1.2 * dpr; ctx.setLineDash([3 * dpr, 2 * dpr]);
    ctx.beginPath(); ctx.moveTo(x0, top + 4 * dpr); ctx.quadraticCurveTo((x0 + x) / 2, top - 10 * dpr, x, top + 4 * dpr); ctx.stroke();
    ctx.setLineDash([]);
    ctx.textBaseline = 'bottom'; ctx.fillText('+', (x0 + x) / 2, top - 2 * dpr);
    nodes.marks.push({ kind: 'residual', layer: l + 1, x: (x0 + x) / 2, y: top - 1 * dpr });
  }
}

/** The hidden neuron id under (x, y) in device pixels, or -1. */
function diagramHit(nodes, x, y) {
  let best = -1, bestD = Infinity;
  for (const col of nodes) for (const nd of col) {
    if (nd.id < 0) continue;
    const d = Math.hypot(nd.x - x, nd.y - y);
    if (d < Math.max(nd.r * 1.6, 6) && d < bestD) { best = nd.id; bestD = d; }
  }
  return best;
}

/** For tests: the diagram's summary blocks (with their numbers) and marks in CSS pixels of the page. */
function diagramReport(nodes, rect, dpr, run, k, status) {
  const css = (x, y) => ({ x: rect.left + x / dpr, y: rect.top + y / dpr });
  const blocks = nodes.filter(col => col[0].block).map(col => {
    const b = col[0].block;
    return { layer: b.layer, ...css(b.x0, b.y0), w: b.w / dpr, h: b.h / dpr, ...layerSummary(run, k, b.layer, status) };
  });
  const handles = nodes.filter(col => col.collapse).map(col => ({ layer: col.collapse.layer, ...css(col.collapse.x, col.collapse.y) }));
  return { blocks, handles, marks: (nodes.marks || []).map(m => ({ ...m, ...css(m.x, m.y) })), nodes: nodes.reduce((a, col) => a + col.length, 0) };
}
