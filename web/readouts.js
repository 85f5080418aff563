// ginn viewer, part 7 of 10: the readouts: the picture's caption, the side table, and the tooltips on neurons, on the
// picture and on the curves. Not the state or the controls (viewer.js): it reads them.

/** The picture's caption: run, iteration, loss, and the approximation note for smooth networks. */
function captionText(r, k) {
  const s = r.snapshots, approx = r.exact[k] ? '' : ` · approximate boundaries (grid ${r.approx_grid || 256})`;
  if (r.imported) return `${r.name} · ${r.summary.model} · no training run${approx}`;
  return `${r.name} · iteration ${s.iteration[k].toLocaleString('en')} · loss ${formatNumber(s.loss[k])}${approx}`;
}

function renderReadout(r, k) {
  const s = r.snapshots, c = r.counts, rows = r.imported ? [['network', r.summary.model], ['training', 'none recorded']] : [
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
  const P = r.points();
  if (P) rows.push(['points', `${P.n - P.nTest} train · ${P.nTest} test` + (P.n < P.nTotal ? ` (${P.n.toLocaleString('en')} of ${P.nTotal.toLocaleString('en')} shown)` : '')]);
  $('#readout').innerHTML = rows.map(([a, b]) => `<dt>${a}</dt><dd class="mono">${b}</dd>`).join('');
}

// ---- tooltips

const tip = document.getElementById('tip');
let tipNeuron = -1, tipRect = null;
function hideTip() { tip.hidden = true; tipNeuron = -1; }
function placeTip(x, y) {
  tip.hidden = false;
  const w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.left = Math.max(4, Math.min(window.innerWidth - w - 4, x + 14)) + 'px';
  tip.style.top = Math.max(4, Math.min(window.innerHeight - h - 4, y + 14)) + 'px';
}
/** A tooltip of ready-made HTML at the pointer (the diagram's summary blocks). */
function showHtmlTip(html, x, y) { tipNeuron = -1; tip.innerHTML = html; placeTip(x, y); }
function showNeuronTip(id, rect) {
  tipNeuron = id; tipRect = rect;
  const r = run(), k = state.k, l = r.neuronLayer[id], i = r.neuronIndex[id], L = r.layer(k, l - 1);
  const w = Array.from(L.W.subarray((i - 1) * L.nIn, i * L.nIn)), frac = activeFractions(r, k)[id];
  const st = neuronStatus(r, k)[id];
  const ws = w.length <= 16 ? w.map(v => formatNumber(+v.toPrecision(3))).join(', ')
    : `${w.length} inputs, |w| max ${formatNumber(Math.max(...w.map(Math.abs)))}`;
  tip.innerHTML = `<b style="color:${neuronColour(l, i, r.widths[l - 1])}">layer ${l} · neuron ${i}</b>` +
    `<div>w = [${ws}]</div><div>b = ${formatNumber(+L.b[i - 1].toPrecision(4))}</div>` +
    `<div>${r.layers[l - 1].activation === 'relu' ? 'active' : 'pre-activation positive'} on ${(100 * frac).toFixed(1)}% of the domain</div>` +
    (st && !badgesAt(r, id, k).includes(st === 'dead' ? 'dead' : 'always on')  // the findings' line says since when
      ? `<div class="warn">${STATUS_TEXT[st]}</div>` : '') +
    findingsTipHtml(r, id, k);
  placeTip(rect.right, rect.top);
}
function showPointTip(which, u, v, ev) {
  tipNeuron = -1;
  const r = panelRun(which), k = panelK(which);
  const [x, y] = r.toDomain(u, v), { pre, out } = forwardPoint(r, k, x, y), o = headOutput(r, out);
  const tw = r.target ? r.target.width : 0, th = r.target ? r.target.height : 0;
  const t = r.targetLabels ? r.targetLabels[Math.min(th - 1, Math.floor((1 - v) * th)) * tw + Math.min(tw - 1, Math.floor(u * tw))] : null;
  const active = pre.map((z, l) => `<div><span style="color:${layerColour(l + 1)}">L${l + 1}</span> ${Array.from(z).filter(v => v > 0).length}/${z.length} on: ` +
    `${Array.from(z).map((v, i) => v > 0 ? i + 1 : null).filter(v => v !== null).join(' ') || 'none'}</div>`).join('');
  let head;
  if (o.probs) head = o.probs.map((p, c) => `<div${c === o.top ? ' class="top"' : ''}><span class="swatch" style="--c:${cssRgb(classFill(c))}"></span>` +
    `P(${escapeHtml(className(r, c))}) <b class="mono">${p.toFixed(3)}</b></div>`).join('');
  else if (o.value !== undefined) {
    const [lo, hi] = r.output.range, clipped = o.value < lo || o.value > hi;
    head = `<div>output <b class="mono">${formatNumber(o.value)}</b>${clipped ? ` <span class="muted">(outside [${formatNumber(lo)}, ${formatNumber(hi)}]: drawn clipped)</span>` : ''}</div>`;
  } else head = `<div>P(class 1) <b class="mono">${o.p.toFixed(3)}</b></div>`;
  const target = t === null ? '' : `<div>target <b>${r.n_classes > 2 ? escapeHtml(className(r, t)) : t}</b></div>`;
  tip.innerHTML = `<div class="mono">x ${x.toFixed(3)}, y ${y.toFixed(3)}</div>${head}${target}${active}`;
  placeTip(ev.clientX, ev.clientY);
}

/** Hover readout on the loss and region curves: the snapshot under the pointer and its numbers. */
function showCurveTip(ev) {
  if (!curveXs) return;
  tipNeuron = -1;
  const r = run(), i = curveSnapshot(ev), s = r.snapshots, c = r.counts;
  const rows = [['iteration', s.iteration[i].toLocaleString('en')], ['loss', formatNumber(s.loss[i])], ['minibatch loss', formatNumber(s.loss_batch[i])]];
  if (s.loss_test) rows.push(['test loss', formatNumber(s.loss_test[i])]);
  if (r.exact[i]) rows.push(['regions', `${c.activation[i].toLocaleString('en')} activation · ${c.linear[i].toLocaleString('en')} linear`]);
  tip.innerHTML = `<div class="muted">snapshot ${i + 1} of ${r.n} · click to go there</div>` + rows.map(([a, b]) => `<div>${a} <b class="mono">${b}</b></div>`).join('');
  placeTip(ev.clientX, ev.clientY);
}
