// The admin page (admins only; the server refuses its routes to anyone else): workspace
// settings, people (CRM users and their accounts), ingest tokens, default layouts.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { LANGUAGES, t } from '../i18n.js';
import { showToast } from '../notice.js';
import { currentMeta, loadMe, loadMeta } from '../session.js';

const ROLES = ['admin', 'head', 'manager'];
const WEIGHTS = ['call', 'email', 'meeting', 'sms', 'chat', 'webform', 'comment', 'file', 'nps', 'other', 'task', 'stage_change'];

const section = (id, title, ...body) => h('section', { class: 'admin-section', dataset: { section: id } }, h('h2', {}, t(title)), ...body);
const field = (label, input) => h('label', { class: 'admin-field' }, h('span', {}, t(label)), input);

async function attempt(action, done) {
  try {
    const result = await action();
    if (done) showToast(t(done));
    return result;
  } catch (error) {
    showToast(t('admin.failed', { message: error.message }));
    return undefined;
  }
}

// The workspace's own name, time zone, currency and locale: the members that changed, for the
// `workspace` member of PUT /settings (the server validates and names a bad one).
function workspaceFields(workspace) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const inputs = {
    name: h('input', { type: 'text', name: 'workspace.name', value: workspace.name ?? '' }),
    time_zone: h('input', { type: 'text', name: 'workspace.time_zone', value: workspace.time_zone ?? '', list: 'admin-time-zones', placeholder: 'Europe/Moscow' }),
    currency: h('input', { type: 'text', name: 'workspace.currency', value: workspace.currency ?? '', maxlength: 3, placeholder: 'RUB' }),
    locale: h('select', { name: 'workspace.locale' }, LANGUAGES.map((l) => h('option', { value: l, selected: workspace.locale === l }, l.toUpperCase()))),
  };
  const fields = [
    field('admin.workspace_name', inputs.name),
    field('admin.time_zone', inputs.time_zone),
    field('admin.currency', inputs.currency),
    field('admin.locale', inputs.locale),
    h('datalist', { id: 'admin-time-zones' }, zones.map((zone) => h('option', { value: zone }))),
  ];
  const changed = () => {
    const members = {};
    for (const [name, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      if (value !== (workspace[name] ?? '')) members[name] = name === 'currency' ? value.toUpperCase() : value;
    }
    return members;
  };
  return { fields, changed };
}

// The settings form: everything of GET /settings, saved with one PUT.
function settingsForm(settings, onSaved) {
  const own = workspaceFields(settings.workspace || {});
  const number = (name, value, step = 1) => h('input', { type: 'number', name, min: 0, step, value: value ?? '' });
  const forgotten = number('forgotten_days', settings.forgotten_days);
  const dealUrl = h('input', { type: 'text', name: 'deal_url', value: settings.deal_url ?? '', placeholder: 'https://crm.example/deal/{id}/' });
  const price = h('input', { type: 'text', name: 'price_field', value: settings.price_field });
  const source = h('input', { type: 'text', name: 'source_field', value: settings.source_field });
  const mayHide = h('input', { type: 'checkbox', name: 'users_may_hide_widgets', checked: settings.users_may_hide_widgets });
  const weights = Object.fromEntries(WEIGHTS.map((kind) => [kind, number(`weight.${kind}`, settings.activity_weights[kind], 0.5)]));
  const stages = [];
  for (const pipeline of currentMeta().pipelines || []) {
    for (const stage of pipeline.stages || []) {
      const select = h(
        'select',
        { name: `stage.${stage.id}` },
        h('option', { value: '' }, t('admin.crm_default')),
        ['open', 'won', 'lost'].map((s) => h('option', { value: s, selected: settings.stage_semantics[stage.id] === s }, t(`admin.semantic.${s}`))),
      );
      stages.push({ id: stage.id, select, row: h('tr', {}, h('td', {}, pipeline.name), h('td', {}, stage.name), h('td', {}, select)) });
    }
  }
  const users = (currentMeta().users || []).map((user) => ({ id: user.id, input: number(`capacity.${user.id}`, settings.capacities[user.id]), name: user.name }));
  const hidden = {};
  const pagesTable = h(
    'table',
    { class: 'admin-table' },
    h('tr', {}, h('th', {}, ''), settings.pages.map((p) => h('th', {}, t(`page.${p}`)))),
    ROLES.filter((role) => role !== 'admin').map((role) =>
      h(
        'tr',
        {},
        h('td', {}, t(`admin.role.${role}`)),
        settings.pages.map((p) => {
          const box = h('input', { type: 'checkbox', name: `hidden.${role}.${p}`, checked: (settings.hidden_pages[role] || []).includes(p) });
          (hidden[role] ||= []).push({ page: p, box });
          return h('td', {}, box);
        }),
      ),
    ),
  );
  const save = async (event) => {
    event.preventDefault();
    const body = {
      forgotten_days: forgotten.value === '' ? null : Number(forgotten.value),
      deal_url: dealUrl.value.trim() || null,
      price_field: price.value.trim() || 'amount',
      source_field: source.value.trim() || 'source',
      users_may_hide_widgets: mayHide.checked,
      activity_weights: Object.fromEntries(WEIGHTS.map((kind) => [kind, Number(weights[kind].value || 0)])),
      stage_semantics: Object.fromEntries(stages.filter((s) => s.select.value).map((s) => [s.id, s.select.value])),
      capacities: Object.fromEntries(users.filter((u) => u.input.value !== '').map((u) => [u.id, Number(u.input.value)])),
      hidden_pages: Object.fromEntries(Object.entries(hidden).map(([role, boxes]) => [role, boxes.filter((b) => b.box.checked).map((b) => b.page)])),
    };
    const workspace = own.changed();
    if (Object.keys(workspace).length) body.workspace = workspace;
    // The workspace's name, zone, currency, threshold and deep link are read from /me: the
    // dashboard knows them before "saved" is said, so no page opened after it shows the old.
    const saved = await attempt(async () => {
      const answer = await api.put('/settings', body);
      await Promise.all([loadMe(), loadMeta()]);
      return answer;
    }, 'admin.saved');
    if (saved) onSaved();
  };
  return h(
    'form',
    { class: 'admin-settings', onsubmit: save },
    h('div', { class: 'admin-grid' }, own.fields),
    h('div', { class: 'admin-grid' }, field('admin.forgotten_days', forgotten), field('admin.deal_url', dealUrl), field('admin.price_field', price), field('admin.source_field', source), field('admin.may_hide', mayHide)),
    h('h3', {}, t('admin.weights')),
    h('div', { class: 'admin-grid' }, WEIGHTS.map((kind) => field(`admin.weight.${kind}`, weights[kind]))),
    h('h3', {}, t('admin.stages')),
    h('table', { class: 'admin-table' }, stages.map((s) => s.row)),
    h('h3', {}, t('admin.capacities')),
    h('div', { class: 'admin-grid' }, users.map((u) => h('label', { class: 'admin-field' }, h('span', {}, u.name), u.input))),
    h('h3', {}, t('admin.hidden_pages')),
    pagesTable,
    h('button', { type: 'submit', class: 'button primary', name: 'save-settings' }, t('admin.save')),
  );
}

// CRM users with their accounts: invite, role, disable, password reset.
function peopleTable(crmUsers, accounts, onChange) {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const rows = crmUsers.map((user) => {
    const account = user.account ? byId.get(user.account.id) : null;
    if (!account) {
      const login = h('input', { type: 'text', name: `login.${user.id}`, value: user.id, size: 10 });
      const password = h('input', { type: 'password', name: `password.${user.id}`, placeholder: t('admin.password'), size: 10 });
      const invite = async () => {
        const added = await attempt(() => api.post('/accounts', { crm_user_id: user.id, login: login.value, password: password.value || undefined }), 'admin.invited');
        if (added?.password) showToast(t('admin.password_once', { password: added.password }));
        if (added) onChange();
      };
      return h('tr', { dataset: { crmUser: user.id } }, h('td', {}, user.name), h('td', {}, t(`admin.role.${user.default_role}`)), h('td', {}, login, ' ', password), h('td', {}, h('button', { type: 'button', class: 'button', name: 'invite', onclick: invite }, t('admin.invite'))));
    }
    return accountRow(account, user.name, onChange);
  });
  const others = accounts.filter((a) => !a.crm_user_id).map((a) => accountRow(a, a.name, onChange));
  return h('table', { class: 'admin-table admin-people' }, h('tr', {}, ['admin.name', 'admin.role', 'admin.login', ''].map((k) => h('th', {}, k ? t(k) : ''))), rows, others);
}

function accountRow(account, name, onChange) {
  const update = (body, done) => attempt(() => api.put(`/accounts/${account.id}`, body), done).then((ok) => ok && onChange());
  const role = h('select', { name: `role.${account.login}`, onchange: (e) => update({ role: e.target.value }, 'admin.saved') }, ROLES.map((r) => h('option', { value: r, selected: r === account.role }, t(`admin.role.${r}`))));
  const password = h('input', { type: 'password', name: `reset.${account.login}`, placeholder: t('admin.new_password'), size: 10 });
  return h(
    'tr',
    { dataset: { account: account.login }, class: account.active ? '' : 'inactive' },
    h('td', {}, name),
    h('td', {}, role),
    h('td', {}, account.login),
    h(
      'td',
      {},
      h('button', { type: 'button', class: 'button link', onclick: () => update({ active: !account.active }, 'admin.saved') }, t(account.active ? 'admin.disable' : 'admin.enable')),
      password,
      h('button', { type: 'button', class: 'button link', onclick: () => update({ password: password.value }, 'admin.password_reset') }, t('admin.reset_password')),
    ),
  );
}

function tokensList(tokens, onChange) {
  const shown = h('div', { class: 'admin-token' });
  const create = async () => {
    const created = await attempt(() => api.post('/tokens', {}));
    if (!created) return;
    await onChange();
    replace(document.querySelector('.admin-token'), h('code', {}, created.token), ' ', t('admin.token_once'));
  };
  return h(
    'div',
    {},
    h('button', { type: 'button', class: 'button', name: 'create-token', onclick: create }, t('admin.create_token')),
    shown,
    h(
      'table',
      { class: 'admin-table' },
      tokens.map((token) =>
        h(
          'tr',
          { class: token.revoked_at ? 'inactive' : '' },
          h('td', {}, h('code', {}, token.id)),
          h('td', {}, token.created_at),
          h('td', {}, token.revoked_at ? t('admin.revoked') : h('button', { type: 'button', class: 'button link', onclick: () => attempt(() => api.del(`/tokens/${token.id}`), 'admin.saved').then((ok) => ok && onChange()) }, t('admin.revoke'))),
        ),
      ),
    ),
  );
}

// The admin's own layout of a page becomes the default of a role or a department.
function layoutDefaults(pages) {
  const page = h('select', { name: 'layout-page' }, pages.map((p) => h('option', { value: p }, t(`page.${p}`))));
  const target = h(
    'select',
    { name: 'layout-target' },
    ROLES.map((r) => h('option', { value: `role=${r}` }, t(`admin.role.${r}`))),
    (currentMeta().departments || []).map((d) => h('option', { value: `department=${encodeURIComponent(d.id)}` }, d.name)),
  );
  const apply = async () => {
    const layout = await attempt(() => api.layout(page.value));
    if (layout === undefined) return;
    await attempt(() => api.put(`/layout?page=${encodeURIComponent(page.value)}&${target.value}`, layout), 'admin.saved');
  };
  return h('div', { class: 'admin-grid' }, field('admin.layout_page', page), field('admin.layout_target', target), h('button', { type: 'button', class: 'button', onclick: apply }, t('admin.use_my_layout')));
}

export const page = {
  id: 'admin',
  // Draws the whole page into `container` (it is not a grid of widgets).
  async render(container) {
    const draw = async () => {
      const [settings, crmUsers, accounts, tokens] = await Promise.all([api.get('/settings'), api.get('/crm-users'), api.get('/accounts'), api.get('/tokens')]);
      replace(
        container,
        h(
          'div',
          { class: 'admin-page' },
          section('settings', 'admin.settings', settingsForm(settings, draw)),
          section('people', 'admin.people', peopleTable(crmUsers, accounts, draw)),
          section('tokens', 'admin.tokens', tokensList(tokens, draw)),
          // The report builder has no widgets to arrange.
          section('layouts', 'admin.layouts', layoutDefaults(settings.pages.filter((p) => p !== 'builder'))),
        ),
      );
    };
    await draw();
  },
};
