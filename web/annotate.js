// The labelling page's logic: a name once, then pairs from the server; each answer (click or key W/B/G, or 1/2/3) is
// posted and the reply carries the next pair. An answer the server did not confirm is not counted; press again.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { name: '', pair: null, busy: false };

  async function post(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const reply = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(reply.error || `HTTP ${res.status}`);
    return reply;
  }

  function show(pair, done) {
    state.pair = pair;
    for (const [box, level] of [[$('box1'), pair.x1], [$('box2'), pair.x2]]) {
      box.style.background = `rgb(${level}, ${level}, ${level})`;
      box.dataset.level = level;
    }
    document.body.dataset.pair = pair.id;
    $('progress').textContent = `${done} answered`;
    document.body.dataset.done = done;
  }

  async function start(name) {
    try {
      const reply = await post('api/next', { annotator: name });
      state.name = name;
      localStorage.setItem('ginn-annotator', name);
      $('name-form').hidden = true;
      $('task').hidden = false;
      $('status').textContent = '';
      show(reply, reply.done);
    } catch (e) {
      $('status').textContent = `Cannot start: ${e.message}`;
    }
  }

  async function answer(label) {
    if (!state.pair || state.busy) return;
    state.busy = true;
    try {
      const reply = await post('api/answer', { annotator: state.name, id: state.pair.id, label });
      $('status').textContent = '';
      show(reply.next, reply.done);
    } catch (e) {
      $('status').textContent = `Not saved (${e.message}); answer again.`;
    } finally {
      state.busy = false;
    }
  }

  $('name-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    start($('name').value.trim());
  });
  for (const id of ['white', 'black', 'grey']) $(id).addEventListener('click', () => answer(id));
  const keys = { w: 'white', b: 'black', g: 'grey', 1: 'white', 2: 'black', 3: 'grey' };
  document.addEventListener('keydown', (ev) => {
    if (ev.target === $('name') || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const label = keys[ev.key.toLowerCase()];
    if (label) {
      ev.preventDefault();
      answer(label);
    }
  });
  const saved = localStorage.getItem('ginn-annotator');
  if (saved) $('name').value = saved;
})();
