// A headline number: the metric over the period, its change against the previous period,
// and the previous value; the number opens its drill-down list.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { change, formatChange, formatMoneyHeadline, formatValue } from '../format.js';
import { t } from '../i18n.js';
import { lowerIsBetter, metricKind } from '../metrics.js';
import { reportRequest } from '../state.js';
import { drillNumber } from './common.js';

// widget: {metric, filters?, compare? ("previous_period" by default), extra? request members}
export async function render(body, widget) {
  const request = reportRequest(widget.metric, {
    compare: widget.compare || 'previous_period',
    filters: widget.filters,
    ...(widget.extra || {}),
  });
  const answer = await api.report(request);
  const kind = metricKind(widget.metric);
  const value = answer.total;
  const previous = answer.total_compare;
  const delta = change(value, previous);
  const show = (v) => (kind === 'money' ? formatMoneyHeadline(v) : formatValue(v, kind));
  const good = delta === null || delta === 0 ? '' : (delta > 0) !== lowerIsBetter(widget.metric) ? 'up' : 'down';
  replace(
    body,
    h(
      'div',
      { class: 'kpi', dataset: { metric: widget.metric, value: value === null ? '' : String(value) } },
      drillNumber(show(value), request, { value, title: typeof widget.title === 'function' ? widget.title() : t(widget.title), hint: formatValue(value, kind) }),
      h(
        'div',
        { class: 'kpi-compare' },
        delta === null ? null : h('span', { class: `kpi-change ${good}` }, formatChange(delta)),
        previous === undefined ? null : h('span', { class: 'kpi-previous' }, t('kpi.previous', { value: show(previous) })),
      ),
    ),
  );
  return { exportSource: () => ({ report: request }) };
}
