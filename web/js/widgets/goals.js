// Goals of the period: actual against target with a progress bar, the previous period and
// the run-rate projection to the end of each goal's period. Admins and heads set, change and
// withdraw goals here (GET/POST/PUT/DELETE /goals; the server decides which they may).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatValue } from '../format.js';
import { t } from '../i18n.js';
import { metricKind } from '../metrics.js';
import { currentMe, currentMeta, labelOf } from '../session.js';
import { reportRequest } from '../state.js';
import { renderTable } from '../table.js';
import { showEmpty } from './common.js';

function scopeName(row) {
  if (row.scope === 'user') return labelOf('responsible', row.scope_id);
  if (row.scope === 'department') return labelOf('department', row.scope_id);
  return t('goal.workspace');
}

const GOAL_METRICS = ['won_amount', 'won_count', 'created_count'];

function select(name, options, value) {
  return h('select', { name }, options.map(([id, label]) => h('option', { value: id, selected: id === value }, label)));
}

// The form of one goal (`goal` null: a new one); on save the widget draws again.
function goalForm(body, goal) {
  const meta = currentMeta() || {};
  const scope = select('scope', [['workspace', t('goal.workspace')], ['department', t('goal.department')], ['user', t('goal.user')]], goal?.scope || 'user');
  const who = h('select', { name: 'scope_id' });
  const fillWho = () => {
    const list = scope.value === 'department' ? meta.departments || [] : scope.value === 'user' ? meta.users || [] : [];
    replace(who, list.map((item) => h('option', { value: item.id, selected: item.id === goal?.scope_id }, item.name)));
    who.hidden = scope.value === 'workspace';
  };
  scope.addEventListener('change', fillWho);
  fillWho();
  const metric = select('metric', GOAL_METRICS.map((m) => [m, t(`metric.${m}`)]), goal?.metric || 'won_amount');
  const period = h('input', { name: 'period', value: goal?.period || new Date().toISOString().slice(0, 7), placeholder: '2024-03, 2024-Q1, 2024', size: 8 });
  const target = h('input', { name: 'target', value: goal ? String(goal.target) : '', inputmode: 'decimal', size: 10 });
  const error = h('span', { class: 'form-error', role: 'alert' });
  const save = async (event) => {
    event.preventDefault();
    const data = { scope: scope.value, metric: metric.value, period: period.value.trim(), target: target.value.trim().replace(',', '.') };
    if (scope.value !== 'workspace') data.scope_id = who.value;
    try {
      if (goal) await api.put(`/goals/${encodeURIComponent(goal.id)}`, data);
      else await api.post('/goals', data);
      body.dispatchEvent(new CustomEvent('voronka:redraw'));
    } catch (problem) {
      error.textContent = problem.message;
    }
  };
  return h('form', { class: 'goal-form', onsubmit: save },
    scope, who, metric, period, target,
    h('button', { type: 'submit', class: 'button primary', name: 'save-goal' }, t('admin.save')),
    h('button', { type: 'button', class: 'button link', onclick: () => body.dispatchEvent(new CustomEvent('voronka:redraw')) }, t('goal.cancel')),
    error);
}

export async function render(body, widget) {
  const request = reportRequest('goal_progress', { filters: widget.filters });
  const role = currentMe()?.user?.role;
  const setsGoals = role === 'admin' || role === 'head';
  const [answer, goals] = await Promise.all([api.report(request), setsGoals ? api.get('/goals') : []]);
  const editable = new Map(goals.filter((g) => g.editable).map((g) => [g.id, g]));
  const rows = (answer.rows || []).map((row) => ({ ...row, name: scopeName(row) }));
  const toolbar = setsGoals
    ? h('div', { class: 'goal-toolbar' }, h('button', { type: 'button', class: 'button', name: 'new-goal', onclick: () => replace(toolbar, goalForm(body, null)) }, t('goal.new')))
    : null;
  if (!rows.length) {
    showEmpty(body);
    if (toolbar) body.append(toolbar);
    return { exportSource: null };
  }
  const value = (key) => (row) => formatValue(row[key], metricKind(row.metric));
  const holder = h('div', { class: 'table-scroll' });
  replace(body, toolbar, holder);
  const actions = (row) => {
    const goal = editable.get(row.group?.goal);
    if (!goal) return '';
    const withdraw = async () => {
      if (!window.confirm(t('goal.confirm_delete'))) return;
      try {
        await api.del(`/goals/${encodeURIComponent(goal.id)}`);
        body.dispatchEvent(new CustomEvent('voronka:redraw'));
      } catch (problem) {
        window.alert(problem.message);
      }
    };
    return h('span', { class: 'goal-actions', dataset: { goal: goal.id } },
      h('button', { type: 'button', class: 'button link', name: 'edit-goal', onclick: () => replace(toolbar, goalForm(body, goal)) }, t('goal.edit')),
      h('button', { type: 'button', class: 'button link', name: 'delete-goal', onclick: withdraw }, t('goal.delete')));
  };
  renderTable(holder, {
    columns: [
      { key: 'name', label: t('goal.scope') },
      { key: 'metric', label: t('goal.metric'), render: (r) => t(`metric.${r.metric}`) },
      { key: 'period', label: t('goal.period') },
      { key: 'value', label: t('goal.actual'), numeric: true, value: (r) => Number(r.value), render: value('value') },
      { key: 'target', label: t('goal.target'), numeric: true, value: (r) => Number(r.target), render: value('target') },
      {
        key: 'percent',
        label: t('goal.percent'),
        numeric: true,
        render: (r) =>
          h('div', { class: 'progress' }, h('div', { class: `progress-bar ${r.percent >= 100 ? 'done' : ''}`, style: `width:${Math.min(100, r.percent || 0)}%` }),
            h('span', {}, r.percent === null ? '—' : `${Math.round(r.percent)} %`)),
      },
      { key: 'projection', label: t('goal.projection'), numeric: true, value: (r) => Number(r.projection), render: value('projection') },
      { key: 'previous', label: t('goal.previous'), numeric: true, value: (r) => Number(r.previous), render: value('previous') },
      ...(setsGoals ? [{ key: 'actions', label: '', render: actions }] : []),
    ],
    rows,
    sort: { key: 'percent', desc: true },
  });
  return { exportSource: () => ({ report: request }) };
}
