// ginn viewer, part 3 of 10: the curves under each other (loss, event timeline, region counts) on one x axis, and the
// number formats. Not the picture (draw.js) nor the event markers (findings.js).
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
function drawCurve(ctx, w, h, run, k, logX, dpr, others = []) {
  const s = run.snapshots, n = run.n;
  const pad = { l: CURVE_PAD_L * dpr, r: CURVE_PAD_R * dpr, t: 16 * dpr, b: 20 * dpr };
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#15181e';
  ctx.fillRect(0, 0, w, h);
  const series = [['loss_batch', 'rgba(150,160,180,0.35)', []], ['loss', '#e8e6df', []], ['loss_test', '#f29e4c', [5 * dpr, 4 * dpr]]]
    .filter(([key]) => s[key]);
  let lo = Infinity, hi = -Infinity;
  for (const [key] of series) for (const v of s[key]) if (v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  for (const o of others) for (const v of o.snapshots.loss) if (v > 0 && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!isFinite(lo)) { lo = 0.01; hi = 1; }
  let ylo = Math.log10(lo), yhi = Math.log10(hi);
  const span = Math.max(0.05, yhi - ylo);
  ylo -= span * 0.06; yhi += span * 0.06;
  const it = s.iteration, lx = v => Math.log10(1 + v);
  const xs = snapshotXs(run, w, logX, dpr), W = w - pad.l - pad.r, H = h - pad.t - pad.b;
  const Y = v => pad.t + H * (1 - (Math.log10(v) - ylo) / (yhi - ylo));
  // grid and axes: ticks at least 14 px apart (lossTicks), axis titles
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = '#8a93a3';
  ctx.strokeStyle = 'rgba(255,255,255,0.07)';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (const v of lossTicks(10 ** ylo, 10 ** yhi, H / (14 * dpr))) {
    const y = Y(v);
    ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(w - pad.r, y); ctx.stroke();
    ctx.fillText(formatNumber(v), pad.l - 5 * dpr, y);
  }
  ctx.save();
  ctx.translate(9 * dpr, pad.t + H / 2); ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  ctx.fillText('loss (log)', 0, 0);
  ctx.restore();
  ctx.textAlign = 'right'; ctx.textBaseline = 'top';
  ctx.fillText(logX ? 'iteration (log)' : 'iteration (snapshots evenly spaced)', w - pad.r, h - pad.b + 5 * dpr);
  const titleW = ctx.measureText(logX ? 'iteration (log)' : 'iteration (snapshots evenly spaced)').width + 30 * dpr;
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  const ticks = 6;
  let lastX = -Infinity;
  for (let j = 0; j <= ticks; j++) {
    const i = Math.round(j / ticks * (n - 1)), x = logX ? null : xs[i];
    const label = logX ? null : it[i];
    if (x !== null && x - lastX > 50 * dpr && x < w - pad.r - titleW) { ctx.fillText(formatCount(label), x, h - pad.b + 5 * dpr); lastX = x; }
  }
  if (logX) for (let e = 0; 10 ** e <= it[n - 1]; e++) {
    const i = nearestIteration(it, 10 ** e), x = pad.l + W * (lx(10 ** e) - lx(it[0])) / Math.max(1e-9, lx(it[n - 1]) - lx(it[0]));
    if (x >= pad.l && x - lastX > 30 * dpr && x < w - pad.r - titleW) { ctx.fillText(formatCount(10 ** e), x, h - pad.b + 5 * dpr); lastX = x; }
  }
  // the other runs' losses (compare mode), each at the x of this run's snapshot nearest its iteration
  for (const o of others) {
    ctx.beginPath();
    o.snapshots.loss.forEach((v, i) => {
      if (!(v > 0) || !isFinite(v)) return;
      const x = xs[nearestIteration(it, o.snapshots.iteration[i])];
      if (i) ctx.lineTo(x, Y(v)); else ctx.moveTo(x, Y(v));
    });
    ctx.strokeStyle = runColour(o); ctx.lineWidth = 1.4 * dpr; ctx.stroke();
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
  const keys = [...series.map(([key, colour]) => [{ loss: others.length ? `loss ${run.name}` : 'loss (train set)', loss_test: 'test loss', loss_batch: 'minibatch loss' }[key], colour]),
    ...others.map(o => [`loss ${o.name}`, runColour(o)])];
  for (const [label, colour] of keys.reverse()) {
    ctx.fillStyle = colour === 'rgba(150,160,180,0.35)' ? '#8a93a3' : colour;
    ctx.fillText(label, kx, 2 * dpr);
    kx -= ctx.measureText(label).width + 14 * dpr;
  }
  return xs;
}

/** Loss-curve colour of another run in compare mode (Okabe-Ito, by run index). */
const runColour = r => ['#56b4e9', '#cc79a7', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#e69f00'][r.index % 7];

/** Colours of the region-count curve: activation regions (solid) and linear regions (dashed). */
const REGION_COLOURS = { activation: '#5ec8c0', linear: '#b48cf0' };

/**
 * Draws activation and linear region counts over training (linear y from 0) at the snapshots' x positions `xs`,
 * with the current snapshot marked. Counts come with the run (geometry.h); smooth networks have none.
 */
function drawRegionCurve(ctx, w, h, run, k, xs, dpr) {
  const c = run.counts, n = run.n, pad = { l: CURVE_PAD_L * dpr, r: CURVE_PAD_R * dpr, t: 15 * dpr, b: 4 * dpr };
  const same = c.linear.every((v, i) => v === c.activation[i]);  // then one line, and the key says so
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#15181e';
  ctx.fillRect(0, 0, w, h);
  let hi = 1;
  for (const v of c.activation) if (v > hi) hi = v;
  const Y = v => pad.t + (h - pad.t - pad.b) * (1 - v / hi);
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = '#8a93a3'; ctx.strokeStyle = 'rgba(255,255,255,0.07)'; ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  for (const [v, base] of [[hi, 'middle'], [0, 'bottom']]) {
    ctx.beginPath(); ctx.moveTo(pad.l, Y(v)); ctx.lineTo(w - pad.r, Y(v)); ctx.stroke();
    ctx.textBaseline = base; ctx.fillText(formatCount(v), pad.l - 5 * dpr, Y(v));
  }
  for (const [key, dash] of same ? [['activation', []]] : [['linear', [4 * dpr, 3 * dpr]], ['activation', []]]) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) if (i) ctx.lineTo(xs[i], Y(c[key][i])); else ctx.moveTo(xs[i], Y(c[key][i]));
    ctx.setLineDash(dash); ctx.strokeStyle = REGION_COLOURS[key]; ctx.lineWidth = 1.5 * dpr; ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = DECISION_COLOUR; ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath(); ctx.moveTo(xs[k], pad.t); ctx.lineTo(xs[k], h - pad.b); ctx.stroke();
  ctx.fillStyle = DECISION_COLOUR;
  for (const key of ['activation', 'linear']) { ctx.beginPath(); ctx.arc(xs[k], Y(c[key][k]), 3 * dpr, 0, 2 * Math.PI); ctx.fill(); }
  // key with the current counts, above the plot (it covers no part of the curve)
  ctx.textAlign = 'left'; ctx.textBaseline = 'top';
  const labels = same ? [['activation', `regions ${c.activation[k].toLocaleString('en')} (activation = linear at every snapshot: one line)`]]
    : ['activation', 'linear'].map(key => [key, `${key} regions ${c[key][k].toLocaleString('en')}${key === 'linear' ? ' (dashed)' : ''}`]);
  let kx = pad.l + 2 * dpr;
  for (const [key, label] of labels) {
    ctx.fillStyle = REGION_COLOURS[key];
    ctx.fillText(label, kx, 2 * dpr);
    kx += ctx.measureText(label).width + 14 * dpr;
  }
}

/** Loss-axis tick values between lo and hi (> 0) with at most maxTicks of them: 1-2-5 per decade, or powers of ten
 *  (every 1, 2, 3 ... decades) for wide ranges, or evenly spaced round values for ranges narrower than a decade. */
function lossTicks(lo, hi, maxTicks) {
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi)), inside = v => v >= lo && v <= hi;
  const mult = [];
  for (let e = e0; e <= e1; e++) for (const m of [1, 2, 5]) if (inside(m * 10 ** e)) mult.push(m * 10 ** e);
  if (mult.length >= 2 && mult.length <= maxTicks) return mult;
  if (mult.length > maxTicks) {
    for (let step = 1; ; step++) {
      const p = [];
      for (let e = e0; e <= e1; e++) if (e % step === 0 && inside(10 ** e)) p.push(10 ** e);
      if (p.length <= Math.max(2, maxTicks)) return p;
    }
  }
  const raw = (hi - lo) / Math.max(2, Math.min(5, maxTicks)), mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(m => m * mag).find(v => v >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(+v.toPrecision(6));
  return out;
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

