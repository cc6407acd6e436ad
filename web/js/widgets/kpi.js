// A headline number: the metric over the period, its change against the previous period,
// and the previous value; the number opens its drill-down list. With `source: 'clients'` the
// number is the new clients of the period (POST /clients), companies and contacts beneath.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { change, formatChange, formatCount, formatMoneyHeadline, formatValue } from '../format.js';
import { t } from '../i18n.js';
import { lowerIsBetter, metricKind } from '../metrics.js';
import { reportRequest } from '../state.js';
import { drillNumber } from './common.js';

function comparison(value, previous, metric, show) {
  const delta = change(value, previous);
  const good = delta === null || delta === 0 ? '' : (delta > 0) !== lowerIsBetter(metric) ? 'up' : 'down';
  return h(
    'div',
    { class: 'kpi-compare' },
    delta === null ? null : h('span', { class: `kpi-change ${good}` }, formatChange(delta)),
    previous === undefined ? null : h('span', { class: 'kpi-previous' }, t('kpi.previous', { value: show(previous) })),
  );
}

// The number and its drill-down are new_client_count; POST /clients adds the split into
// companies and contacts.
async function renderClients(body, widget) {
  const request = reportRequest('new_client_count', { compare: 'previous_period', filters: widget.filters });
  const { metric: _metric, ...split } = request;
  const answer = await api.clients(split);
  replace(
    body,
    h(
      'div',
      { class: 'kpi', dataset: { metric: 'new_clients', value: String(answer.total) } },
      drillNumber(formatCount(answer.total), request, { value: answer.total, title: t('desktop.clients'), hint: formatCount(answer.total) }),
      comparison(answer.total, answer.total_compare, 'new_client_count', formatCount),
      h('div', { class: 'kpi-previous' }, t('clients.split', { companies: formatCount(answer.companies), contacts: formatCount(answer.contacts) })),
    ),
  );
  return { exportSource: () => ({ report: request }) };
}

// widget: {metric, filters?, compare? ("previous_period" by default), extra? request members}
export async function render(body, widget) {
  if (widget.source === 'clients') return renderClients(body, widget);
  const request = reportRequest(widget.metric, {
    compare: widget.compare || 'previous_period',
    filters: widget.filters,
    ...(widget.extra || {}),
  });
  const answer = await api.report(request);
  const kind = metricKind(widget.metric);
  const value = answer.total;
  const show = (v) => (kind === 'money' ? formatMoneyHeadline(v) : formatValue(v, kind));
  replace(
    body,
    h(
      'div',
      { class: 'kpi', dataset: { metric: widget.metric, value: value === null ? '' : String(value) } },
      drillNumber(show(value), request, { value, title: typeof widget.title === 'function' ? widget.title() : t(widget.title), hint: formatValue(value, kind) }),
      comparison(value, answer.total_compare, widget.metric, show),
    ),
  );
  return { exportSource: () => ({ report: request }) };
}
