// ML Playground client. The server owns the run: it steps the model and
// draws every plot; this module only sends commands over one websocket,
// swaps the SVGs it receives into the page and keeps the URL in step.

// A click this close to an added point (in SVG units) removes it.
const HIT_RADIUS = 7;

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
    this.step = 0;
    this.running = false;
    this.done = false;
    this.ws = null;
    this.pending = null;
    this.resumeAt = null; // the step of the run the server released, while the page offers it
    this.afterOpen = null; // 'play' or 'step', sent once a resumed run is open
    this.bind();
    typeset(document);
    this.connect();
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
    const form = $('params');
    form.addEventListener('submit', (ev) => { ev.preventDefault(); this.paramsChanged(); });
    form.addEventListener('change', (ev) => { if (ev.target.name) this.paramsChanged(); });
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
  }

  // connect starts a run for the current query, at step start if given.
  // The run on screen keeps going until the server accepts the new one
  // (its "run" message), so a refused parameter or a busy server leaves
  // the page as it was.
  connect(start) {
    if (this.pending) { this.pending.onclose = null; this.pending.close(); }
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = [this.query, start > 0 ? `at=${start}` : ''].filter(Boolean).join('&');
    const sock = new WebSocket(`${proto}//${location.host}/ws/${this.slug}${query ? '?' + query : ''}`);
    this.pending = sock;
    if (!this.ws) this.setConn('Connecting…', false);
    sock.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (this.pending === sock) {
        this.pending = null;
        if (msg.type !== 'run') { // refused: keep the old run
          sock.onclose = null;
          sock.close();
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
        this.setConn('', false);
        if (this.config.speeds[$('speed').value] !== this.config.speed) this.sendSpeed();
        if (this.afterOpen) this.send(this.afterOpen); // the server answers it after the first frame
        this.afterOpen = null;
      }
      if (this.ws === sock) this.handle(msg);
    };
    sock.onclose = (ev) => {
      if (this.pending === sock) {
        this.pending = null;
        this.query = this.root.dataset.query;
        this.setConn(`Could not start a run${ev.reason ? ': ' + ev.reason : ''}.`, true);
        this.stillReleased();
        return;
      }
      if (this.ws !== sock) return;
      this.ws = null;
      this.setRunning(false);
      if (!this.lastError) this.setConn(`Connection closed${ev.reason ? ': ' + ev.reason : ''}. Press Reset to start a new run.`, true);
    };
  }

  // send sends a command to the run. Play or Step without one starts a
  // run: the released one again at its step, if there is one.
  send(type, extra) {
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
    if (!this.ws) {
      if (!this.pending) this.connect();
      return;
    }
    this.send('reset');
  }

  handle(msg) {
    switch (msg.type) {
      case 'run':
        this.lastError = '';
        this.query = msg.query;
        this.root.dataset.query = msg.query;
        history.replaceState(null, '', `/s/${this.slug}${msg.query ? '?' + msg.query : ''}`);
        $('share-url').value = this.shareURL();
        this.showFormError('');
        break;
      case 'frame':
        this.frame(msg);
        break;
      case 'status':
        this.setRunning(msg.running);
        break;
      case 'released':
        this.released(msg);
        break;
      case 'error':
        this.lastError = msg.message;
        if (msg.param) this.showFormError(msg.message, msg.param);
        this.setConn(msg.message, true);
        break;
    }
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
    $('step-counter').textContent = String(f.step);
    $('note').textContent = f.note || (f.step === 0 ? 'Ready: press Play or Step.' : '');
    this.root.classList.toggle('finished', f.done);
    this.metrics(f.metrics || {});
    this.panels(f);
    this.updateButtons();
  }

  // panels swaps in the SVGs a frame carries. A panel left out of a frame
  // has not changed since the last one: it keeps its SVG and viewport.
  panels(f) {
    Object.assign(this.viewports, f.viewports || {});
    for (const [name, svg] of Object.entries(f.plots || {})) {
      const el = $('plot-' + name);
      if (el) el.innerHTML = svg;
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

  setRunning(running) {
    this.running = running;
    this.root.classList.toggle('running', running);
    this.updateButtons();
  }

  updateButtons() {
    $('play').disabled = this.running || this.done;
    $('pause').disabled = !this.running;
    $('step').disabled = this.done;
  }

  // showFormError shows a refusal under the form and marks the field of
  // the parameter it names, if any; showFormError('') clears both.
  showFormError(text, param) {
    $('form-error').textContent = text;
    for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const field = param && $('p-' + param);
    if (field) field.setAttribute('aria-invalid', 'true');
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
    if (ev.key === ' ') {
      ev.preventDefault();
      this.send(this.running ? 'pause' : 'play');
    } else if (ev.key === 'ArrowRight') {
      ev.preventDefault();
      this.send('step');
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
        $('form-error').textContent = `at most ${this.config.max_points} points can be added`;
        return;
      }
      const [x, y] = toData(u.x, u.y);
      const cls = $('point-class');
      pts.push(cls ? [x, y, Number(cls.value)] : [x, y]);
    }
    this.setPoints(name, pts);
  }

  shareURL() {
    return `${location.origin}/s/${this.slug}${this.query ? '?' + this.query : ''}`;
  }

  async share() {
    const url = this.shareURL();
    const box = $('share-url');
    box.value = url;
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

const root = $('scenario');
if (root) window.playground = new Client(root);
