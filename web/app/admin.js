// Administration, for administrators: every account with its usage, its
// quota (editable), whether it is disabled and whether it administers; and
// a form that makes new accounts (POST /admin/users), whether or not
// registration is open. The server refuses to take administration from the
// last enabled administrator, and the page shows its reason.
import {html, nothing} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {api} from '/app/api.js';
import {formatBytes} from '/app/format.js';

export class Admin {
  constructor(app) {
    this.app = app;
    this.users = null;
    this.message = '';
    this.error = false;
    this.creating = false;
  }

  async load() {
    try {
      this.users = (await api('GET', '/admin/users')).users;
    } catch (e) {
      this.say(e.message, true);
    }
    this.app.render();
  }

  say(message, error = false) {
    this.message = message;
    this.error = error;
  }

  async patch(name, body, done) {
    try {
      await api('PATCH', `/admin/users/${encodeURIComponent(name)}`, {json: body});
      this.say(done);
    } catch (e) {
      this.say(e.message, true);
    }
    // An administrator who stepped down has no users page any more.
    if (body.is_admin === false && name.toLowerCase() === this.app.user.name.toLowerCase() &&
        !this.error) {
      this.app.user.is_admin = false;
      this.app.go('#/timeline');
      return;
    }
    await this.load();
  }

  async create(form) {
    const data = new FormData(form);
    const json = {username: data.get('username').trim(), password: data.get('password'),
                  is_admin: data.get('is_admin') === 'on'};
    const quota = data.get('quota').trim();
    if (quota) json.quota = quota;
    this.creating = true;
    this.app.render();
    try {
      const u = await api('POST', '/admin/users', {json});
      this.say(`Created ${u.is_admin ? 'administrator' : 'user'} ${u.username}`);
      form.reset();
    } catch (e) {
      this.say(e.message, true);
    }
    this.creating = false;
    await this.load();
  }
}

function newUserForm(a) {
  const submit = (e) => {
    e.preventDefault();
    a.create(e.target);
  };
  return html`<form class="new-user" @submit=${submit} aria-labelledby="new-user-title">
    <h2 id="new-user-title">New user</h2>
    <label>Name <input name="username" required autocomplete="off" maxlength="64"></label>
    <label>Password <input name="password" type="password" required minlength="8"
                           autocomplete="new-password"></label>
    <label>Quota <input name="quota" size="6" placeholder="default"></label>
    <label class="check"><input name="is_admin" type="checkbox"> Administrator</label>
    <button type="submit" ?disabled=${a.creating}>Create</button>
  </form>`;
}

export function adminView(app, a) {
  const setQuota = (u) => (e) => {
    e.preventDefault();
    const quota = new FormData(e.target).get('quota').trim();
    if (quota) a.patch(u.username, {quota}, `Quota of ${u.username} set to ${quota}`);
  };
  const toggleAdmin = (u) => () =>
    a.patch(u.username, {is_admin: !u.is_admin},
            `${u.username} ${u.is_admin ? 'is no longer' : 'is now'} an administrator`);
  return html`<section class="page admin-page">
    <h1>Users</h1>
    ${a.message ? html`<p class="message ${a.error ? 'error' : ''}" role="status">${a.message}</p>`
                : nothing}
    ${newUserForm(a)}
    ${a.users ? html`<div class="table-wrap"><table>
      <thead><tr><th>User</th><th>Photos</th><th>Used</th><th>Quota</th><th>State</th>
        <th>Role</th></tr></thead>
      <tbody>${a.users.map((u) => html`<tr data-user=${u.username}>
        <td>${u.username}${u.is_admin ? html` <span class="chip">admin</span>` : nothing}</td>
        <td>${u.photo_count}</td>
        <td>${formatBytes(u.used_bytes)}</td>
        <td><form class="inline" @submit=${setQuota(u)}>
          <input name="quota" size="6" aria-label="Quota of ${u.username}"
                 placeholder=${formatBytes(u.quota_bytes)}>
          <button type="submit">Set</button></form></td>
        <td><button class=${u.disabled ? '' : 'danger'}
              @click=${() => a.patch(u.username, {disabled: !u.disabled},
                                     `${u.username} ${u.disabled ? 'enabled' : 'disabled'}`)}>
          ${u.disabled ? 'Enable' : 'Disable'}</button></td>
        <td><button class="admin-toggle" aria-pressed=${u.is_admin ? 'true' : 'false'}
              @click=${toggleAdmin(u)}>
          ${u.is_admin ? 'Remove admin' : 'Make admin'}</button></td>
      </tr>`)}</tbody></table></div>` : html`<p class="loading">Loading…</p>`}
  </section>`;
}
