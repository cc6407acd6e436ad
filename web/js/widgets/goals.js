// Goals of the period: actual against target with a progress bar, the previous period and
// the run-rate projection to the end of each goal's period.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatValue } from '../format.js';
import { t } from '../i18n.js';
import { metricKind } from '../metrics.js';
import { labelOf } from '../session.js';
import { reportRequest } from '../state.js';
import { renderTable } from '../table.js';
import { showEmpty } from './common.js';

function scopeName(row) {
  if (row.scope === 'user') return labelOf('responsible', row.scope_id);
  if (row.scope === 'department') return labelOf('department', row.scope_id);
  return t('goal.workspace');
}

export async function render(body, widget) {
  const request = reportRequest('goal_progress', { filters: widget.filters });
  const answer = await api.report(request);
  const rows = (answer.rows || []).map((row) => ({ ...row, name: scopeName(row) }));
  if (!rows.length) return showEmpty(body);
  const value = (key) => (row) => formatValue(row[key], metricKind(row.metric));
  const holder = h('div', { class: 'table-scroll' });
  replace(body, holder);
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
    ],
    rows,
    sort: { key: 'percent', desc: true },
  });
  return { exportSource: () => ({ report: request }) };
}
