// ginn viewer, part 1 of 10: decoding the inlined run data (docs/viewer.md) and evaluating the network in the page.
// Not drawing (draw.js, diagram.js) and not the UI (viewer.js). All files share one <script> scope.
'use strict';

/** The RGBA pixels of a PNG data URL: {width, height, data}. */
async function pngPixels(url) {
  const img = new Image();
  img.src = url;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const cx = c.getContext('2d', { willReadFrequently: true });
  cx.drawImage(img, 0, 0);
  return cx.getImageData(0, 0, c.width, c.height);
}

/** zlib (RFC 1950) bytes -> inflated bytes. */
async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** base64 text -> bytes. */
function b64Bytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** One run as the page uses it: the JSON plus lazily decoded geometry, weights and images. */
class RunData {
  constructor(json, index) {
    Object.assign(this, json);
    this.geometryText = json.geometry;  // base64 of zlib of every snapshot's stream; unpackWeights() inflates it
    this.geometryBytes = null;          // the inflated streams, after unpackWeights()
    this.geometryStart = [0];           // snapshot k's stream: geometryBytes[geometryStart[k] .. geometryStart[k + 1])
    for (const n of json.geometry_sizes || []) this.geometryStart.push(this.geometryStart[this.geometryStart.length - 1] + n);
    this.geometryScale = json.geometry_scale || 65535;
    delete this.geometry;
    this.json_points = json.points;  // points() decodes
    delete this.points;
    this.kind = (json.output && json.output.kind) || (json.n_classes > 2 ? 'classes' : 'probability');
    this.index = index;
    this.n = json.snapshots.iteration.length;
    this.widths = json.layers.slice(0, -1).map(l => l.n_out);
    this.nNeurons = this.widths.reduce((a, b) => a + b, 0);
    // neuron id (0..nNeurons-1, layer by layer) <-> (layer from 1, index from 1)
    this.neuronLayer = []; this.neuronIndex = []; this.layerStart = [];
    let id = 0;
    this.widths.forEach((w, l) => {
      this.layerStart.push(id);
      for (let i = 0; i < w; i++, id++) { this.neuronLayer.push(l + 1); this.neuronIndex.push(i + 1); }
    });
    // weights: float32 per snapshot, per layer W (n_out x n_in row-major) then b
    this.paramsPerSnapshot = json.layers.reduce((a, l) => a + l.n_out * (l.n_in + 1), 0);
    this.weightData = null;     // Float32Array after unpackWeights()
    this.geomCache = new Array(this.n);
    this.image = null;          // Uint8Array n * size * size after loadImages()
    this.imageSize = json.prediction.size;
    this.fractionCache = new Map();
    this.regionCache = new Map();
    this.regionColourCache = new Map();  // pattern hash (32-bit) -> colour word
  }

  /** Unpacks the weights and the boundaries (docs/viewer.md): zlib, then per snapshot the 4 byte planes back into
   *  floats, XOR-ed with the previous snapshot. Resolves when this.weightData, this.weightScale and the boundary
   *  streams (geometry(k)) are ready. */
  async unpackWeights() {
    if (this.geometry_packing === 'zlib') { this.geometryBytes = await inflate(b64Bytes(this.geometryText)); this.geometryText = null; }
    let bytes = b64Bytes(this.weights);
    if (this.weights_packing === 'xor-planes-zlib') {
      const planes = await inflate(bytes), per = this.paramsPerSnapshot * 4, nf = this.paramsPerSnapshot;
      bytes = new Uint8Array(planes.length);
      for (let at = 0; at < planes.length; at += per)
        for (let i = 0; i < per; i++) bytes[at + i] = planes[at + (i % 4) * nf + (i >> 2)] ^ (at > 0 ? bytes[at - per + i] : 0);
    }
    this.weightData = new Float32Array(bytes.buffer, 0, bytes.length / 4);
    this.weightScale = this.computeWeightScale();
  }

  /** Layer l (0-based, the output layer last) of snapshot k: {W, b, nIn, nOut, act, residual, slope (leaky_relu: one
 *  per neuron, or empty or absent for 0.01), alpha (elu)}. */
  layer(k, l) {
    let off = k * this.paramsPerSnapshot;
    for (let j = 0; j < l; j++) off += this.layers[j].n_out * (this.layers[j].n_in + 1);
    const L = this.layers[l];
    return {
      W: this.weightData.subarray(off, off + L.n_out * L.n_in),
      b: this.weightData.subarray(off + L.n_out * L.n_in, off + L.n_out * (L.n_in + 1)),
      nIn: L.n_in, nOut: L.n_out, act: L.activation, residual: L.residual, slope: L.negative_slope, alpha: L.alpha,
    };
  }

  /** Largest |w| per layer over the whole run: the diagram's fixed edge scale. */
  computeWeightScale() {
    const scale = this.layers.map(() => 1e-12);
    for (let k = 0; k < this.n; k++)
      for (let l = 0; l < this.layers.length; l++) {
        const W = this.layer(k, l).W;
        for (let i = 0; i < W.length; i++) { const a = Math.abs(W[i]); if (a > scale[l]) scale[l] = a; }
      }
    return scale;
  }

  /** Snapshot k's polylines in unit coordinates (u right, v up): {neurons: [[Float32Array x,y,...]...], decision}. */
  geometry(k) {
    if (this.geomCache[k]) return this.geomCache[k];
    const packed = this.geometryBytes !== null, S = this.geometryScale;
    const bytes = packed ? this.geometryBytes : b64Bytes(this.geometryText[k]);
    let p = packed ? this.geometryStart[k] : 0, x = 0, y = 0;
    const varint = () => {
      let v = 0, s = 0, b;
      do { b = bytes[p++]; v += (b & 127) * 2 ** s; s += 7; } while (b & 128);
      return v;
    };
    const signed = () => { const v = varint(); return v % 2 ? -(v + 1) / 2 : v / 2; };
    const lines = () => {
      const n = varint(), out = [];
      for (let j = 0; j < n; j++) {
        const m = varint(), a = new Float32Array(2 * m);
        for (let i = 0; i < m; i++) {
          x += signed(); y += signed();
          a[2 * i] = x / S; a[2 * i + 1] = y / S;
        }
        out.push(a);
      }
      return out;
    };
    const neurons = [];
    for (let i = 0; i < this.nNeurons; i++) neurons.push(lines());
    const g = { neurons, decision: lines() };
    this.geomCache[k] = g;
    return g;
  }

  /** Decodes the prediction atlas (delta-coded tiles, docs/viewer.md) into this.image: `tiles` planes of size^2
   *  bytes per snapshot (one, or one per class); resolves when done. */
  async loadImages() {
    const P = this.prediction, n = P.size, cols = P.cols, T = P.tiles || 1, nn = n * n;
    const rgba = await pngPixels(P.atlas), W = rgba.width;
    const out = new Uint8Array(this.n * T * nn);
    for (let t = 0; t < this.n * T; t++) {
      const r0 = Math.floor(t / cols) * n, c0 = (t % cols) * n, base = t * nn, prev = base - T * nn;
      for (let r = 0; r < n; r++) {
        let src = ((r0 + r) * W + c0) * 4, dst = base + r * n;
        for (let col = 0; col < n; col++, src += 4, dst++)
          out[dst] = P.delta && t >= T ? (out[prev + r * n + col] + rgba.data[src]) & 255 : rgba.data[src];
      }
    }
    this.image = out;
    this.tiles = T;
  }

  /** Target labels (one class per byte, Uint8Array width*height, row-major from the top) after loadTarget(); the
   *  task may define none (point clouds, CSV: this.target is null). */
  async loadTarget() {
    if (!this.target) return;
    const rgba = await pngPixels(this.target.png);
    const labels = new Uint8Array(rgba.width * rgba.height);
    for (let i = 0; i < labels.length; i++) labels[i] = rgba.data[4 * i];
    this.targetLabels = labels;
  }

  /** The dataset's points (point and CSV tasks), decoded once: {n, u, v (unit coordinates), label, test}. */
  points() {
    if (this.pointCache !== undefined) return this.pointCache;
    const P = this.json_points;
    if (!P) return (this.pointCache = null);
    const xy = b64Bytes(P.xy), label = b64Bytes(P.label), test = b64Bytes(P.test), n = P.n;
    const u = new Float32Array(n), v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      u[i] = (xy[4 * i] | xy[4 * i + 1] << 8) / 65535;
      v[i] = (xy[4 * i + 2] | xy[4 * i + 3] << 8) / 65535;
    }
    return (this.pointCache = { n, nTotal: P.n_total, u, v, label, test, nTest: test.reduce((a, b) => a + b, 0) });
  }

  /** Unit coordinates -> domain coordinates. */
  toDomain(u, v) {
    const [x0, x1, y0, y1] = this.domain;
    return [x0 + u * (x1 - x0), y0 + v * (y1 - y0)];
  }
}

// ---- the network in the page (the evaluation form of network.h: double precision in JS numbers)

/** act(z) of one neuron; `slope` is its leaky_relu slope below zero (PReLU: any; undefined: 0.01), `alpha` ELU's. */
function activate(act, z, slope = 0.01, alpha = 1) {
  switch (act) {
    case 'relu': return z > 0 ? z : 0;
    case 'leaky_relu': return z > 0 ? z : slope * z;
    case 'elu': return z > 0 ? z : alpha * Math.expm1(z);
    case 'softplus': return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    case 'tanh': return Math.tanh(z);
    case 'sigmoid': return 1 / (1 + Math.exp(-z));
    case 'swish': return z / (1 + Math.exp(-z));
    case 'gelu': return 0.5 * z * (1 + erf(z / Math.SQRT2));
    default: return z;
  }
}

/** Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7): enough for colouring and readouts. */
function erf(x) {
  const s = Math.sign(x); x = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}

/**
 * Forward pass at one domain point (x, y) for snapshot k. Returns {pre: [Float64Array per hidden layer], out}.
 * Hidden layer: z = W a + b (+ a when residual), a = act(z). Output layer is linear. nLayers < all: only the
 * pre-activations of the first nLayers hidden layers.
 */
function forwardPoint(run, k, x, y, nLayers = run.layers.length) {
  let a = new Float64Array([x, y]);
  const pre = [];
  for (let l = 0; l < nLayers; l++) {
    const L = run.layer(k, l), z = new Float64Array(L.nOut);
    for (let o = 0; o < L.nOut; o++) {
      let s = L.b[o];
      const row = o * L.nIn;
      for (let i = 0; i < L.nIn; i++) s += L.W[row + i] * a[i];
      z[o] = L.residual ? s + a[o] : s;
    }
    if (l === run.layers.length - 1) return { pre, out: z };
    pre.push(z);
    const next = new Float64Array(L.nOut);
    for (let o = 0; o < L.nOut; o++) next[o] = activate(L.act, z[o], L.slope?.[o], L.alpha);
    a = next;
  }
  return { pre, out: a };
}

/** What the head says at one point, from the logits: {p: P(class 1)} for two-class heads, {probs: [P(class c)],
 *  top} for k classes, {value} for regression (unclipped). */
function headOutput(run, out) {
  switch (run.head) {
    case 'softmax2': return { p: 1 / (1 + Math.exp(out[0] - out[1])) };
    case 'sigmoid': return { p: 1 / (1 + Math.exp(-out[0])) };
    case 'regression': return { value: out[0] };
    default: {
      const m = Math.max(...out), e = Array.from(out, z => Math.exp(z - m)), sum = e.reduce((a, b) => a + b, 0);
      const probs = e.map(v => v / sum);
      return { probs, top: probs.indexOf(Math.max(...probs)) };
    }
  }
}

/**
 * Pattern hashes on an n x n grid of pixel centres (row-major from the top): one 32-bit FNV-1a hash of the
 * on/off pattern per pixel, plus per-neuron on-counts. Used for the regions background and active fractions.
 */
function patternGrid(run, k, n) {
  const layers = [];
  for (let l = 0; l < run.layers.length - 1; l++) layers.push(run.layer(k, l));
  const [x0, x1, y0, y1] = run.domain;
  const hashes = new Uint32Array(n * n), onCount = new Uint32Array(run.nNeurons);
  const maxW = Math.max(2, ...run.widths);
  let a = new Float64Array(maxW), z = new Float64Array(maxW);
  for (let r = 0; r < n; r++) {
    const y = y1 - (r + 0.5) / n * (y1 - y0);
    for (let c = 0; c < n; c++) {
      a[0] = x0 + (c + 0.5) / n * (x1 - x0); a[1] = y;
      let h = 2166136261, id = 0;
      for (const L of layers) {
        for (let o = 0; o < L.nOut; o++) {
          let s = L.b[o];
          const row = o * L.nIn;
          for (let i = 0; i < L.nIn; i++) s += L.W[row + i] * a[i];
          if (L.residual) s += a[o];
          const on = s > 0;
          if (on) onCount[id]++;
          h = Math.imul(h ^ (on ? 1 + (id & 0xff) : 0), 16777619);
          id++;
          z[o] = L.act === 'relu' ? (on ? s : 0) : activate(L.act, s, L.slope?.[o], L.alpha);
        }
        const t = a; a = z; z = t;
      }
      hashes[r * n + c] = h >>> 0;
    }
  }
  return { hashes, onCount, n };
}
