// ginn viewer, part 2 of 10: colours (layers, classes, palettes) and drawing of the picture (backgrounds, points,
// boundaries, ticks) and its legend on <canvas>. Not the curves (curves.js) nor the network diagram (diagram.js).

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

/** Colour-blind-safe layer colours (Okabe-Ito), used instead of LAYER_HUES when the palette toggle is on. */
const OKABE_ITO = [[0, 114, 178], [213, 94, 0], [0, 158, 115], [204, 121, 167], [230, 159, 0], [86, 180, 233], [240, 228, 66], [0, 0, 0]];
let PALETTE = 'standard';  // 'standard' or 'cb' (viewer.js switches it)

/** Layer colour for labels: the layer's hue at its middle shade, a little lighter to read on the dark theme. */
function layerColour(layer) {
  const [r, g, b] = PALETTE === 'cb' ? mixRgb(OKABE_ITO[(layer - 1) % 8], [255, 255, 255], layer % 8 === 0 ? 0.6 : 0.15)
    : hslToRgb(LAYER_HUES[(layer - 1) % LAYER_HUES.length], 80, 60);
  return `rgb(${r},${g},${b})`;
}

const mixRgb = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));

/** Neuron `index` (1..width) of hidden `layer` (1..), t = (index - 1) / (width - 1). Standard: hue = layer hue +
 *  (t - 0.5) * 24, saturation 80%, lightness 30% + 32% * t. Colour-blind: the layer's Okabe-Ito colour mixed with
 *  black by (0.5 - t) * 0.6 below t = 0.5, with white by (t - 0.5) * 0.6 above (render.h, neuron_colour). */
function neuronRgb(layer, index, width) {
  const t = width > 1 ? Math.min(1, Math.max(0, (index - 1) / (width - 1))) : 0.5;
  if (PALETTE === 'cb') {
    const base = OKABE_ITO[(layer - 1) % 8];
    return t < 0.5 ? mixRgb(base, [0, 0, 0], (0.5 - t) * 0.6) : mixRgb(base, [255, 255, 255], (t - 0.5) * 0.6);
  }
  return hslToRgb(LAYER_HUES[(layer - 1) % LAYER_HUES.length] + (t - 0.5) * 24, 80, 30 + 32 * t);
}
function neuronColour(layer, index, width) {
  const [r, g, b] = neuronRgb(layer, index, width);
  return `rgb(${r},${g},${b})`;
}
/** Text colour on a neuron button filled with its colour: black or white, whichever contrasts more (WCAG). */
function inkOn(rgb) {
  const lin = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const L = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
  return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? '#000' : '#fff';
}

/** Class fills for k >= 3 classes (shared with the figures, render.h class_fill): light muted tones. */
const CLASS_FILLS = ['#f4c7a1', '#a8d5c9', '#c9b8e0', '#f2e29b', '#a9c7e8', '#e8a9bf', '#cfd9a0', '#d7c0a8', '#b5e0e8', '#e0b8d8']
  .map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));
const classFill = c => CLASS_FILLS[c % CLASS_FILLS.length];
const rgbWord = ([r, g, b]) => (255 << 24 | b << 16 | g << 8 | r) >>> 0;
const cssRgb = ([r, g, b]) => `rgb(${r},${g},${b})`;

/** Colour words of one snapshot's prediction (the shared encoding): grey P(class 1) or regression output; for k
 *  classes mix(white, fill of the top class, conf), conf = (p - 1/k) / (1 - 1/k); or grey P(class c) for c >= 0. */
function predictionWords(run, k, words, cls) {
  const n = run.imageSize, nn = n * n, T = run.tiles, img = run.image, base = k * T * nn;
  if (T === 1 || cls >= 0) {
    const off = base + Math.max(0, cls) * nn;
    for (let i = 0; i < nn; i++) words[i] = PROB_LUT[img[off + i]];
    return;
  }
  const lut = classLut(run);
  for (let i = 0; i < nn; i++) {
    let top = 0, p = img[base + i];
    for (let c = 1; c < T; c++) { const q = img[base + c * nn + i]; if (q > p) { p = q; top = c; } }
    words[i] = lut[top * 256 + p];
  }
}
/** Per class and 8-bit probability, the colour word of the k-class encoding. */
function classLut(run) {
  if (run.classLut) return run.classLut;
  const k = run.tiles, lut = new Uint32Array(k * 256);
  for (let c = 0; c < k; c++)
    for (let v = 0; v < 256; v++) {
      const conf = Math.min(1, Math.max(0, (v / 255 - 1 / k) / (1 - 1 / k)));
      lut[c * 256 + v] = rgbWord(mixRgb([255, 255, 255], classFill(c), conf));
    }
  return (run.classLut = lut);
}
/** Colour of a class label in target backgrounds and points: black / white for two classes, the fills for k. */
const labelRgb = (run, label) => run.n_classes > 2 ? classFill(label) : label ? [255, 255, 255] : [0, 0, 0];

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
    const n = run.imageSize;
    ctx.drawImage(layerCache.put(n, n, w => predictionWords(run, k, w, f.cls)), 0, 0, S, S);
  } else if (view === 'target' && run.targetLabels) {
    const t = run.targetLabels;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layerCache.put(run.target.width, run.target.height, w => { for (let i = 0; i < t.length; i++) w[i] = rgbWord(labelRgb(run, t[i])); }), 0, 0, S, S);
  } else if (view === 'activation' && f.focus >= 0) {
    const a = neuronField(run, k, f.focus);
    ctx.drawImage(layerCache.put(a.n, a.n, w => { for (let i = 0; i < a.grey.length; i++) w[i] = PROB_LUT[a.grey[i]]; }), 0, 0, S, S);
  } else if (view === 'regions') {
    const grid = regionGrid(run, k);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layerCache.put(grid.n, grid.n, w => w.set(grid.colours)), 0, 0, S, S);
  }
  if (f.shade >= 0 && view !== 'activation') shadeActiveSide(ctx, S, run, k, f.shade);
  if (f.points) drawPoints(ctx, S, run, dpr);
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
  if (f.axes) drawDomainTicks(ctx, S, run, dpr);
  if (f.cursor) {  // the other panel's pointer, for comparing the same point
    const [u, v] = f.cursor;
    ctx.strokeStyle = 'rgba(255,255,255,0.8)';
    ctx.lineWidth = 1 * dpr;
    ctx.beginPath();
    ctx.arc(u * S, (1 - v) * S, 6 * dpr, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/** The dataset's points over the picture: training points filled in their label's colour, test points hollow
 *  rings; each with a contrasting outline so both show on every background. */
function drawPoints(ctx, S, run, dpr) {
  const P = run.points();
  if (!P) return;
  const r = Math.max(1.6, Math.min(3.2, S / dpr / 160)) * dpr;
  ctx.lineWidth = 1 * dpr;
  for (const test of [0, 1])
    for (let i = 0; i < P.n; i++) {
      if (P.test[i] !== test) continue;
      const fill = labelRgb(run, P.label[i]), x = P.u[i] * S, y = (1 - P.v[i]) * S;
      const rgb = run.n_classes > 2 ? mixRgb(fill, [0, 0, 0], 0.45) : fill;  // k classes: a deeper shade than the area
      ctx.beginPath(); ctx.arc(x, y, test ? r * 1.25 : r, 0, 2 * Math.PI);
      if (test) {
        ctx.strokeStyle = 'rgba(20,20,20,0.9)'; ctx.lineWidth = 3 * dpr; ctx.stroke();
        ctx.strokeStyle = cssRgb(rgb); ctx.lineWidth = 1.5 * dpr; ctx.stroke();
      } else {
        ctx.fillStyle = cssRgb(rgb); ctx.fill();
        ctx.strokeStyle = P.label[i] || run.n_classes > 2 ? 'rgba(255,255,255,0.9)' : 'rgba(235,235,235,0.85)'; ctx.lineWidth = 1 * dpr; ctx.stroke();
      }
    }
}

/** Domain ticks inside the picture's bottom and left edges: both ends and the middle, in domain coordinates. */
function drawDomainTicks(ctx, S, run, dpr) {
  const [x0, x1, y0, y1] = run.domain, fmt = v => String(+v.toPrecision(3));
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.lineWidth = 1 * dpr;
  const label = (text, x, y, align, base) => {
    ctx.textAlign = align; ctx.textBaseline = base;
    ctx.strokeStyle = 'rgba(12,14,18,0.85)'; ctx.lineWidth = 3 * dpr; ctx.strokeText(text, x, y);
    ctx.fillStyle = '#e8ebf0'; ctx.fillText(text, x, y);
  };
  for (const [t, align] of [[0, 'left'], [0.5, 'center'], [1, 'right']]) {
    ctx.fillStyle = '#e8ebf0'; ctx.fillRect(t * S - (t === 1 ? 1 : 0) * dpr, S - 5 * dpr, 1 * dpr, 5 * dpr);
    label(fmt(x0 + t * (x1 - x0)), t * S + (t === 0 ? 3 : t === 1 ? -3 : 0) * dpr, S - 7 * dpr, align, 'bottom');
    if (t > 0) label(fmt(y0 + t * (y1 - y0)), 7 * dpr, (1 - t) * S + (t === 1 ? 3 : 0) * dpr, 'left', t === 1 ? 'top' : 'middle');
  }
}

/** Per snapshot and neuron, the neuron's activation on a 96 x 96 grid: {n, z (pre-activation), grey (the activation
 *  scaled to its range, 8 bits)}. Cached (a few at a time). */
function neuronField(run, k, id) {
  const cache = run.fieldCache || (run.fieldCache = new Map()), key = k * 65536 + id;
  if (cache.has(key)) return cache.get(key);
  const n = 96, [x0, x1, y0, y1] = run.domain, l = run.neuronLayer[id] - 1, i = run.neuronIndex[id] - 1;
  const z = new Float32Array(n * n), act = run.layers[l].activation;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      z[r * n + c] = forwardPoint(run, k, x0 + (c + 0.5) / n * (x1 - x0), y1 - (r + 0.5) / n * (y1 - y0), l + 1).pre[l][i];
  let lo = Infinity, hi = -Infinity;
  const a = z.map(v => activate(act, v, run.layers[l].negative_slope?.[i], run.layers[l].alpha));
  for (const v of a) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const grey = new Uint8Array(n * n);
  for (let j = 0; j < a.length; j++) grey[j] = hi > lo ? Math.round(255 * (a[j] - lo) / (hi - lo)) : 128;
  const field = { n, z, grey, lo, hi };
  if (cache.size > 32) cache.delete(cache.keys().next().value);
  cache.set(key, field);
  return field;
}

/** Shades the side of the plane where neuron `id` is active (pre-activation > 0) in its colour, translucent. */
function shadeActiveSide(ctx, S, run, k, id) {
  const f = neuronField(run, k, id), [r, g, b] = neuronRgb(run.neuronLayer[id], run.neuronIndex[id], run.widths[run.neuronLayer[id] - 1]);
  const layer = run.shadeLayer || (run.shadeLayer = new PixelLayer()), on = rgbWord([r, g, b]) & 0x59ffffff;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(layer.put(f.n, f.n, w => { for (let i = 0; i < f.z.length; i++) w[i] = f.z[i] > 0 ? on : 0; }), 0, 0, S, S);
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

/** Class names: "class 0".."class k-1", the label numbers (as in P(class 1) of two-class heads; tasks carry no names). */
const className = (run, c) => (run.class_names && run.class_names[c]) || `class ${c}`;

/** Legend of a panel's picture: {bar: 'grey' | 'regions' | null, html}; the points' key when they are drawn. */
function legendSpec(run, view, cls, points = false) {
  const spec = backgroundLegend(run, view, cls), P = points && run.points();
  if (P) spec.html += ` <span class="muted">· points: filled training, hollow test${P.n < P.nTotal ? ` (${P.n.toLocaleString('en')} of ${P.nTotal.toLocaleString('en')})` : ''}</span>`;
  return spec;
}
function backgroundLegend(run, view, cls) {
  const swatches = (label, classes) => classes.map(c =>
    `<span class="swatch" style="--c:${cssRgb(labelRgb(run, c))}"></span>${escapeHtml(label(c))}`).join(' ');
  const all = Array.from({ length: run.n_classes }, (_, c) => c);
  if (view === 'pred') {
    if (run.kind === 'regression') {
      const [lo, hi] = run.output.range.map(v => formatNumber(v));
      return { bar: 'grey', html: `output: ${lo} (black) … ${hi} (white), clipped outside [${lo}, ${hi}] <span class="muted">· yellow line: output = 0.5</span>` };
    }
    if (run.kind === 'classes' && cls < 0)
      return { bar: null, html: swatches(c => className(run, c), all) + ' <span class="muted">· paler: less sure (white: all equal)</span>' };
    return { bar: 'grey', html: `P(${run.kind === 'classes' ? className(run, cls) : 'class 1'}): 0 … 1, fixed scale` };
  }
  if (view === 'target') return run.target ? { bar: null, html: 'target: ' + swatches(c => run.n_classes > 2 ? className(run, c) : `label ${c}`, all) }
    : { bar: null, html: 'this task defines labels only at its points' };
  if (view === 'regions') return { bar: 'regions', html: 'activation regions: one colour per on/off pattern' };
  if (view === 'activation') return { bar: 'grey', html: 'activation of the selected neuron: its smallest (black) … largest (white) value here' };
  return { bar: null, html: '' };
}

/** The legend bar for the current background ('grey' 0 -> 1, 'regions', or the 3-D view's 'surface'). */
function drawLegend(ctx, w, h, bar) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (bar === 'grey') {
    for (let x = 0; x < w; x++) {
      const c = PROB_LUT[Math.round(x / (w - 1) * 255)];
      ctx.fillStyle = `rgb(${c & 255},${c >> 8 & 255},${c >> 16 & 255})`;
      ctx.fillRect(x, 0, 1, h);
    }
  } else if (bar === 'surface') {  // the 3-D view's viridis (surface.js)
    for (let x = 0; x < w; x++) {
      const [r, g, b] = surfaceRgb(x / (w - 1));
      ctx.fillStyle = `rgb(${r | 0},${g | 0},${b | 0})`;
      ctx.fillRect(x, 0, 1, h);
    }
  } else if (bar === 'regions') {
    for (let x = 0; x < w; x += Math.max(1, w / 24 | 0)) {
      const c = regionRgb([x & 1, x >> 1 & 1, x >> 2 & 1, x >> 3 & 1, x >> 4 & 1]);
      ctx.fillStyle = `rgb(${c & 255},${c >> 8 & 255},${c >> 16 & 255})`;
      ctx.fillRect(x, 0, Math.max(1, w / 24 | 0), h);
    }
  }
}
