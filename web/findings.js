// ginn viewer, part 5 of 10: the analysis' findings (format "ginn-findings", docs/analysis.md): neuron badges, the
// event timeline under the loss curve, and jumping to events. Not the analysis itself (src/analysis*.cpp); the state
// and the controls it uses (run(), state, setK, tip) are in viewer.js.

// ---- neuron badges

/** Badge label prefix -> CSS class and glyph; also the order in which a neuron's marks are shown. */
const BADGES = [['dead', 'b-dead', '×'], ['always on', 'b-always', '+'], ['revived', 'b-revived', '↑'],
                ['copycat of', 'b-copycat', '='], ['indecisive', 'b-indecisive', '?']];
const badgeStyle = label => BADGES.find(([p]) => label.startsWith(p)) || [label, 'b-indecisive', '•'];
const badgeRank = label => { const i = BADGES.findIndex(([p]) => label.startsWith(p)); return i < 0 ? BADGES.length : i; };
const neuronLabel = (layer, index) => `L${layer}:${index}`;
const labelKey = label => { const m = /^L(\d+):(\d+)$/.exec(label.trim()); return m ? key(+m[1], +m[2]) : null; };
const escapeHtml = t => String(t).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** Per neuron label ("L1:3"): [{label, spans: [[first, last] snapshot]}], from `spans`; a badge without spans (older
 *  findings) holds over the whole run. Cached on the run. */
function neuronFindings(r) {
  if (r.badgeMap) return r.badgeMap;
  const f = r.findings || {}, out = new Map();
  for (const [neuron, bySpan] of Object.entries(f.spans || {}))
    out.set(neuron, Object.entries(bySpan).map(([label, spans]) => ({ label, spans })));
  for (const [neuron, labels] of Object.entries(f.badges || {}))
    for (const label of labels) {
      const list = out.get(neuron) || [];
      if (!list.some(b => b.label === label)) list.push({ label, spans: [[0, r.n - 1]] });
      out.set(neuron, list);
    }
  for (const list of out.values()) list.sort((a, b) => badgeRank(a.label) - badgeRank(b.label));
  r.badgeMap = out;
  return out;
}
/** The badge labels of neuron `id` that hold at snapshot k. */
function badgesAt(r, id, k) {
  const list = neuronFindings(r).get(neuronLabel(r.neuronLayer[id], r.neuronIndex[id])) || [];
  return list.filter(b => b.spans.some(([a, e]) => a <= k && k <= e)).map(b => b.label);
}
const hasFindings = r => !!r.findings;

/** Tooltip lines for a neuron's findings: what holds now (since when), and what held or will hold at other times. */
function findingsTipHtml(r, id, k) {
  const it = r.snapshots.iteration, label = neuronLabel(r.neuronLayer[id], r.neuronIndex[id]);
  return (neuronFindings(r).get(label) || []).map(b => {
    const [, cls, glyph] = badgeStyle(b.label), now = b.spans.find(([a, e]) => a <= k && k <= e);
    let text = r.imported ? b.label : now ? (now[0] === 0 ? `${b.label} from the start` : `${b.label} since iteration ${it[now[0]].toLocaleString('en')}`)
      : `${b.label} at iterations ` + b.spans.slice(0, 3).map(([a, e]) => a === e ? it[a].toLocaleString('en')
        : `${it[a].toLocaleString('en')}–${it[e].toLocaleString('en')}`).join(', ') + (b.spans.length > 3 ? ', …' : '');
    if (b.label === 'indecisive') {
      const jumps = ((r.findings && r.findings.events) || []).filter(e => e.kind === 'indecisive' && e.neurons.includes(label)).length;
      if (jumps) text += ` (${jumps} jump${jumps > 1 ? 's' : ''})`;
    }
    return `<div class="find${now ? '' : ' past'}"><span class="badge ${cls}">${glyph}</span>${escapeHtml(text)}</div>`;
  }).join('');
}

/** Jumps to a snapshot and selects the neurons its events name (the selection stays when they name none). */
function goToEvents(snapshot, labels) {
  play(false);
  setK(snapshot);
  const keys = labels.map(labelKey).filter(Boolean);
  if (keys.length) { replaceSelection(keys); state.notice = boundaryNotice(run(), state.k, keys); }
}
/** E / Shift+E: the next / previous snapshot with events, with every neuron its events name. */
function stepEvent(direction) {
  const ms = eventMarkers(run()), k = state.k;
  const target = direction > 0 ? ms.find(m => m.snapshot > k) : ms.slice().reverse().find(m => m.snapshot < k);
  if (!target) return;
  goToEvents(target.snapshot, ms.filter(m => m.snapshot === target.snapshot).flatMap(m => m.neurons));
}

// ---- the event timeline

/** Event kinds: colour, and row 0 (about single neurons) or 1 (about the network as a whole). */
const EVENT_KINDS = {
  died: ['#ef5b5b', 0], revived: ['#4fd18b', 0], copycat: ['#c08cf5', 0], indecisive: ['#f29e4c', 0],
  bias_phase: ['#5aa9f0', 1], corners_half: ['#e8e6df', 1], part_modelled: ['#a6d854', 1],
  part_never_modelled: ['#ef5b5b', 1], regions_peak: [REGION_COLOURS.activation, 1],
};
/** Readable names of the event kinds, for the key under the timeline; other kinds show their own name. */
const EVENT_NAMES = {
  died: 'died', revived: 'came back', copycat: 'became a copy', indecisive: 'indecisive jump', bias_phase: 'bias motion dominates',
  corners_half: 'half the corners reached', part_modelled: 'part modelled', part_never_modelled: 'part never modelled',
  regions_peak: 'most regions',
};
/** The key of the event colours present in a run, as HTML. */
function eventKeyHtml(r) {
  const kinds = [...new Set(((r.findings && r.findings.events) || []).map(e => e.kind))];
  return kinds.map(kind => `<span class="ev" style="--c:${eventKind(kind)[0]}"></span>${escapeHtml(EVENT_NAMES[kind] || kind.replace(/_/g, ' '))}`).join(' ');
}
const eventKind = kind => EVENT_KINDS[kind] || ['#aab3c2', 1];

/**
 * Groups a run's events into markers, one per (snapshot, row): {snapshot, row, events: [...], neurons: [labels]}.
 * Cached on the run.
 */
function eventMarkers(run) {
  if (run.markers) return run.markers;
  const byKey = new Map();
  for (const e of (run.findings && run.findings.events) || []) {
    if (!(e.snapshot >= 0 && e.snapshot < run.n)) continue;
    const row = eventKind(e.kind)[1], key = e.snapshot * 2 + row;
    if (!byKey.has(key)) byKey.set(key, { snapshot: e.snapshot, row, events: [], neurons: [] });
    const m = byKey.get(key);
    m.events.push(e);
    for (const label of e.neurons) if (!m.neurons.includes(label)) m.neurons.push(label);
  }
  run.markers = [...byKey.values()].sort((a, b) => a.snapshot - b.snapshot || a.row - b.row);
  return run.markers;
}

/** y (device pixels) of a timeline row in a strip h device pixels high. */
const timelineRowY = (row, h) => h * (row ? 0.72 : 0.3);

/** Draws the event markers at the snapshots' x positions `xs`; the hovered marker (or null) enlarged. */
function drawTimeline(ctx, w, h, run, k, xs, dpr, hovered) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#111419';
  ctx.fillRect(0, 0, w, h);
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = '#7d8595'; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  ctx.fillText('events', CURVE_PAD_L * dpr - 5 * dpr, h / 2);
  ctx.strokeStyle = 'rgba(255,255,255,0.07)'; ctx.lineWidth = 1;
  for (const row of [0, 1]) {
    ctx.beginPath(); ctx.moveTo(CURVE_PAD_L * dpr, timelineRowY(row, h)); ctx.lineTo(w - CURVE_PAD_R * dpr, timelineRowY(row, h)); ctx.stroke();
  }
  ctx.strokeStyle = DECISION_COLOUR; ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath(); ctx.moveTo(xs[k], 0); ctx.lineTo(xs[k], h); ctx.stroke();
  for (const m of eventMarkers(run)) {
    const x = xs[m.snapshot], y = timelineRowY(m.row, h), hot = m === hovered, now = m.snapshot === k;
    ctx.beginPath(); ctx.arc(x, y, (hot ? 5 : now ? 4 : 3.2) * dpr, 0, 2 * Math.PI);
    ctx.fillStyle = eventKind(m.events[0].kind)[0]; ctx.fill();
    if (m.events.length > 1 || hot) { ctx.strokeStyle = hot ? '#fff' : 'rgba(255,255,255,0.6)'; ctx.lineWidth = 1 * dpr; ctx.stroke(); }
  }
}

// ---- pointer on the timeline

/** The timeline marker under the pointer (within 8 px), or null. */
function markerAt(ev) {
  if (!curveXs) return null;
  const c = canvases.timeline, b = c.getBoundingClientRect(), x = (ev.clientX - b.left) * dpr, y = (ev.clientY - b.top) * dpr;
  let best = null, bestD = 8 * dpr;
  for (const m of eventMarkers(run())) {
    const d = Math.hypot(curveXs[m.snapshot] - x, 0.5 * (timelineRowY(m.row, c.height) - y));
    if (d < bestD) { bestD = d; best = m; }
  }
  return best;
}
/** The events of a timeline marker in the tooltip. */
function showMarkerTip(m, x, y) {
  tipNeuron = -1;
  const it = run().snapshots.iteration[m.snapshot];
  tip.innerHTML = `<div class="muted">snapshot ${m.snapshot + 1} · iteration ${it.toLocaleString('en')}</div>` +
    m.events.map(e => `<div class="ev-row"><span class="ev" style="--c:${eventKind(e.kind)[0]}"></span>${escapeHtml(e.text)}</div>`).join('') +
    `<div class="muted">click: jump here${m.neurons.length ? ' and select ' + escapeHtml(m.neurons.join(', ')) : ''}</div>`;
  placeTip(x, y);
}
