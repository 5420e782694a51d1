// A lesson's step: the keys that move through the lesson. The Previous
// and Next links are plain links; this only follows them from the
// keyboard, and keeps the page's layout (view=present) when it changes.
// In the projector layout the step's sentence is folded to two lines; a
// click (or Enter) unfolds it over the plots and folds it again.

const bar = document.getElementById('lesson-bar');
const root = document.getElementById('scenario');

// withView is a lesson link with the layout the page has now: the
// presentation layout can be switched on or off after the page loaded.
function withView(href) {
  const url = new URL(href, location.href);
  if (root && root.classList.contains('present')) url.searchParams.set('view', 'present');
  else url.searchParams.delete('view');
  return url.pathname + url.search;
}

function follow(id) {
  const a = document.getElementById(id);
  if (a) location.assign(withView(a.getAttribute('href')));
}

if (bar) {
  for (const id of ['lesson-prev', 'lesson-next']) {
    const a = document.getElementById(id);
    a.addEventListener('click', () => { a.href = withView(a.getAttribute('href')); });
  }
  const title = bar.querySelector('.lesson-title');
  title.addEventListener('click', () => { title.href = withView(title.getAttribute('href')); });

  // The sentence is a button only while it is folded: in the projector
  // layout, and too long for two lines at this width.
  const text = document.getElementById('lesson-text');
  const inner = text.firstElementChild;
  const unfold = (open) => {
    text.classList.toggle('open', open);
    if (text.classList.contains('clamped')) text.setAttribute('aria-expanded', String(open));
  };
  const measure = () => {
    if (text.classList.contains('open')) return;
    const clamped = inner.scrollHeight > inner.clientHeight + 1;
    text.classList.toggle('clamped', clamped);
    if (clamped) {
      text.setAttribute('role', 'button');
      text.tabIndex = 0;
      text.setAttribute('aria-expanded', 'false');
      text.title = 'Click to read the whole sentence';
    } else {
      for (const a of ['role', 'tabindex', 'aria-expanded', 'title']) text.removeAttribute(a);
    }
  };
  new ResizeObserver(measure).observe(text);
  text.addEventListener('click', () => {
    if (text.classList.contains('clamped')) unfold(!text.classList.contains('open'));
  });
  text.addEventListener('keydown', (ev) => {
    if ((ev.key === 'Enter' || ev.key === ' ') && text.classList.contains('clamped')) {
      ev.preventDefault();
      ev.stopPropagation(); // Space is Play on the page
      unfold(!text.classList.contains('open'));
    }
  });
  document.addEventListener('click', (ev) => {
    if (!text.contains(ev.target)) unfold(false);
  });

  document.addEventListener('keydown', (ev) => {
    const t = ev.target;
    if (ev.key === 'Escape') unfold(false);
    // AltGr (Ctrl+Alt on Windows) types [ and ] on many keyboards.
    if (ev.metaKey || ((ev.ctrlKey || ev.altKey) && !ev.getModifierState('AltGraph'))) return;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    const dialog = document.getElementById('shortcuts');
    if (dialog && dialog.open) return;
    // A presenter's remote sends PageUp and PageDown; elsewhere they scroll.
    const present = root && root.classList.contains('present');
    if (ev.key === ']' || (present && ev.key === 'PageDown')) {
      ev.preventDefault();
      follow('lesson-next');
    } else if (ev.key === '[' || (present && ev.key === 'PageUp')) {
      ev.preventDefault();
      follow('lesson-prev');
    }
  });
}
