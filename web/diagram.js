// ginn viewer, part 4 of 8: the live network diagram (GINN's help-page picture): nodes in the neuron colours,
// edges by the current weights, residual connections and batch norm marked. Not the neuron buttons or events (viewer.js).

const EDGE_POSITIVE = [255, 159, 67], EDGE_NEGATIVE = [84, 160, 255];

/** Node positions for a run in a w x h box: columns input, hidden layers, output; each node {x, y, r, id}. */
function diagramLayout(run, w, h, dpr) {
  const cols = [2, ...run.widths, run.layers[run.layers.length - 1].n_out];
  const padX = 16 * dpr, padY = 16 * dpr, maxN = Math.max(...cols);
  const dy = (h - 2 * padY) / Math.max(1, maxN), r = Math.max(2 * dpr, Math.min(7 * dpr, dy * 0.36));
  const nodes = cols.map((n, c) => {
    const x = padX + (w - 2 * padX) * c / (cols.length - 1);
    const y0 = h / 2 - (n - 1) * dy / 2;
    return Array.from({ length: n }, (_, i) => ({
      x, y: y0 + i * dy, r,
      id: c === 0 || c === cols.length - 1 ? -1 : run.layerStart[c - 1] + i,
    }));
  });
  return nodes;
}

/**
 * Draws the diagram for snapshot k. Edges: width sqrt(|w| / max|w| of that layer over the run) in 12 steps, orange
 * positive, blue negative; the hovered neuron's edges white. Nodes: filled in the neuron's colour when selected, ring when not, grey cross when dead.
 */
function drawDiagram(ctx, w, h, run, k, selected, hover, dead, dpr) {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const nodes = diagramLayout(run, w, h, dpr);
  ctx.lineCap = 'round';
  // edges in 2 x EDGE_LEVELS buckets (sign, quantised strength), one path each: wide layers have thousands of edges
  const EDGE_LEVELS = 12, buckets = Array.from({ length: 2 * EDGE_LEVELS }, () => new Path2D()), hot = new Path2D();
  const used = new Uint8Array(2 * EDGE_LEVELS);
  for (let l = 0; l < run.layers.length; l++) {
    const L = run.layer(k, l), scale = run.weightScale[l], from = nodes[l], to = nodes[l + 1];
    for (let o = 0; o < L.nOut; o++) {
      const isHot = to[o].id === hover && hover >= 0;
      for (let i = 0; i < L.nIn; i++) {
        const v = L.W[o * L.nIn + i], t = Math.sqrt(Math.abs(v) / scale);
        if (t < 0.05 && !isHot) continue;
        const b = (v >= 0 ? 0 : EDGE_LEVELS) + Math.min(EDGE_LEVELS - 1, Math.floor(t * EDGE_LEVELS));
        const path = isHot ? hot : buckets[b];
        path.moveTo(from[i].x, from[i].y);
        path.lineTo(to[o].x, to[o].y);
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
  for (let l = 0; l < run.layers.length - 1; l++) {
    const to = nodes[l + 1], from = nodes[l], x = to[0].x;
    if (run.batch_norm) { ctx.textBaseline = 'bottom'; ctx.fillText('BN', x, h - 1 * dpr); }
    if (!run.layers[l].residual) continue;
    const top = Math.min(from[0].y, to[0].y) - 6 * dpr, x0 = from[0].x;
    ctx.strokeStyle = '#c9ced8'; ctx.lineWidth = 1.2 * dpr; ctx.setLineDash([3 * dpr, 2 * dpr]);
    ctx.beginPath(); ctx.moveTo(x0, top + 4 * dpr); ctx.quadraticCurveTo((x0 + x) / 2, top - 10 * dpr, x, top + 4 * dpr); ctx.stroke();
    ctx.setLineDash([]);
    ctx.textBaseline = 'bottom'; ctx.fillText('+', (x0 + x) / 2, top - 2 * dpr);
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
