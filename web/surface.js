// ginn viewer, part 9 of 10: the optional 3-D view of the output surface (issue item 12): the prediction over the
// domain as a shaded mesh on a canvas, rotatable by drag, with the conventions of the Cairo surfaces
// (src/render/surface.cpp): orthographic view from elevation 30 and azimuth -60 degrees (matplotlib's), a 1 x 1 x 0.75
// box, a floor of 10 filled contour bands, quads back to front (painter's algorithm), shading 0.55 + 0.45 |n . light|,
// the same five-stop viridis. Not a 3-D engine, and not the 2-D picture (draw.js).

const SURFACE_GRID = 48, SURFACE_BOX = 0.75, SURFACE_LEVELS = 10;
const SURFACE_STOPS = [[0x44, 0x01, 0x54], [0x3b, 0x52, 0x8b], [0x21, 0x91, 0x8c], [0x5e, 0xc9, 0x62], [0xfd, 0xe7, 0x25]];
const surfaceView = { elevation: 30, azimuth: -60 };  // degrees; dragging changes them (elevation 0..90)

/** surface_colour of render/surface.h: t in [0, 1] (clamped) to [r, g, b] 0..255. */
function surfaceRgb(t) {
  t = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 4;
  const i = Math.min(3, Math.floor(t)), f = t - i, a = SURFACE_STOPS[i], b = SURFACE_STOPS[i + 1];
  return [0, 1, 2].map(c => a[c] + (b[c] - a[c]) * f);
}

/** The camera of render/surface.cpp: eye, right and up vectors for the view. */
function surfaceCamera(view) {
  const el = view.elevation * Math.PI / 180, az = view.azimuth * Math.PI / 180;
  return {
    eye: [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)],
    right: [-Math.sin(az), Math.cos(az), 0],
    up: [-Math.sin(el) * Math.cos(az), -Math.sin(el) * Math.sin(az), Math.cos(el)],
  };
}
const dot3 = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** What the surface shows for a panel: {t: Float32Array (grid+1)^2 heights in 0..1 (row i from y0 upwards),
 *  title, lo, hi} from the decoded prediction images (the picture's own numbers: P(class 1), P(class c) of the class
 *  selector (class 0 when none is chosen), or the regression output on the labels' range); null before they load. */
function surfaceValues(run, k, cls) {
  if (!run.image) return null;
  const n = run.imageSize, T = run.tiles || 1, c = run.kind === 'classes' ? Math.max(0, cls) : 0;
  const base = (k * T + c) * n * n, N = SURFACE_GRID + 1, t = new Float32Array(N * N);
  for (let i = 0; i < N; i++) {
    const row = Math.min(n - 1, Math.floor((1 - i / SURFACE_GRID) * n));  // image rows run from the top
    for (let j = 0; j < N; j++) t[i * N + j] = run.image[base + row * n + Math.min(n - 1, Math.floor(j / SURFACE_GRID * n))] / 255;
  }
  if (run.kind === 'regression') return { t, title: 'output', lo: run.output.range[0], hi: run.output.range[1] };
  const pick = run.kind === 'classes' && cls < 0 ? ' (pick a class below)' : '';
  return { t, title: `P(${run.kind === 'classes' ? className(run, c) : 'class 1'})${pick}`, lo: 0, hi: 1 };
}

/** Draws the surface of frame f (draw.js' frame: run, k, cls, dpr) into a w x w canvas. */
function drawSurface(ctx, w, f) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, w, w);
  const v = surfaceValues(f.run, f.k, f.cls), font = 11 * f.dpr;
  ctx.font = `${font}px system-ui, sans-serif`; ctx.textAlign = 'center'; ctx.fillStyle = '#222';
  if (!v) { ctx.fillText('loading the prediction images …', w / 2, w / 2); return; }
  const cam = surfaceCamera(surfaceView), N = SURFACE_GRID + 1;
  // fit the box with room for ticks (as add_surface): extent of the corners in screen units
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const a of [-0.72, 0.72]) for (const b of [-0.72, 0.72]) for (const c of [-0.1, SURFACE_BOX + 0.05]) {
    const sx = dot3([a, b, c], cam.right), sy = dot3([a, b, c], cam.up);
    x0 = Math.min(x0, sx); x1 = Math.max(x1, sx); y0 = Math.min(y0, sy); y1 = Math.max(y1, sy);
  }
  const top = font * 1.8, scale = Math.min(w / (x1 - x0), (w - top) / (y1 - y0)) * 0.96;
  const cx = w / 2 - scale * (x0 + x1) / 2, cy = top + (w - top) / 2 + scale * (y0 + y1) / 2;
  const at = p => [cx + scale * dot3(p, cam.right), cy - scale * dot3(p, cam.up)];
  const node = (i, j, z) => [j / SURFACE_GRID - 0.5, i / SURFACE_GRID - 0.5, z];
  const quad = (ps, rgb) => {
    ctx.beginPath();
    ps.forEach((p, m) => { const [x, y] = at(p); m ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
    ctx.closePath();
    const css = `rgb(${rgb[0] | 0},${rgb[1] | 0},${rgb[2] | 0})`;
    ctx.fillStyle = css; ctx.strokeStyle = css; ctx.lineWidth = 0.6 * f.dpr;  // the edge hides seams between quads
    ctx.fill(); ctx.stroke();
  };
  const T = (i, j) => v.t[i * N + j], mean = (i, j) => (T(i, j) + T(i, j + 1) + T(i + 1, j) + T(i + 1, j + 1)) / 4;
  // 1. the floor: contour bands of each cell's mean
  for (let i = 0; i < SURFACE_GRID; i++) for (let j = 0; j < SURFACE_GRID; j++) {
    const band = Math.min(SURFACE_LEVELS - 1, Math.floor(mean(i, j) * SURFACE_LEVELS));
    quad([node(i, j, 0), node(i, j + 1, 0), node(i + 1, j + 1, 0), node(i + 1, j, 0)], surfaceRgb((band + 0.5) / SURFACE_LEVELS));
  }
  drawSurfaceAxes(ctx, f.run, v, cam, at, font, f.dpr);
  // 2. the surface: quads back to front, shaded by the normal against a light above the eye
  const light = [0, 1, 2].map(c => cam.eye[c] * 0.6 + cam.up[c] * 0.8 - cam.right[c] * 0.3), ll = Math.hypot(...light);
  const order = [];
  for (let i = 0; i < SURFACE_GRID; i++) for (let j = 0; j < SURFACE_GRID; j++)
    order.push([dot3([(j + 0.5) / SURFACE_GRID - 0.5, (i + 0.5) / SURFACE_GRID - 0.5, SURFACE_BOX * (T(i, j) + T(i + 1, j + 1)) / 2], cam.eye), i, j]);
  order.sort((a, b) => a[0] - b[0]);
  for (const [, i, j] of order) {
    const a = node(i, j, SURFACE_BOX * T(i, j)), b = node(i, j + 1, SURFACE_BOX * T(i, j + 1));
    const c = node(i + 1, j + 1, SURFACE_BOX * T(i + 1, j + 1)), d = node(i + 1, j, SURFACE_BOX * T(i + 1, j));
    const u = [c[0] - a[0], c[1] - a[1], c[2] - a[2]], s = [d[0] - b[0], d[1] - b[1], d[2] - b[2]];
    const nrm = [u[1] * s[2] - u[2] * s[1], u[2] * s[0] - u[0] * s[2], u[0] * s[1] - u[1] * s[0]];
    const shade = 0.55 + 0.45 * Math.abs(dot3(nrm, light)) / (Math.hypot(...nrm) * ll || 1);
    quad([a, b, c, d], surfaceRgb(mean(i, j)).map(x => x * shade));
  }
  ctx.fillStyle = '#222'; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
  const hint = f.exported ? '' : ' · drag to turn';  // an export has its own caption; nothing to drag there
  const when = f.run.imported ? '' : ` · iteration ${f.run.snapshots.iteration[f.k].toLocaleString('en')}`;
  ctx.fillText(`${v.title}${when}${hint}`, w / 2, font * 1.2);
}

/** The legend while the 3-D view is on: what height and colour mean, and what the view leaves out. */
function surfaceLegend(run, cls) {
  const v = surfaceValues(run, 0, cls), what = v ? v.title.replace(' (pick a class below)', '') : 'the prediction';
  const range = v ? `${formatNumber(v.lo)} (purple) … ${formatNumber(v.hi)} (yellow)` : '';
  return {
    bar: 'surface',
    html: `3-D view: height and colour = ${escapeHtml(what)}, ${range}; floor: ${SURFACE_LEVELS} contour bands ` +
      `<span class="muted">· the prediction images on a ${SURFACE_GRID} x ${SURFACE_GRID} mesh, seen from elevation ` +
      `${Math.round(surfaceView.elevation)}°, azimuth ${Math.round(surfaceView.azimuth)}°; boundaries and points are not drawn</span>`,
  };
}

/** A recorder with the part of the canvas 2-D API drawSurface uses, writing SVG elements instead of pixels: the
 *  3-D view's SVG export is the projected surface itself (painter's order kept), offset by (x0, y0). */
function svgRecorder(x0, y0) {
  const parts = [], fmt = v => (+v).toFixed(2), esc = t => escapeHtml(String(t));
  let path = '';
  const anchor = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };
  const baseline = { middle: 'middle', top: 'hanging', hanging: 'hanging', alphabetic: 'auto', bottom: 'text-after-edge' };
  return {
    parts, fillStyle: '#000', strokeStyle: '#000', lineWidth: 1, font: '11px sans-serif', textAlign: 'start', textBaseline: 'alphabetic',
    setTransform() {}, clearRect() {},
    fillRect(x, y, w, h) { parts.push(`<rect x="${fmt(x0 + x)}" y="${fmt(y0 + y)}" width="${fmt(w)}" height="${fmt(h)}" fill="${this.fillStyle}"/>`); },
    beginPath() { path = ''; },
    moveTo(x, y) { path += `M${fmt(x0 + x)} ${fmt(y0 + y)}`; },
    lineTo(x, y) { path += `L${fmt(x0 + x)} ${fmt(y0 + y)}`; },
    closePath() { path += 'Z'; },
    fill() { parts.push(`<path d="${path}" fill="${this.fillStyle}" stroke="${this.strokeStyle}" stroke-width="${fmt(this.lineWidth)}"/>`); path = ''; },
    stroke() { if (path) parts.push(`<path d="${path}" fill="none" stroke="${this.strokeStyle}" stroke-width="${fmt(this.lineWidth)}"/>`); },
    fillText(text, x, y) {
      const size = parseFloat(this.font) || 11;
      parts.push(`<text x="${fmt(x0 + x)}" y="${fmt(y0 + y)}" font-size="${fmt(size)}" text-anchor="${anchor[this.textAlign] || 'start'}" ` +
        `dominant-baseline="${baseline[this.textBaseline] || 'auto'}" fill="${this.fillStyle}">${esc(text)}</text>`);
    },
  };
}

/** The floor's frame, x and y ticks (ends and middle of the domain) on the floor edges nearer the eye, the z axis at
 *  the leftmost corner with its range. */
function drawSurfaceAxes(ctx, run, v, cam, at, font, dpr) {
  const corners = [[-0.5, -0.5, 0], [0.5, -0.5, 0], [0.5, 0.5, 0], [-0.5, 0.5, 0]];
  ctx.strokeStyle = '#222'; ctx.lineWidth = dpr;
  ctx.beginPath();
  corners.forEach((p, m) => { const [x, y] = at(p); m ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
  ctx.closePath(); ctx.stroke();
  const yEdge = dot3([0, -0.5, 0], cam.eye) > dot3([0, 0.5, 0], cam.eye) ? -0.5 : 0.5;
  const xEdge = dot3([-0.5, 0, 0], cam.eye) > dot3([0.5, 0, 0], cam.eye) ? -0.5 : 0.5;
  const zc = corners.reduce((a, b) => (dot3(a, cam.right) <= dot3(b, cam.right) ? a : b));
  const [dx0, dx1, dy0, dy1] = run.domain, fmt = x => String(+x.toPrecision(3));
  ctx.fillStyle = '#222'; ctx.font = `${font * 0.85}px system-ui, sans-serif`; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  const label = (p, text) => { const [x, y] = at(p); ctx.fillText(text, x, y); };
  for (const s of [0, 0.5, 1]) {
    label([s - 0.5, yEdge * 1.22, 0], fmt(dx0 + s * (dx1 - dx0)));
    label([xEdge * 1.22, s - 0.5, 0], fmt(dy0 + s * (dy1 - dy0)));
  }
  label([0, yEdge * 1.45, 0], 'x'); label([xEdge * 1.45, 0, 0], 'y');
  const [ax, ay] = at(zc), [bx, by] = at([zc[0], zc[1], SURFACE_BOX]);
  ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(bx, by); ctx.stroke();
  ctx.textAlign = 'right';
  for (const s of [0, 0.5, 1]) { const [x, y] = at([zc[0], zc[1], SURFACE_BOX * s]); ctx.fillText(fmt(v.lo + s * (v.hi - v.lo)), x - 5 * dpr, y); }
}

/** Dragging on `canvas` while active() turns the view (0.4 degrees per CSS pixel); calls changed() after each move. */
function bindSurfaceDrag(canvas, active, changed) {
  let last = null;
  canvas.addEventListener('pointerdown', ev => { if (active()) { last = [ev.clientX, ev.clientY]; canvas.setPointerCapture(ev.pointerId); } });
  canvas.addEventListener('pointermove', ev => {
    if (!last || !active()) return;
    surfaceView.azimuth -= (ev.clientX - last[0]) * 0.4;
    surfaceView.elevation = Math.min(90, Math.max(0, surfaceView.elevation + (ev.clientY - last[1]) * 0.4));
    last = [ev.clientX, ev.clientY];
    changed();
  });
  const end = () => { last = null; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}
