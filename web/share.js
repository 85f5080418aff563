// ginn viewer, part 6 of 10: what leaves the page: the URL fragment (run, snapshot, selection, view) and the picture
// exports (PNG at 3x, SVG with vector boundaries), each with caption and legend. Not the on-screen drawing (draw.js).

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
  if (state.cls >= 0) p.set('cls', state.cls);
  if (state.points !== null) p.set('pts', state.points ? '1' : '0');
  if (state.palette === 'cb') p.set('pal', 'cb');
  if (state.surface) p.set('3d', '1');
  return '#' + p.toString();
}
let hashTimer = 0;
function scheduleHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => { const h = hashText(); if (location.hash !== h) history.replaceState(null, '', h); }, 150);
}
function applyHash(text) {
  const p = new URLSearchParams(text.replace(/^#/, ''));
  if (!p.has('run') && !p.has('k') && !p.has('snapshot') && !p.has('neurons')) return false;
  const i = Math.max(0, Math.min(RUNS.length - 1, +p.get('run') || 0));
  if (i !== state.run) { state.run = i; buildNeurons(); ensureImages(run()); }
  $('#slider').max = run().n - 1;
  const kText = p.get('k') ?? p.get('snapshot');
  state.k = kText === null ? run().n - 1 : Math.max(0, Math.min(run().n - 1, +kText || 0)); state.pos = state.k;
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
    const keys = p.get('neurons').split(',').map(labelKey).filter(Boolean);
    state.sel = new Set(keys);
    state.notice = boundaryNotice(run(), state.k, keys);
  } else {
    const r = run();
    state.sel = new Set(Array.from({ length: r.nNeurons }, (_, id) => key(r.neuronLayer[id], r.neuronIndex[id])));
  }
  state.decision = p.get('db') !== '0';
  state.logX = p.get('logx') === '1';
  state.cls = p.has('cls') ? Math.max(-1, Math.min(run().n_classes - 1, Math.floor(+p.get('cls')) || 0)) : -1;
  state.points = p.has('pts') ? p.get('pts') === '1' : null;
  state.surface = p.get('3d') === '1';
  if ((p.get('pal') === 'cb') !== (state.palette === 'cb')) { PALETTE = state.palette = p.get('pal') === 'cb' ? 'cb' : 'standard'; buildNeurons(); }
  state.compare = p.has('cmp');
  if (state.compare) { state.bRun = Math.max(0, Math.min(RUNS.length - 1, +p.get('cmp') || 0)); state.bPin = p.has('pin'); state.bK = +p.get('pin') || 0; }
  layout();
  return true;
}

// ---- exports: the panels on screen, redrawn at EXPORT_SCALE without cursor or hover, with a caption and legend

const EXPORT_SCALE = 3;

/** The frames to export (panel a, and b in compare mode) without pointer artefacts. */
function exportFrames() {
  return panelIds().map(framePanel).map(f => ({ ...f, cursor: null, hover: -1, exported: true }));
}
function panelCaption(f) { return captionText(f.run, f.k); }
function legendText(f) { return panelLegend(f).html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim(); }

/** `text` broken at spaces into lines at most `width` wide in `font` (the legend under a PNG export). */
function wrapText(text, font, width) {
  const cx = document.createElement('canvas').getContext('2d');
  cx.font = font;
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && cx.measureText(next).width > width) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

function download(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
/** Panel i's top-left corner in a grid of cells S + capH high: one row for up to two panels, else ceil(sqrt(n))
 *  columns. Returns {cols, rows, at(i) -> [x, y]}. */
function exportGrid(n, S, gap, capH) {
  const cols = n <= 2 ? n : Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
  return { cols, rows, w: cols * S + (cols - 1) * gap, h: rows * (S + capH), at: i => [(i % cols) * (S + gap), Math.floor(i / cols) * (S + capH)] };
}
const exportName = ext => run().imported ? `ginn-${run().name}.${ext}` : `ginn-${run().name}-it${run().snapshots.iteration[state.k]}.${ext}`;

/** PNG: each panel redrawn at EXPORT_SCALE x its on-screen size, its caption under it and the legend at the bottom. */
function exportPng() {
  const frames = exportFrames(), S = Math.round(canvases.a.width / dpr) * EXPORT_SCALE, gap = 8 * EXPORT_SCALE;
  const capH = 18 * EXPORT_SCALE, lineH = 18 * EXPORT_SCALE, out = document.createElement('canvas');
  const G = exportGrid(frames.length, S, gap, capH), font = `${11 * EXPORT_SCALE}px system-ui, sans-serif`;
  const legend = wrapText(legendText(frames[0]), font, G.w - 8 * EXPORT_SCALE);
  out.width = G.w; out.height = G.h + legend.length * lineH;
  const cx = out.getContext('2d');
  cx.fillStyle = '#0c0e12'; cx.fillRect(0, 0, out.width, out.height);
  frames.forEach((f, i) => {
    const c = document.createElement('canvas');
    c.width = c.height = S;
    if (f.surface) drawSurface(c.getContext('2d'), S, { ...f, dpr: EXPORT_SCALE });  // what is on screen: the 3-D view
    else drawPicture(c.getContext('2d'), S, { ...f, dpr: EXPORT_SCALE }, new PixelLayer());
    const [x0, y0] = G.at(i);
    cx.drawImage(c, x0, y0);
    cx.fillStyle = '#c4cad4'; cx.font = font; cx.textAlign = 'center'; cx.textBaseline = 'middle';
    cx.fillText(panelCaption(f), x0 + S / 2, y0 + S + capH / 2, S);
  });
  cx.fillStyle = '#8a93a3'; cx.textAlign = 'left';
  legend.forEach((line, i) => cx.fillText(line, 4 * EXPORT_SCALE, G.h + (i + 0.5) * lineH));
  // toDataURL, not toBlob: Chromium encodes toBlob in idle time, seen to take 7 s headless; this is one synchronous step
  const bytes = atob(out.toDataURL('image/png').split(',')[1]), png = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) png[i] = bytes.charCodeAt(i);
  download(new Blob([png], { type: 'image/png' }), exportName('png'));
}

/** SVG: per panel the background as an embedded PNG (at the data's own resolution) and every drawn boundary as a
 *  vector path in unit coordinates scaled to the panel; in the 3-D view the projected surface as vector quads;
 *  caption and legend as text. */
function exportSvg() {
  const frames = exportFrames(), S = 600, gap = 16, capH = 24, legH = 22, G = exportGrid(frames.length, S, gap, capH), W = G.w;
  const esc = t => escapeHtml(t), parts = [];
  const path = (lines, x0, y0) => lines.map(a => {
    let d = `M${(x0 + a[0] * S).toFixed(2)} ${(y0 + (1 - a[1]) * S).toFixed(2)}`;
    for (let i = 2; i < a.length; i += 2) d += `L${(x0 + a[i] * S).toFixed(2)} ${(y0 + (1 - a[i + 1]) * S).toFixed(2)}`;
    return d;
  }).join('');
  frames.forEach((f, i) => {
    const [x0, y0] = G.at(i), r = f.run, g = r.geometry(f.k);
    if (f.surface) {  // the 3-D view: its projected mesh as vector quads (surface.js' recorder), then the caption
      const rec = svgRecorder(x0, y0);
      drawSurface(rec, S, { ...f, dpr: 1 });
      parts.push(`<g>${rec.parts.join('')}</g>`);
      parts.push(`<text x="${x0 + S / 2}" y="${y0 + S + capH / 2}" text-anchor="middle" dominant-baseline="middle" fill="#333">${esc(panelCaption(f))}</text>`);
      return;
    }
    const bg = document.createElement('canvas');
    bg.width = bg.height = S;
    drawPicture(bg.getContext('2d'), S, { ...f, selected: new Set(), decision: false, hover: -1, axes: false, dpr: 1 }, new PixelLayer());
    parts.push(`<image x="${x0}" y="${y0}" width="${S}" height="${S}" href="${bg.toDataURL('image/png')}"/>`);
    parts.push(`<g fill="none" stroke-linecap="round" stroke-linejoin="round">`);
    for (const id of f.selected) if (g.neurons[id].length)
      parts.push(`<path d="${path(g.neurons[id], x0, y0)}" stroke="${neuronColour(r.neuronLayer[id], r.neuronIndex[id], r.widths[r.neuronLayer[id] - 1])}" stroke-width="1.7"/>`);
    if (f.decision && g.decision.length) {
      parts.push(`<path d="${path(g.decision, x0, y0)}" stroke="${DECISION_OUTLINE}" stroke-width="4.6"/>`);
      parts.push(`<path d="${path(g.decision, x0, y0)}" stroke="${DECISION_COLOUR}" stroke-width="2.6"/>`);
    }
    parts.push('</g>');
    parts.push(`<text x="${x0 + S / 2}" y="${y0 + S + capH / 2}" text-anchor="middle" dominant-baseline="middle" fill="#333">${esc(panelCaption(f))}</text>`);
  });
  parts.push(`<text x="4" y="${G.h + legH / 2}" dominant-baseline="middle" fill="#555">${esc(legendText(frames[0]))}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${G.h + legH}" viewBox="0 0 ${W} ${G.h + legH}" ` +
    `font-family="system-ui, sans-serif" font-size="13">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
  download(new Blob([svg], { type: 'image/svg+xml' }), exportName('svg'));
}
