// Octopus Photos in the browser: plain JavaScript modules rendered with
// lit-html templates, no build step. The page is a client of /api/v1 like
// any other; its session is an HttpOnly cookie plus a CSRF token.
import {html, nothing, render} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {api, setCsrfToken, setUnauthorizedHandler} from '/app/api.js';
import {Timeline, timelineView} from '/app/timeline.js';
import {Viewer, viewerView} from '/app/viewer.js';
import {Uploads, droppedFiles, quotaMeter, uploadView} from '/app/upload.js';
import {Trash, trashView} from '/app/trash.js';
import {Folders, foldersView} from '/app/folders.js';
import {Admin, adminView} from '/app/admin.js';

const FILTER_KEYS = ['from', 'to', 'camera', 'country', 'region', 'city', 'q'];

class App {
  constructor(root) {
    this.root = root;
    root.textContent = '';  // the boot message; lit-html renders after what it finds
    this.user = null;
    this.checked = false;  // the session probe answered
    this.login = {busy: false, error: ''};
    this.route = 'timeline';
    this.toastText = '';
    this.timeline = null;
    this.stale = false;  // photos changed elsewhere in the page: reload the timeline
    this.renderQueued = false;
    setUnauthorizedHandler(() => this.sessionEnded());
    window.addEventListener('hashchange', () => this.onRoute());
    document.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('dragover', (e) => {
      if (this.user && e.dataTransfer.types.includes('Files')) {
        e.preventDefault();
        document.body.classList.add('dragging');
      }
    });
    document.addEventListener('dragleave', (e) => {
      if (!e.relatedTarget) document.body.classList.remove('dragging');
    });
    document.addEventListener('drop', async (e) => {
      document.body.classList.remove('dragging');
      if (!this.user || !e.dataTransfer.types.includes('Files')) return;
      e.preventDefault();
      const files = await droppedFiles(e.dataTransfer);
      this.go('#/upload');
      this.uploads.add(files);
    });
  }

  async start() {
    // The first page of photos in parallel with the session probe: one
    // round trip less before the first grid when signed in (a 401 otherwise,
    // ignored).
    const firstPage = Timeline.firstPageRequest();
    firstPage.catch(() => {});
    try {
      const s = await api('GET', '/auth/session', {quiet401: true});
      this.signedIn(s, firstPage);
    } catch (e) {
      if (e.status !== 401) this.login.error = e.message;
    }
    this.checked = true;
    this.onRoute();
  }

  signedIn(session, firstPage = null) {
    this.user = session.user;
    setCsrfToken(session.csrf_token);
    this.timeline = new Timeline(this, firstPage);
    this.viewer = new Viewer(this);
    this.uploads = new Uploads(this);
    this.trash = new Trash(this);
    this.folders = new Folders(this);
    this.admin = new Admin(this);
    this.uploads.refreshQuota();
  }

  sessionEnded() {
    if (!this.user) return;
    this.user = null;
    setCsrfToken(null);
    this.login.error = 'Your session ended: please sign in again.';
    this.render();
  }

  async signIn(form) {
    const data = new FormData(form);
    this.login = {busy: true, error: ''};
    this.render();
    try {
      const s = await api('POST', '/auth/login', {
        quiet401: true,
        json: {username: data.get('username'), password: data.get('password'), session: 'cookie'}});
      this.login = {busy: false, error: ''};
      this.signedIn(s);
      this.onRoute();
    } catch (e) {
      this.login = {busy: false, error: e.message};
      this.render();
    }
  }

  async signOut() {
    try {
      await api('POST', '/auth/logout', {quiet401: true});
    } catch {
      // Signed out here whatever the server said.
    }
    this.user = null;
    setCsrfToken(null);
    this.login = {busy: false, error: ''};
    location.hash = '';
    this.render();
  }

  go(hash) {
    if (location.hash === hash) this.onRoute();
    else location.hash = hash;
  }

  onRoute() {
    const hash = location.hash.replace(/^#/, '') || '/timeline';
    const [path, search] = hash.split('?');
    const parts = path.split('/').filter(Boolean);
    this.route = parts[0] || 'timeline';
    if (!this.user) return this.render();
    if (this.viewer.open) this.viewer.close();
    if (this.route === 'timeline') {
      const params = new URLSearchParams(search || '');
      const filter = {};
      for (const k of FILTER_KEYS) if (params.get(k)) filter[k] = params.get(k);
      if (this.stale || JSON.stringify(filter) !== this.timeline.filterKey()) {
        this.stale = false;
        this.timeline.reset(filter);
      }
    } else if (this.route === 'trash') {
      this.trash.load();
    } else if (this.route === 'folders') {
      this.folders.load(parts[1] || this.folders.view);
    } else if (this.route === 'upload') {
      this.uploads.refreshQuota();
    } else if (this.route === 'admin' && this.user.is_admin) {
      this.admin.load();
    }
    this.render();
  }

  photosChanged() {
    this.stale = true;
    this.folders.trees = {};
    if (this.route === 'timeline') {
      this.stale = false;
      this.timeline.reset(this.timeline.filter);
    }
  }

  refreshQuota() {
    this.uploads.refreshQuota();
  }

  openViewer(i) {
    this.viewer.show(i);
  }

  onKey(e) {
    if (this.user && this.viewer.open) this.viewer.onKey(e);
  }

  toast(text) {
    this.toastText = text;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.toastText = '';
      this.render();
    }, 3000);
    this.render();
  }

  // Renders at most once a frame, however many things changed.
  render() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      render(this.template(), this.root);
      if (this.user && this.route === 'timeline') {
        this.timeline.attach(this.root.querySelector('.scroller'));
      } else if (this.timeline) {
        this.timeline.attach(null);
      }
    });
  }

  template() {
    if (!this.checked) return html`<p class="boot">Loading Octopus Photos…</p>`;
    if (!this.user) return this.loginTemplate();
    const nav = [['timeline', 'Photos'], ['folders', 'Folders'], ['upload', 'Upload'],
                 ['trash', 'Trash']];
    if (this.user.is_admin) nav.push(['admin', 'Users']);
    let page;
    switch (this.route) {
      case 'folders': page = foldersView(this, this.folders); break;
      case 'upload': page = uploadView(this, this.uploads); break;
      case 'trash': page = trashView(this, this.trash); break;
      case 'admin': page = this.user.is_admin ? adminView(this, this.admin) : nothing; break;
      default: page = timelineView(this, this.timeline);
    }
    return html`<header class="bar">
        <a class="brand" href="#/timeline" aria-label="Octopus Photos, timeline">Octopus<span> Photos</span></a>
        <nav aria-label="Main">${nav.map(([r, text]) => html`<a href="#/${r}" id="nav-${r}"
            aria-current=${this.route === r ? 'page' : 'false'}>${text}</a>`)}</nav>
        <span class="spacer-flex"></span>
        <span class="header-quota">${quotaMeter(this.uploads.me)}</span>
        <span class="who" title="Signed in">${this.user.name}</span>
        <button id="sign-out" @click=${() => this.signOut()}>Sign out</button>
      </header>
      <main class=${'route-' + this.route}>${page}</main>
      ${viewerView(this, this.viewer)}
      <div class="drop-hint" aria-hidden="true">Drop to upload</div>
      <div class="toast" role="status" aria-live="polite">${this.toastText}</div>`;
  }

  loginTemplate() {
    const submit = (e) => {
      e.preventDefault();
      this.signIn(e.target);
    };
    return html`<main class="login">
      <form class="login-form" @submit=${submit}>
        <h1>Octopus Photos</h1>
        <label>User name <input name="username" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password"
                               required></label>
        ${this.login.error ? html`<p class="error" id="login-error" role="alert">${this.login.error}</p>`
                           : nothing}
        <button class="primary" type="submit" ?disabled=${this.login.busy}>
          ${this.login.busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>`;
  }
}

const app = new App(document.getElementById('app'));
window.octopusApp = app;  // for the console
app.start();
