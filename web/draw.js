// ginn viewer, part 2 of 5: colours and drawing of the picture, the loss curve, the region-count curve and the
// legend on <canvas>. Not the event timeline (findings.js) nor the network diagram (diagram.js).

// ---- colours: the numbers of the Cairo figures' palette (src/render.cpp: neuron_colour, decision_colour,
// region_colour), so a figure and the viewer show a neuron in the same colour. docs/viewer.md lists them.

/** Hue per hidden layer: 1 blue, 2 red, 3 green, 4 purple, 5 orange, 6 teal, 7 pink, 8 olive; then repeats. */
const LAYER_HUES = [215, 355, 125, 275, 30, 180, 320, 60];
const DECISION_COLOUR = 'rgb(255,204,0)';          // hsl(48, 100%, 50%)
const DECISION_OUTLINE = 'rgb(20,20,20)';

/** CSS hsl() -> [r, g, b] bytes; h in degrees, s and l in percent. */
function hslToRgb(h, s, l) {
  h = ((h % 360) + 360) % 360; s /= 100; l /= 100;
  const f = n => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Layer colour for labels: the layer's hue at its middle shade, a little lighter to read on the dark theme. */
function layerColour(layer) {
  const [r, g, b] = hslToRgb(LAYER_HUES[(layer - 1) % LAYER_HUES.length], 80, 60);
  return `rgb(${r},${g},${b})`;
}

/** Neuron `index` (1..width) of hidden `layer` (1..): hue = layer hue + (t - 0.5) * 24, saturation 80%,
 *  lightness 30% + 32% * t, with t = (index - 1) / (width - 1). */
function neuronRgb(layer, index, width) {
  const t = width > 1 ? Math.min(1, Math.max(0, (index - 1) / (width - 1))) : 0.5;
  return hslToRgb(LAYER_HUES[(layer - 1) % LAYER_HUES.length] + (t - 0.5) * 24, 80, 30 + 32 * t);
}
function neuronColour(layer, index, width) {
  const [r, g, b] = neuronRgb(layer, index, width);
  return `rgb(${r},${g},${b})`;
}

/** The fixed probability scale of the figures: grey, 0 -> black, 1 -> white, linear in the 8-bit value. */
const PROB_LUT = (() => {
  const lut = new Uint32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = (255 << 24 | v << 16 | v << 8 | v) >>> 0;  // little-endian RGBA in one word
  return lut;
})();

/** A region's colour from its on/off pattern (bytes 0/1, layer by layer): FNV-1a 64 as src/render.cpp's
 *  region_colour, hsl(h mod 360, 35-65%, 70-85%). Stable across snapshots: it depends on the pattern only. */
function regionRgb(pattern) {
  let h = 0xcbf29ce484222325n;
  for (const byte of pattern) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  const [r, g, b] = hslToRgb(Number(h % 360n), 35 + 30 * Number((h >> 20n) % 64n) / 63, 70 + 15 * Number((h >> 40n) % 64n) / 63);
  return (255 << 24 | b << 16 | g << 8 | r) >>> 0;
}

// ---- the picture

/** A canvas that draws a w x h grey or RGBA buffer, reused between frames. */
class PixelLayer {
  constructor() { this.canvas = document.createElement('canvas'); this.ctx = null; }
  put(w, h, fill) {
    if (this.canvas.width !== w || this.canvas.height !== h || !this.ctx) {
      this.canvas.width = w; this.canvas.height = h;
      this.ctx = this.canvas.getContext('2d');
      this.data = this.ctx.createImageData(w, h);
      this.words = new Uint32Array(this.data.data.buffer);
    }
    fill(this.words);
    this.ctx.putImageData(this.data, 0, 0);
    return this.canvas;
  }
}

/**
 * Draws one frame of a panel: background, selected neurons' boundaries, the hovered neuron, the decision boundary.
 * ctx is the panel's canvas context, S its size in device pixels; f = {run, k, view, selected: Set of neuron ids,
 * hover: neuron id or -1, decision: bool, dpr}.
 */
function drawPicture(ctx, S, f, layerCache) {
  const { run, k, view, dpr } = f;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#0c0e12';
  ctx.fillRect(0, 0, S, S);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  if (view === 'pred' && run.image) {
    const n = run.imageSize, base = k * n * n, img = run.image;
    ctx.drawImage(layerCache.put(n, n, w => { for (let i = 0; i < n * n; i++) w[i] = PROB_LUT[img[base + i]]; }), 0, 0, S, S);
  } else if (view === 'target' && run.targetGrey) {
    const t = run.targetGrey;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layerCache.put(run.target.width, run.target.height, w => { for (let i = 0; i < t.length; i++) w[i] = PROB_LUT[t[i]]; }), 0, 0, S, S);
  } else if (view === 'regions') {
    const grid = regionGrid(run, k);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layerCache.put(grid.n, grid.n, w => w.set(grid.colours)), 0, 0, S, S);
  }
  const g = run.geometry(k);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  const lw = 1.7 * dpr;
  for (const id of f.selected) {
    if (id >= run.nNeurons || id === f.hover) continue;
    strokeLines(ctx, g.neurons[id], S, neuronColour(run.neuronLayer[id], run.neuronIndex[id], run.widths[run.neuronLayer[id] - 1]), lw);
  }
  if (f.decision) {
    strokeLines(ctx, g.decision, S, DECISION_OUTLINE, 4.6 * dpr);
    strokeLines(ctx, g.decision, S, DECISION_COLOUR, 2.6 * dpr);
  }
  if (f.hover >= 0 && f.hover < run.nNeurons) {
    const id = f.hover;
    strokeLines(ctx, g.neurons[id], S, 'rgba(255,255,255,0.9)', 5.5 * dpr);
    strokeLines(ctx, g.neurons[id], S, neuronColour(run.neuronLayer[id], run.neuronIndex[id], run.widths[run.neuronLayer[id] - 1]), 3 * dpr);
  }
  if (f.cursor) {  // the other panel's pointer, for comparing the same point
    const [u, v] = f.cursor;
    ctx.strokeStyle = 'rgba(255,255,255,0.8)';
    ctx.lineWidth = 1 * dpr;
    ctx.beginPath();
    ctx.arc(u * S, (1 - v) * S, 6 * dpr, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/** Strokes polylines given in unit coordinates (v up) as one path. */
function strokeLines(ctx, lines, S, colour, width) {
  if (!lines.length) return;
  ctx.beginPath();
  for (const a of lines) {
    ctx.moveTo(a[0] * S, (1 - a[1]) * S);
    for (let i = 2; i < a.length; i += 2) ctx.lineTo(a[i] * S, (1 - a[i + 1]) * S);
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

/** Region pattern hashes for snapshot k at 256 x 256, cached per snapshot. */
function regionGrid(run, k) {
  let g = run.regionCache.get(k);
  if (!g) {
    g = patternGrid(run, k, 256);
    g.colours = regionColours(run, k, g);
    if (run.regionCache.size > 64) run.regionCache.delete(run.regionCache.keys().next().value);
    run.regionCache.set(k, g);
  }
  return g;
}

/** Colour words for a pattern grid: one regionRgb per distinct pattern (found again at its first pixel). */
function regionColours(run, k, g) {
  const out = new Uint32Array(g.hashes.length), [x0, x1, y0, y1] = run.domain;
  for (let i = 0; i < g.hashes.length; i++) {
    const h = g.hashes[i];
    let c = run.regionColourCache.get(h);
    if (c === undefined) {
      const r = Math.floor(i / g.n), col = i % g.n;
      const { pre } = forwardPoint(run, k, x0 + (col + 0.5) / g.n * (x1 - x0), y1 - (r + 0.5) / g.n * (y1 - y0));
      c = regionRgb(pre.flatMap(z => Array.from(z, v => v > 0 ? 1 : 0)));
      run.regionColourCache.set(h, c);
    }
    out[i] = c;
  }
  return out;
}

/** Fraction of the domain (on a 96 x 96 grid) where each neuron is on, for snapshot k, cached. */
function activeFractions(run, k) {
  let f = run.fractionCache.get(k);
  if (!f) {
    const g = run.regionCache.get(k) || patternGrid(run, k, 96);
    f = Array.from(g.onCount, c => c / (g.n * g.n));
    if (run.fractionCache.size > 256) run.fractionCache.delete(run.fractionCache.keys().next().value);
    run.fractionCache.set(k, f);
  }
  return f;
}

// ---- the loss curve

// ---- the curves under each other (loss, event timeline, region counts) share one x axis

const CURVE_PAD_L = 46, CURVE_PAD_R = 12;  // css pixels left and right of the plotted x range

/** x (device pixels) of each snapshot in a curve w device pixels wide: evenly by snapshot, or by log10(1 + iteration). */
function snapshotXs(run, w, logX, dpr) {
  const it = run.snapshots.iteration, n = run.n, lx = v => Math.log10(1 + v);
  const l = CURVE_PAD_L * dpr, W = w - l - CURVE_PAD_R * dpr, xs = new Float64Array(n);
  for (let i = 0; i < n; i++)
    xs[i] = l + W * (n === 1 ? 0.5 : logX ? (lx(it[i]) - lx(it[0])) / Math.max(1e-9, lx(it[n - 1]) - lx(it[0])) : i / (n - 1));
  return xs;
}

/**
 * Draws the loss curve of `run` into ctx (w x h device pixels): x evenly by snapshot, or by log10(1 + iteration);
 * y log10 of loss. Returns the x position of each snapshot, for clicks.
 */
function drawCurve(ctx, w, h, run, k, logX, dpr) {
  const s = run.snapshots, n = run.n;
  const pad = { l: CURVE_PAD_L * dpr, r: CURVE_PAD_R * dpr, t: 10 * dpr, b: 20 * dpr };
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#15181e';
  ctx.fillRect(0, 0, w, h);
  const series = [['loss_batch', 'rgba(150,160,180,0.35)', []], ['loss', '#e8e6df', []], ['loss_test', '#f29e4c', [5 * dpr, 4 * dpr]]]
    .filter(([key]) => s[key]);
  let lo = Infinity, hi = -Infinity;
  for (const [key] of series) for (const v of s[key]) if (v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!isFinite(lo)) { lo = 0.01; hi = 1; }
  let ylo = Math.floor(Math.log10(lo) * 4) / 4, yhi = Math.ceil(Math.log10(hi) * 4) / 4;
  if (yhi - ylo < 0.25) yhi = ylo + 0.25;
  const it = s.iteration, lx = v => Math.log10(1 + v);
  const xs = snapshotXs(run, w, logX, dpr), W = w - pad.l - pad.r, H = h - pad.t - pad.b;
  const Y = v => pad.t + H * (1 - (Math.log10(v) - ylo) / (yhi - ylo));
  // grid and axes
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = '#7d8595';
  ctx.strokeStyle = 'rgba(255,255,255,0.07)';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (let e = Math.ceil(ylo); e <= Math.floor(yhi); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e, y = Y(v);
      if (Math.log10(v) < ylo || Math.log10(v) > yhi) continue;
      ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(w - pad.r, y); ctx.stroke();
      ctx.fillText(formatNumber(v), pad.l - 5 * dpr, y);
    }
  }
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  const ticks = 6;
  let lastX = -Infinity;
  for (let j = 0; j <= ticks; j++) {
    const i = Math.round(j / ticks * (n - 1)), x = logX ? null : xs[i];
    const label = logX ? null : it[i];
    if (x !== null && x - lastX > 50 * dpr) { ctx.fillText(formatCount(label), x, h - pad.b + 5 * dpr); lastX = x; }
  }
  if (logX) for (let e = 0; 10 ** e <= it[n - 1]; e++) {
    const i = nearestIteration(it, 10 ** e), x = pad.l + W * (lx(10 ** e) - lx(it[0])) / Math.max(1e-9, lx(it[n - 1]) - lx(it[0]));
    if (x >= pad.l && x - lastX > 30 * dpr) { ctx.fillText(formatCount(10 ** e), x, h - pad.b + 5 * dpr); lastX = x; }
  }
  // series
  for (const [key, colour, dash] of series) {
    ctx.beginPath();
    let open = false;
    for (let i = 0; i < n; i++) {
      const v = s[key][i];
      if (!(v > 0) || !isFinite(v)) { open = false; continue; }
      const y = Y(v);
      if (open) ctx.lineTo(xs[i], y); else { ctx.moveTo(xs[i], y); open = true; }
    }
    ctx.setLineDash(dash);
    ctx.strokeStyle = colour;
    ctx.lineWidth = (key === 'loss' ? 1.8 : 1.2) * dpr;
    ctx.stroke();
    ctx.setLineDash([]);
  }
  // marker
  ctx.strokeStyle = DECISION_COLOUR;
  ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath(); ctx.moveTo(xs[k], pad.t); ctx.lineTo(xs[k], h - pad.b); ctx.stroke();
  if (s.loss[k] > 0) { ctx.fillStyle = DECISION_COLOUR; ctx.beginPath(); ctx.arc(xs[k], Y(s.loss[k]), 3.5 * dpr, 0, 2 * Math.PI); ctx.fill(); }
  // key
  ctx.textAlign = 'right'; ctx.textBaseline = 'top';
  let kx = w - pad.r - 4 * dpr;
  for (const [key, colour] of series.slice().reverse()) {
    const label = { loss: 'loss (train set)', loss_test: 'test loss', loss_batch: 'minibatch loss' }[key];
    ctx.fillStyle = colour === 'rgba(150,160,180,0.35)' ? '#8a93a3' : colour;
    ctx.fillText(label, kx, pad.t + 2 * dpr);
    kx -= ctx.measureText(label).width + 14 * dpr;
  }
  return xs;
}

/** Colours of the region-count curve: activation regions (solid) and linear regions (dashed). */
const REGION_COLOURS = { activation: '#5ec8c0', linear: '#b48cf0' };

/**
 * Draws activation and linear region counts over training (linear y from 0) at the snapshots' x positions `xs`,
 * with the current snapshot marked. Counts come with the run (geometry.h); smooth networks have none.
 */
function drawRegionCurve(ctx, w, h, run, k, xs, dpr) {
  const c = run.counts, n = run.n, pad = { l: CURVE_PAD_L * dpr, r: CURVE_PAD_R * dpr, t: 5 * dpr, b: 5 * dpr };
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#15181e';
  ctx.fillRect(0, 0, w, h);
  let hi = 1;
  for (const v of c.activation) if (v > hi) hi = v;
  const Y = v => pad.t + (h - pad.t - pad.b) * (1 - v / hi);
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = '#7d8595'; ctx.strokeStyle = 'rgba(255,255,255,0.07)'; ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  for (const [v, base] of [[hi, 'top'], [0, 'bottom']]) {
    ctx.beginPath(); ctx.moveTo(pad.l, Y(v)); ctx.lineTo(w - pad.r, Y(v)); ctx.stroke();
    ctx.textBaseline = base; ctx.fillText(formatCount(v), pad.l - 5 * dpr, Y(v));
  }
  for (const [key, dash] of [['linear', [4 * dpr, 3 * dpr]], ['activation', []]]) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) if (i) ctx.lineTo(xs[i], Y(c[key][i])); else ctx.moveTo(xs[i], Y(c[key][i]));
    ctx.setLineDash(dash); ctx.strokeStyle = REGION_COLOURS[key]; ctx.lineWidth = 1.5 * dpr; ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = DECISION_COLOUR; ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath(); ctx.moveTo(xs[k], pad.t); ctx.lineTo(xs[k], h - pad.b); ctx.stroke();
  ctx.fillStyle = DECISION_COLOUR;
  for (const key of ['activation', 'linear']) { ctx.beginPath(); ctx.arc(xs[k], Y(c[key][k]), 3 * dpr, 0, 2 * Math.PI); ctx.fill(); }
  // key with the current counts, top left (counts usually grow during training) on a backdrop
  ctx.textAlign = 'left'; ctx.textBaseline = 'top';
  const labels = ['activation', 'linear'].map(key => [key, `${key} regions ${c[key][k].toLocaleString('en')}`]);
  const gap = 14 * dpr, kw = labels.reduce((a, [, t]) => a + ctx.measureText(t).width, 0) + gap + 8 * dpr;
  ctx.fillStyle = 'rgba(21,24,30,0.85)';
  ctx.fillRect(pad.l + 2 * dpr, pad.t - 1 * dpr, kw, 13 * dpr);
  let kx = pad.l + 6 * dpr;
  for (const [key, label] of labels) {
    ctx.fillStyle = REGION_COLOURS[key];
    ctx.fillText(label, kx, pad.t + 1 * dpr);
    kx += ctx.measureText(label).width + gap;
  }
}

function nearestIteration(it, target) {
  let best = 0;
  for (let i = 1; i < it.length; i++) if (Math.abs(it[i] - target) < Math.abs(it[best] - target)) best = i;
  return best;
}

function formatNumber(v) {
  if (v === null || v === undefined || !isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2).replace('e', 'e');
  return String(+v.toPrecision(4));
}

function formatCount(v) {
  if (v >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
  if (v >= 1e3) return +(v / 1e3).toPrecision(3) + 'k';
  return String(v);
}

/** The legend bar for the current background. */
function drawLegend(ctx, w, h, view, run) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (view === 'pred' || view === 'target') {
    for (let x = 0; x < w; x++) {
      const v = view === 'pred' ? Math.round(x / (w - 1) * 255) : (x < w / 2 ? 0 : 255);
      const c = PROB_LUT[v];
      ctx.fillStyle = `rgb(${c & 255},${c >> 8 & 255},${c >> 16 & 255})`;
      ctx.fillRect(x, 0, 1, h);
    }
  } else if (view === 'regions') {
    for (let x = 0; x < w; x += Math.max(1, w / 24 | 0)) {
      const c = regionRgb([x & 1, x >> 1 & 1, x >> 2 & 1, x >> 3 & 1, x >> 4 & 1]);
      ctx.fillStyle = `rgb(${c & 255},${c >> 8 & 255},${c >> 16 & 255})`;
      ctx.fillRect(x, 0, Math.max(1, w / 24 | 0), h);
    }
  }
}
