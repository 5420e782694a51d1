// Rooms: a presenter's run followed live by a class. The presenter's
// page holds the room's secret in sessionStorage (never in the address,
// the page's HTML or a follower's messages), so a reload, a changed
// parameter or another scenario in the same tab presents again to the
// same room; a follower's page (/r/{code}) only shows the run.

const $ = (id) => document.getElementById(id);

// STORE is the sessionStorage key of the room this tab presents.
const STORE = 'playground.room';

function held() {
  try {
    const r = JSON.parse(sessionStorage.getItem(STORE) || 'null');
    return r && r.code && r.secret ? r : null;
  } catch (_) {
    return null;
  }
}

export class RoomUI {
  constructor(client) {
    this.client = client;
    this.code = ''; // the room this page presents, once the server says so
    if (client.room) this.follow();
    else this.bindPresenter();
  }

  bindPresenter() {
    $('room-present').addEventListener('click', () => this.present());
    $('room-badge').addEventListener('click', () => this.showCard());
    $('room-close').addEventListener('click', () => $('room-dialog').close());
    $('room-end').addEventListener('click', () => this.end());
  }

  // present opens a room for this run, or shows the card of the room
  // this page already presents.
  present() {
    if (this.client.room) return;
    if (this.code) {
      this.showCard();
      return;
    }
    this.wantCard = true;
    const r = held();
    this.client.send('present', r ? { room: r.code, secret: r.secret } : {});
  }

  end() {
    $('room-dialog').close();
    this.client.send('unpresent');
  }

  showCard() {
    $('room-qr').src = `/r/${this.code}/qr.png`;
    $('room-url').textContent = `${location.origin}/r/${this.code}`;
    $('room-code').textContent = this.code;
    // An address of this machine alone: students' devices cannot open it.
    $('room-local').hidden = !['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
    const dlg = $('room-dialog');
    if (!dlg.open) dlg.showModal();
  }

  setCount(n) {
    $('room-count').textContent = String(n);
    $('room-badge-count').textContent = String(n);
  }

  // before sees a message first; true means it was the room's to handle.
  before(msg) {
    if (!this.client.room) return false;
    switch (msg.type) {
      case 'run':
        this.retries = 0;
        this.client.setConn('', false);
        // The presenter moved to another run: the room's page draws it.
        if (msg.slug !== this.client.slug || msg.query !== this.client.root.dataset.query) {
          location.reload();
        }
        this.client.showPanels(msg.panels);
        return true;
      case 'refused':
        this.say(msg.message);
        return true;
      case 'ended':
        this.client.lastError = msg.message;
        this.say(msg.message);
        this.client.setConn(msg.message, true);
        return true;
      case 'error':
        this.client.lastError = msg.message;
        this.say(msg.message);
        return false;
    }
    return false;
  }

  // after sees a presenter page's messages once the page has.
  after(msg) {
    if (this.client.room) return;
    switch (msg.type) {
      case 'run': {
        // A new run of this tab (a reload, a parameter, another page):
        // present it again to the room this tab holds the secret of.
        const r = held();
        if (r) this.client.send('present', { room: r.code, secret: r.secret });
        break;
      }
      case 'room': {
        const r = held();
        const secret = msg.secret || (r && r.code === msg.code ? r.secret : '');
        sessionStorage.setItem(STORE, JSON.stringify({ code: msg.code, secret }));
        this.code = msg.code;
        $('room-badge-code').textContent = msg.code;
        $('room-badge').hidden = false;
        $('room-present').hidden = true;
        this.setCount(msg.followers);
        if (this.wantCard) this.showCard();
        this.wantCard = false;
        break;
      }
      case 'followers':
        this.setCount(msg.count);
        break;
      case 'room-error':
        // A room this tab can no longer present: ended, or not its own.
        sessionStorage.removeItem(STORE);
        this.code = '';
        this.wantCard = false;
        $('room-badge').hidden = true;
        $('room-present').hidden = false;
        if ($('room-dialog').open) $('room-dialog').close();
        this.client.setConn(msg.message, false);
        break;
    }
  }

  // follow sets a follower's page up: controls off, Fork on.
  follow() {
    for (const el of $('params').elements) el.disabled = true;
    $('fork').addEventListener('click', () => this.fork());
  }

  // lost joins the room again after the connection dropped (Wi-Fi, a
  // laptop lid): at once, then less and less often; the room's current
  // frame comes first.
  lost() {
    this.retries = (this.retries || 0) + 1;
    const wait = Math.min(30, 2 ** (this.retries - 1));
    this.client.setConn(`Lost the connection to room ${this.client.room}; joining again in ${wait} s…`, true);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.client.connect(), wait * 1000);
  }

  say(text) {
    $('follow-text').textContent = text;
  }

  // fork opens the follower's own run of the room's query at the step
  // on screen, under its own address; the room goes on without it.
  fork() {
    const c = this.client;
    const q = [c.root.dataset.query, `at=${c.step}`].filter(Boolean).join('&');
    location.href = `/s/${c.slug}?${q}`;
  }
}
