// A list of deals (or activities, tasks) behind a metric, embedded in the page: the newest
// deals, the forgotten ones. Same rows and columns as the drill-down list.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatCount, formatDate, formatDecimal, formatMoney } from '../format.js';
import { t } from '../i18n.js';
import { labelOf } from '../session.js';
import { reportRequest } from '../state.js';
import { renderTable } from '../table.js';
import { showEmpty } from './common.js';

const COLUMN_SETS = {
  full: ['title', 'amount', 'stage_name', 'responsible', 'created_at', 'days_on_stage', 'days_since_touch'],
  short: ['title', 'amount', 'responsible', 'created_at'],
};

function column(key) {
  const link = (row) => (row.url ? h('a', { href: row.url, target: '_blank', rel: 'noopener', class: 'deal-link' }, row.title || row.id, ' ↗') : row.title || row.id);
  const columns = {
    title: { key: 'title', label: t('col.title'), render: link },
    amount: { key: 'amount', label: t('col.amount'), numeric: true, value: (r) => Number(r.amount), render: (r) => formatMoney(r.amount) },
    stage_name: { key: 'stage_name', label: t('col.stage') },
    responsible: { key: 'responsible', label: t('col.manager'), render: (r) => labelOf('responsible', r.responsible) },
    created_at: { key: 'created_at', label: t('col.created'), render: (r) => formatDate(r.created_at) },
    days_on_stage: { key: 'days_on_stage', label: t('col.days_on_stage'), numeric: true, render: (r) => formatDecimal(r.days_on_stage) },
    days_since_touch: { key: 'days_since_touch', label: t('col.days_since_touch'), numeric: true, render: (r) => formatDecimal(r.days_since_touch) },
  };
  return columns[key];
}

// widget: {metric, sort: '-created_at', limit, columns: 'full'|'short', filters?, extra?}
export async function render(body, widget) {
  const request = {
    ...reportRequest(widget.metric, { filters: widget.filters, ...(widget.extra || {}) }),
    sort: widget.sort || '-amount',
    offset: 0,
    limit: widget.limit || 200,
  };
  const answer = await api.drilldown(request);
  if (!answer.total) return showEmpty(body);
  const holder = h('div', { class: 'table-scroll' });
  const shown = answer.items.length < answer.total ? t('list.shown', { shown: formatCount(answer.items.length), total: formatCount(answer.total) }) : t('drill.count', { count: formatCount(answer.total) });
  replace(body, h('div', { class: 'list-summary', dataset: { total: String(answer.total) } }, shown), holder);
  const keys = COLUMN_SETS[widget.columns || 'full'];
  const sortKey = request.sort.replace(/^-/, '');
  renderTable(holder, { columns: keys.map(column), rows: answer.items, sort: { key: sortKey, desc: request.sort.startsWith('-') } });
  return { exportSource: () => ({ drilldown: { ...request, limit: 100000 } }) };
}
