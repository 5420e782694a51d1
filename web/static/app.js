// ML Playground client. The server owns the run: it steps the model and
// draws every plot; this module only sends commands over one websocket,
// swaps the SVGs it receives into the page and keeps the URL in step.

import { RoomUI } from './room.js';

// A click this close to an added point (in SVG units) removes it.
const HIT_RADIUS = 7;
// The namespace of the href a panel's <image> carries its picture in.
const XLINK = 'http://www.w3.org/1999/xlink';

const $ = (id) => document.getElementById(id);

function typeset(root) {
  if (!window.katex) return;
  for (const el of root.querySelectorAll('.tex')) {
    window.katex.render(el.textContent, el, { displayMode: el.tagName === 'DIV', throwOnError: false });
  }
}

function parsePoints(text) {
  if (!text) return [];
  return text.split(',').map((p) => p.split(':').map(Number));
}

function encodePoints(pts) {
  const r = (v) => String(Math.round(v * 100) / 100);
  return pts.map((p) => p.map((v, i) => (i < 2 ? r(v) : String(v))).join(':')).join(',');
}

function fmtMetric(v) {
  if (v === null || v === undefined || !isFinite(v)) return '—';
  return Number(v.toPrecision(5)).toString();
}

class Client {
  constructor(root) {
    this.root = root;
    this.slug = root.dataset.slug;
    this.query = root.dataset.query;
    this.schema = JSON.parse($('params-schema').textContent);
    // The speed slider's stops, the scenario's play speed and the point
    // limit, as the server decides them (lab.ClientConfig).
    this.config = JSON.parse($('client-config').textContent);
    this.viewports = JSON.parse($('viewports').textContent) || {};
    // at=N opens the page at step N: the server drew that frame, and the
    // run opens there too.
    this.step = Number(root.dataset.at) || 0;
    this.reached = this.step; // the highest step on the timeline
    this.seeking = null; // the step asked for by a seek not yet answered
    this.seekNext = null; // the step to ask for once it is answered
    this.token = null; // the reconnect token of the run on screen (its "run" message)
    this.resumeTTL = 0; // seconds the server keeps a dropped run
    this.addressTimer = 0;
    this.running = false;
    this.done = false;
    this.ws = null;
    this.pending = null;
    this.resumeAt = null; // the step of the run the server released, while the page offers it
    this.afterOpen = null; // 'play' or 'step', sent once a resumed run is open
    // The presentation layout (view=present) is the page's, not the run's:
    // it is in the address and the shared link, never in the run's query.
    this.present = root.classList.contains('present');
    // room is the code of the room this page follows (/r/{code}), or '':
    // the run is then the presenter's, and the page only shows it.
    this.room = root.dataset.room || '';
    this.rooms = new RoomUI(this);
    this.bind();
    typeset(document);
    this.fitPanels();
    document.fonts.ready.then(() => this.fitPanels()); // captions may wrap otherwise
    this.connect(this.step);
  }

  bind() {
    $('play').addEventListener('click', () => this.send('play'));
    $('pause').addEventListener('click', () => this.send('pause'));
    $('step').addEventListener('click', () => this.send('step'));
    $('reset').addEventListener('click', () => this.reset());
    const speed = $('speed');
    speed.addEventListener('input', () => { $('speed-value').textContent = String(this.config.speeds[speed.value]); });
    speed.addEventListener('change', () => this.sendSpeed());
    $('share').addEventListener('click', () => this.share());
    $('timeline').addEventListener('input', () => this.seek(Number($('timeline').value)));
    const form = $('params');
    form.addEventListener('submit', (ev) => { ev.preventDefault(); this.paramsChanged(); });
    form.addEventListener('change', (ev) => {
      if (!ev.target.name) return;
      // A live parameter changes the run on screen from its step on.
      const live = ev.target.closest('.field[data-live]');
      if (live && this.ws && this.ws.readyState === WebSocket.OPEN && ev.target.checkValidity()) {
        // An enum's value travels as the index of its word.
        const p = this.schema.find((s) => s.name === ev.target.name);
        const value = ev.target.tagName === 'SELECT' ? p.options.indexOf(ev.target.value) : Number(ev.target.value);
        this.send('set', { name: ev.target.name, value });
        return;
      }
      this.paramsChanged();
    });
    const seed = $('new-seed');
    if (seed) {
      seed.addEventListener('click', () => {
        $('p-seed').value = String(Math.floor(Math.random() * 1000000));
        this.paramsChanged();
      });
    }
    for (const btn of document.querySelectorAll('[data-clear]')) {
      btn.addEventListener('click', () => { this.setPoints(btn.dataset.clear, []); });
    }
    for (const fig of document.querySelectorAll('figure.panel[data-points]')) {
      if (fig.dataset.points) fig.addEventListener('click', (ev) => this.clickPanel(fig, ev));
    }
    for (const a of document.querySelectorAll('a[data-download]')) {
      a.addEventListener('click', () => { a.href = this.downloadURL(a); });
    }
    document.addEventListener('keydown', (ev) => this.key(ev));
    $('projector').addEventListener('click', () => this.setPresent(!this.present));
    $('keys-open').addEventListener('click', () => this.openShortcuts());
    $('shortcuts-close').addEventListener('click', () => $('shortcuts').close());
    $('params-toggle').addEventListener('click', () => this.setDrawer(!this.root.classList.contains('params-open')));
    $('params-close').addEventListener('click', () => this.setDrawer(false));
    for (const a of document.querySelectorAll('a.panel-ref')) {
      const fig = this.referredPanel(a);
      if (!fig) continue;
      a.addEventListener('click', (ev) => { ev.preventDefault(); this.highlight(fig); });
      for (const [on, off] of [['mouseenter', 'mouseleave'], ['focus', 'blur']]) {
        a.addEventListener(on, () => fig.classList.add('referenced'));
        a.addEventListener(off, () => fig.classList.remove('referenced'));
      }
    }
    for (const cap of document.querySelectorAll('figure.panel > figcaption')) {
      cap.addEventListener('click', () => {
        if (this.present) this.zoom(cap.parentElement.classList.contains('zoom') ? null : cap.parentElement);
      });
    }
    // Refit when the plot area changes size: a resized window, or a bar
    // that grows when a longer note wraps.
    let pending = 0;
    new ResizeObserver(() => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => this.fitPanels());
    }).observe($('panels'));
  }

  // connect starts a run for the current query, at step start if given.
  // The run on screen keeps going until the server accepts the new one
  // (its "run" message), so a refused parameter or a busy server leaves
  // the page as it was.
  // With resume, a reconnect token, it asks for the run whose connection
  // dropped instead (see reconnect).
  connect(start, resume) {
    if (this.pending) { this.pending.onclose = null; this.pending.close(); }
    if (!resume) this.reconnecting = null;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = [this.query, start > 0 ? `at=${start}` : '', resume ? `resume=${encodeURIComponent(resume)}` : ''].filter(Boolean).join('&');
    const path = this.room ? `/r/${this.room}/ws` : `/ws/${this.slug}${query ? '?' + query : ''}`;
    const sock = new WebSocket(`${proto}//${location.host}${path}`);
    sock.start = start > 0 ? start : 0;
    this.pending = sock;
    if (!this.ws) this.setConn('Connecting…', false);
    sock.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (this.pending === sock) {
        this.pending = null;
        if (msg.type !== 'run') { // refused: keep the old run
          sock.onclose = null;
          sock.close();
          if (resume) { this.reconnectFailed(msg.message); return; }
          this.query = this.root.dataset.query;
          this.lastError = msg.message || 'the server refused the run';
          this.showFormError(this.lastError, msg.param);
          if (!this.ws) this.setConn(this.lastError, true);
          this.stillReleased();
          return;
        }
        if (this.ws) { this.ws.onclose = null; this.ws.close(); }
        this.ws = sock;
        this.resumeAt = null;
        this.reconnecting = null;
        this.seeking = this.seekNext = null;
        if (!resume) this.step = sock.start; // until its first frame says (the address has it)
        this.setConn('', false);
        if (this.config.speeds[$('speed').value] !== this.config.speed) this.sendSpeed();
        if (this.afterOpen) this.send(this.afterOpen); // the server answers it after the first frame
        this.afterOpen = null;
      }
      if (this.ws === sock) this.handle(msg);
    };
    sock.onclose = (ev) => {
      if (this.pending === sock && resume) { // the server is out of reach: try again
        this.pending = null;
        this.reconnectLater();
        return;
      }
      if (this.pending === sock) {
        this.pending = null;
        this.query = this.root.dataset.query;
        this.setConn(`Could not start a run${ev.reason ? ': ' + ev.reason : ''}.`, true);
        this.stillReleased();
        return;
      }
      if (this.ws !== sock) return;
      this.ws = null;
      const wasRunning = this.running;
      this.setRunning(false);
      if (this.room && !this.lastError) {
        this.rooms.lost(); // a follower joins the room again
        return;
      }
      // No close frame (1006): the network dropped, not the server.
      if (ev.code === 1006 && this.token) {
        this.reconnect(wasRunning);
        return;
      }
      if (!this.lastError) this.setConn(`Connection closed${ev.reason ? ': ' + ev.reason : ''}. Press Reset to start a new run.`, true);
    };
  }

  // send sends a command to the run. Play or Step without one starts a
  // run: the released one again at its step, if there is one.
  send(type, extra) {
    if (this.room) return; // the presenter's run: the server would refuse
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      if ((type === 'step' || type === 'play') && !this.pending) {
        if (this.resumeAt !== null) this.resume(type);
        else this.connect();
      }
      return;
    }
    this.ws.send(JSON.stringify({ type, ...extra }));
  }

  sendSpeed() { this.send('speed', { value: this.config.speeds[$('speed').value] }); }

  reset() {
    if (this.room) return;
    if (!this.ws) {
      if (!this.pending) this.connect();
      return;
    }
    this.send('reset');
  }

  handle(msg) {
    if (this.rooms.before(msg)) return;
    switch (msg.type) {
      case 'run':
        this.lastError = '';
        this.query = msg.query;
        this.root.dataset.query = msg.query;
        // "This run ends at step N, before…" is about the run the page opened.
        document.querySelector(`#at-ended:not([data-query="${CSS.escape(msg.query)}"])`)?.remove();
        this.token = msg.resume || null;
        this.reached = msg.reached || 0; // a new run: 0, then its frames raise it
        this.showLive();
        this.resumeTTL = msg.resume_ttl || 0;
        this.syncAddress();
        this.showFormError('');
        this.showPanels(msg.panels);
        break;
      case 'frame':
        this.frame(msg);
        break;
      case 'status':
        this.setRunning(msg.running);
        if (!msg.running) this.syncAddress();
        break;
      case 'released':
        this.released(msg);
        break;
      case 'error':
        this.seeking = this.seekNext = null; // a refused seek is not answered by a frame
        this.lastError = msg.message;
        if (msg.param) this.showFormError(msg.message, msg.param);
        this.setConn(msg.message, true);
        break;
    }
    this.rooms.after(msg);
  }

  // reconnect gets the run back after its connection dropped: the same
  // query with the run's token, tried again and again, less often each
  // time, for as long as the server keeps a dropped run; then (or if the
  // server no longer has it) the page offers to replay it to its step.
  reconnect(play) {
    this.reconnecting = { token: this.token, until: Date.now() + this.resumeTTL * 1000, delay: 250, play };
    this.token = null;
    this.setConn('Connection lost; reconnecting…', true);
    this.connectAgain();
  }

  connectAgain() {
    const r = this.reconnecting;
    if (!r) return;
    if (Date.now() > r.until) {
      this.reconnectFailed(`The connection was lost for more than ${this.resumeTTL} s and the server freed the run.`);
      return;
    }
    this.afterOpen = r.play ? 'play' : null;
    this.connect(0, r.token);
  }

  reconnectLater() {
    const r = this.reconnecting;
    if (!r) return;
    this.setConn(`Connection lost; reconnecting in ${Math.round(r.delay / 100) / 10} s…`, true);
    setTimeout(() => this.connectAgain(), r.delay);
    r.delay = Math.min(r.delay * 2, 10000);
  }

  // reconnectFailed falls back to what a released run offers: a new run
  // of the same query, replayed to the step on screen.
  reconnectFailed(text) {
    this.reconnecting = null;
    this.afterOpen = null;
    this.resumeAt = this.step;
    this.lastError = text;
    this.offerResume(text);
  }

  // released offers to open the run the server let go of (paused too
  // long) again at the step it had reached.
  released(msg) {
    this.resumeAt = msg.step;
    this.lastError = msg.message;
    this.offerResume(msg.message);
  }

  offerResume(text) {
    this.setConn(text + ' ', true);
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.dataset.testid = 'resume';
    btn.textContent = `Resume at step ${this.resumeAt}`;
    btn.addEventListener('click', () => this.resume());
    $('conn').append(btn);
  }

  // stillReleased offers the released run again after an attempt to
  // resume it was refused (a busy server, say).
  stillReleased() {
    this.afterOpen = null;
    if (this.resumeAt !== null && !this.ws) this.offerResume($('conn').textContent);
  }

  // resume opens the released run again at its step: the server replays
  // the same query there, so it lands on the state it left. then, 'play'
  // or 'step', is sent once the run is open.
  resume(then) {
    this.afterOpen = then || null;
    this.lastError = '';
    this.setConn(`Resuming at step ${this.resumeAt}…`, false);
    this.connect(this.resumeAt);
  }

  frame(f) {
    this.step = f.step;
    this.done = f.done;
    this.reached = Math.max(this.reached, f.step);
    this.timeline();
    if (this.seeking !== null) { // a seek is answered: ask for the latest one
      this.seeking = null;
      if (this.seekNext !== null && this.seekNext !== f.step) this.seek(this.seekNext);
      this.seekNext = null;
    }
    if (!this.running) {
      this.syncAddress();
      this.showLive();
    }
    $('step-counter').textContent = String(f.step);
    $('note').textContent = f.note || (f.step === 0 ? 'Ready: press Play or Step.' : '');
    $('caveat').textContent = f.caveat || '';
    $('caveat').hidden = !f.caveat;
    this.root.classList.toggle('finished', f.done);
    this.metrics(f.metrics || {});
    this.panels(f);
    this.updateButtons();
  }

  // panels swaps in the SVGs a frame carries. A panel left out of a frame
  // has not changed since the last one: it keeps its SVG and viewport. A
  // panel in f.rasters changed only in one raster: its SVG keeps all but
  // that <image>'s picture.
  panels(f) {
    Object.assign(this.viewports, f.viewports || {});
    for (const [name, svg] of Object.entries(f.plots || {})) {
      const el = $('plot-' + name);
      if (el) el.innerHTML = svg;
    }
    for (const [name, patch] of Object.entries(f.rasters || {})) {
      const img = $('plot-' + name)?.querySelectorAll('image')[patch.image];
      if (img) img.setAttributeNS(XLINK, 'xlink:href', patch.href);
    }
  }

  metrics(m) {
    const dl = $('metrics');
    const names = Object.keys(m).sort();
    const shown = [...dl.querySelectorAll('dd')].map((d) => d.dataset.metric);
    if (shown.join() !== names.join()) {
      dl.replaceChildren(...names.map((n) => {
        const div = document.createElement('div');
        const dt = document.createElement('dt');
        dt.textContent = n.replaceAll('_', ' ');
        const dd = document.createElement('dd');
        dd.dataset.metric = n;
        div.append(dt, dd);
        return div;
      }));
    }
    for (const dd of dl.querySelectorAll('dd')) dd.textContent = fmtMetric(m[dd.dataset.metric]);
  }

  // showLive shows in each live parameter's control the value in force
  // after the step on screen: the run's query records when each changed,
  // as value@step after its first value.
  showLive() {
    const q = new URLSearchParams(this.query);
    for (const field of document.querySelectorAll('.field[data-live]')) {
      const el = $('p-' + field.dataset.param);
      if (!el || el === document.activeElement) continue;
      const p = this.schema.find((s) => s.name === field.dataset.param);
      const [first, ...changes] = (q.get(field.dataset.param) ?? p.default).split(',');
      let v = first;
      for (const c of changes) {
        const [value, step] = c.split('@');
        if (Number(step) <= this.step) v = value;
      }
      el.value = v;
    }
  }

  // timeline shows the steps reached so far, and the one on screen.
  timeline() {
    const tl = $('timeline');
    tl.max = String(this.reached);
    if (this.seeking === null && this.seekNext === null) tl.value = String(this.step);
    $('timeline-reached').textContent = String(this.reached);
  }

  // seek brings the run to a step it has reached: the server replays it
  // there and sends that step's frame. One seek is in flight at a time;
  // a slider dragged meanwhile asks for where it is when it is answered.
  seek(n) {
    if (!this.ws || n < 0 || n > this.reached) return;
    if (this.seeking !== null) { this.seekNext = n; return; }
    this.seeking = n;
    this.send('seek', { step: n });
  }

  // syncAddress puts the step on screen in the address bar and the share
  // box (at=N, none at step 0), at once and then at most a few times a
  // second (the last change always lands): while the
  // run plays it is left alone, and a pause brings it up to date.
  syncAddress() {
    if (this.addressTimer) { this.addressLate = true; return; }
    this.writeAddress();
    this.addressTimer = setTimeout(() => {
      this.addressTimer = 0;
      if (this.addressLate) this.writeAddress();
      this.addressLate = false;
    }, 150);
  }

  writeAddress() {
    if (!this.room) history.replaceState(null, '', this.pagePath()); // a follower's stays /r/{code}
    $('share-url').value = this.shareURL();
  }

  setRunning(running) {
    this.running = running;
    this.root.classList.toggle('running', running);
    this.updateButtons();
  }

  updateButtons() {
    if (this.room) {
      for (const id of ['play', 'pause', 'step', 'reset', 'speed', 'timeline']) $(id).disabled = true;
      return;
    }
    $('play').disabled = this.running || this.done;
    $('pause').disabled = !this.running;
    $('step').disabled = this.done;
  }

  // showFormError shows a refusal at the field of the parameter it names
  // (under the form if it names none) and marks the field; the run on
  // screen is the previous one, and the message says so.
  // showFormError('') clears both.
  // showPanels shows the panels a run has (its "run" message names
  // them: a panel that only some parameters fill is hidden otherwise).
  showPanels(names) {
    if (!names) return;
    const shown = new Set(names);
    for (const el of document.querySelectorAll('figure.panel[data-panel], .downloads li[data-panel]')) {
      el.hidden = !shown.has(el.dataset.panel);
    }
    this.fitPanels();
  }

  showFormError(text, param) {
    const box = $('form-error');
    for (const el of document.querySelectorAll('[aria-invalid]')) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    }
    const input = param && $('p-' + param);
    const field = input && input.closest('.field');
    if (text && field) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'form-error');
      field.insertBefore(box, field.querySelector('.help')); // right under the control
      box.textContent = `${text}. This change was not applied: the run on screen keeps its previous parameters.`;
      if (this.present) this.setDrawer(true);
      field.scrollIntoView({ block: 'nearest' });
      return;
    }
    const form = $('params');
    if (box.parentElement !== form) form.insertBefore(box, form.querySelector('noscript'));
    box.textContent = text;
  }

  setConn(text, isError) {
    const el = $('conn');
    el.textContent = text;
    el.classList.toggle('error', isError);
  }

  key(ev) {
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    if ($('shortcuts').open) return; // the dialog has the keys (Esc closes it)
    if (ev.key === '?') {
      ev.preventDefault();
      this.openShortcuts();
    } else if (ev.key === 'f' || ev.key === 'F') {
      this.setPresent(!this.present);
    } else if (ev.key === 'p' || ev.key === 'P') {
      this.rooms.present();
    } else if ((ev.key === 'e' || ev.key === 'E') && this.present) {
      this.setDrawer(!this.root.classList.contains('params-open'));
    } else if (this.present && /^[0-9]$/.test(ev.key)) {
      const fig = document.querySelectorAll('figure.panel:not([hidden])')[Number(ev.key) - 1];
      this.zoom(fig && !fig.classList.contains('zoom') ? fig : null);
    } else if (ev.key === 'Escape') {
      this.setDrawer(false);
      this.zoom(null);
    } else if (ev.key === ' ') {
      ev.preventDefault();
      this.send(this.running ? 'pause' : 'play');
    } else if (ev.key === 'ArrowRight') {
      ev.preventDefault();
      this.send('step');
    } else if (ev.key === 'ArrowLeft') {
      ev.preventDefault();
      const at = this.seekNext ?? this.seeking ?? this.step;
      if (at > 0) this.seek(at - 1);
    } else if (ev.key === 'r' || ev.key === 'R') {
      this.reset();
    }
  }

  // formQuery reads the controls; values equal to their default are left out.
  // The server answers with the canonical spelling in its "run" message.
  formQuery() {
    const parts = [];
    for (const p of this.schema) {
      const el = $('p-' + p.name);
      if (!el) continue;
      let v;
      if (p.kind === 'list') {
        v = [...el.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value).join(',');
      } else {
        v = el.type === 'checkbox' ? String(el.checked) : el.value.trim();
      }
      if (v === p.default) continue;
      if (p.kind === 'int' || p.kind === 'float') {
        if (v !== '' && Number(v) === Number(p.default)) continue;
      }
      parts.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(v).replace(/%3A/g, ':').replace(/%2C/g, ',')}`);
    }
    return parts.join('&');
  }

  paramsChanged() {
    if (this.room) return; // the presenter's parameters
    const form = $('params');
    for (const el of form.elements) {
      if (el.name && el.willValidate && !el.checkValidity()) {
        const p = this.schema.find((s) => s.name === el.name);
        this.showFormError(`parameter "${el.name}": invalid value "${el.value}": ${el.validationMessage}${p ? ' (' + p.label + ')' : ''}`, el.name);
        el.focus();
        return;
      }
    }
    this.showFormError('');
    this.query = this.formQuery();
    this.lastError = '';
    this.connect();
  }

  setPoints(name, pts) {
    $('p-' + name).value = encodePoints(pts);
    $('count-' + name).textContent = String(pts.length);
    this.paramsChanged();
  }

  clickPanel(fig, ev) {
    const svg = fig.querySelector('svg');
    const vp = this.viewports[fig.dataset.panel];
    if (!svg || !vp) return;
    const pt = svg.createSVGPoint();
    pt.x = ev.clientX;
    pt.y = ev.clientY;
    const u = pt.matrixTransform(svg.getScreenCTM().inverse());
    const [left, top, right, bottom] = vp.Rect;
    if (u.x < left || u.x > right || u.y < top || u.y > bottom) return;
    const toData = (ux, uy) => [
      vp.X[0] + ((ux - left) / (right - left)) * (vp.X[1] - vp.X[0]),
      vp.Y[1] - ((uy - top) / (bottom - top)) * (vp.Y[1] - vp.Y[0]),
    ];
    const toSVG = (x, y) => [
      left + ((x - vp.X[0]) / (vp.X[1] - vp.X[0])) * (right - left),
      top + ((vp.Y[1] - y) / (vp.Y[1] - vp.Y[0])) * (bottom - top),
    ];
    const name = fig.dataset.points;
    const pts = parsePoints($('p-' + name).value);
    const hit = pts.findIndex((p) => {
      const [sx, sy] = toSVG(p[0], p[1]);
      return Math.hypot(sx - u.x, sy - u.y) <= HIT_RADIUS;
    });
    if (hit >= 0) {
      pts.splice(hit, 1);
    } else {
      if (pts.length >= this.config.max_points) {
        this.showFormError(`at most ${this.config.max_points} points can be added`, name);
        return;
      }
      const [x, y] = toData(u.x, u.y);
      const cls = $('point-class');
      pts.push(cls ? [x, y, Number(cls.value)] : [x, y]);
    }
    this.setPoints(name, pts);
  }

  // pagePath is the page's address: the run's query, the step on screen
  // (none at step 0) and the view. The run's own query (its "run"
  // message) never holds the step.
  pagePath() {
    // The run on screen's query: a change the server has not yet taken (or
    // refuses) must not reach the address.
    const query = this.root.dataset.query;
    // A lesson's step keeps the lesson's address while its run is the step's.
    const lesson = $('lesson-bar');
    if (lesson && query === lesson.dataset.query) return lesson.dataset.path + (this.present ? '?view=present' : '');
    const q = [query, this.step > 0 ? `at=${this.step}` : '', this.present ? 'view=present' : ''].filter(Boolean).join('&');
    return `/s/${this.slug}${q ? '?' + q : ''}`;
  }

  shareURL() {
    return location.origin + this.pagePath();
  }

  // setPresent turns the presentation layout on or off: the address and
  // the share link carry it, so a teacher can send it.
  setPresent(on) {
    this.present = on;
    this.root.classList.toggle('present', on);
    if (!on) {
      this.setDrawer(false);
      this.zoom(null);
    }
    const btn = $('projector');
    btn.textContent = on ? 'Leave projector layout' : 'Projector layout';
    btn.setAttribute('aria-pressed', String(on));
    if (!this.room) history.replaceState(null, '', this.pagePath());
    $('share-url').value = this.shareURL();
    this.fitPanels();
  }

  // setDrawer opens or closes the presentation layout's parameter drawer.
  setDrawer(open) {
    open = open && this.present;
    this.root.classList.toggle('params-open', open);
    $('params-toggle').setAttribute('aria-expanded', String(open));
  }

  // zoom shows one panel alone over the whole plot area of the
  // presentation layout, for a class to read it; zoom(null) shows all.
  zoom(fig) {
    $('panels').classList.toggle('zoomed', !!fig);
    for (const f of document.querySelectorAll('figure.panel')) f.classList.toggle('zoom', f === fig);
  }

  openShortcuts() {
    const dlg = $('shortcuts');
    if (!dlg.open) dlg.showModal();
  }

  // fitPanels lays the presentation grid out for the space the bar leaves:
  // either every panel in an even grid, or the first panel, the one that
  // shows the model, large at the left and the others in a grid beside
  // it, whichever draws more plot area with no plot too small to read.
  // Every plot is whole either way: each scales to fit its cell.
  fitPanels() {
    if (!this.present || matchMedia('(max-width: 640px)').matches) return; // one column on a phone
    const box = $('panels');
    const figs = [...box.querySelectorAll('figure.panel:not([hidden])')];
    const n = figs.length;
    if (n === 0) return;
    const gap = parseFloat(getComputedStyle(box).rowGap) || 0;
    // Each panel: the ratio of its plot, its caption's width on one line
    // and line height, and the room its frame takes around caption and plot.
    const panels = figs.map((f) => {
      const plot = f.querySelector('.plot');
      const cap = f.querySelector('figcaption');
      const vb = f.querySelector('svg')?.viewBox?.baseVal;
      const wrap = cap.style.whiteSpace;
      cap.style.whiteSpace = 'nowrap';
      const text = cap.scrollWidth;
      cap.style.whiteSpace = wrap;
      const cs = getComputedStyle(cap);
      const capPad = parseFloat(cs.marginLeft) + parseFloat(cs.marginRight);
      return {
        ratio: vb && vb.width > 0 ? vb.height / vb.width : 0.8,
        text: text + capPad,
        line: parseFloat(cs.lineHeight) || 24,
        frameW: f.offsetWidth - plot.clientWidth,
        frameH: f.offsetHeight - plot.clientHeight - cap.offsetHeight,
      };
    });
    // drawn is the width a panel's plot is drawn at in a w×h cell.
    const drawn = (pn, w, h) => {
      const lines = Math.max(1, Math.ceil(pn.text / Math.max(w - pn.frameW, 1)));
      const pw = w - pn.frameW;
      const ph = h - pn.frameH - lines * pn.line;
      return pw > 0 && ph > 0 ? Math.min(pw, ph / pn.ratio) : 0;
    };
    // grid places panels in c columns of a W×H area and returns the drawn
    // width of the smallest plot and the plots' total area.
    const grid = (list, W, H, c) => {
      const r = Math.ceil(list.length / c);
      const cw = (W - gap * (c - 1)) / c;
      const ch = (H - gap * (r - 1)) / r;
      const widths = list.map((pn) => drawn(pn, cw, ch));
      return { c, r, min: Math.min(...widths), area: widths.reduce((sum, w, i) => sum + w * w * list[i].ratio, 0) };
    };
    const W = box.clientWidth;
    const H = box.clientHeight;
    let even = null;
    for (let c = 1; c <= n; c++) {
      const g = grid(panels, W, H, c);
      if (g.min > 0 && (!even || g.min > even.min + 1)) even = g;
    }
    if (!even) return;
    let best = { ...even, featured: false };
    if (n >= 2) {
      // The first panel as tall as the area and as wide as that makes
      // it, the others beside it, none of them smaller than in the even
      // grid: this only fills room the even grid leaves empty.
      const first = panels[0];
      for (let c = 1; c < n; c++) {
        const lines = Math.max(1, Math.ceil(first.text / (W * 0.5)));
        const left = Math.min((H - first.frameH - lines * first.line) / first.ratio + first.frameW, (W - gap) * 0.62);
        const g = grid(panels.slice(1), W - left - gap, H, c);
        const big = drawn(first, left, H);
        if (g.min < even.min || big < even.min) continue;
        const area = g.area + big * big * first.ratio;
        if (area > best.area) best = { c, r: g.r, left, featured: true, area };
      }
    }
    box.classList.toggle('featured', best.featured);
    box.style.setProperty('--rows', String(best.r));
    box.style.setProperty('--cols', String(best.c));
    if (best.featured) box.style.setProperty('--first', `${Math.floor(best.left)}px`);
  }

  referredPanel(a) {
    const id = (a.getAttribute('href') || '').replace(/^#/, '');
    const fig = id && document.getElementById(id);
    return fig && fig.matches('figure.panel') ? fig : null;
  }

  // highlight brings a panel an explanation names into view and lights it up.
  highlight(fig) {
    fig.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    fig.classList.remove('highlight');
    void fig.offsetWidth; // restart the animation
    fig.classList.add('highlight');
  }

  async share() {
    const url = this.shareURL();
    const box = $('share-url');
    box.value = url;
    if (!this.room) history.replaceState(null, '', this.pagePath());
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(url);
        ok = true;
      }
    } catch (_) { /* fall back below */ }
    if (!ok) {
      box.select();
      try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
    }
    const btn = $('share');
    btn.textContent = ok ? '✓ Link copied' : 'Copy the link below';
    setTimeout(() => { btn.textContent = 'Share this run'; }, 2000);
  }

  downloadURL(a) {
    const base = `/api/scenarios/${this.slug}/`;
    const q = this.query ? this.query + '&' : '';
    switch (a.dataset.download) {
      case 'data': return `${base}data.csv${this.query ? '?' + this.query : ''}`;
      case 'metrics': return `${base}metrics.csv?${q}steps=${this.step}`;
      default: return `${base}plot.${a.dataset.ext}?${q}step=${this.step}&panel=${a.dataset.panel}`;
    }
  }
}

// filterCards shows the catalogue cards whose text holds every word typed.
function filterCards(input) {
  const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const li of document.querySelectorAll('li[data-search]')) {
    li.hidden = !words.every((w) => li.dataset.search.includes(w));
    if (!li.hidden) shown++;
  }
  for (const ch of document.querySelectorAll('section.chapter')) {
    ch.hidden = !ch.querySelector('li[data-search]:not([hidden])');
  }
  $('filter-none').hidden = shown > 0;
}

const root = $('scenario');
if (root) window.playground = new Client(root);
const filter = $('filter');
if (filter) {
  filter.addEventListener('input', () => filterCards(filter));
  filterCards(filter); // a value the browser restored
}
