// A metric over time (buckets chosen by the period's length) against the previous period;
// a metric selector above it; a point opens the drill-down of its bucket.
import { api } from '../api.js';
import { drawChart, lineOption } from '../chart.js';
import { h, replace } from '../dom.js';
import { openDrilldown } from '../drilldown.js';
import { formatBucket, formatMoneyShort, formatValue } from '../format.js';
import { t } from '../i18n.js';
import { metricKind } from '../metrics.js';
import { reportRequest } from '../state.js';
import { autoGranularity, drillRequest, showEmpty } from './common.js';

// widget: {metrics: [names], granularity?, filters?}; the first metric is shown first.
export async function render(body, widget) {
  widget.selected = widget.selected || widget.metrics[0];
  const metric = widget.selected;
  const request = reportRequest(metric, {
    granularity: widget.granularity || autoGranularity(),
    compare: 'previous_period',
    filters: widget.filters,
  });
  const answer = await api.report(request);
  const kind = metricKind(metric);
  const format = kind === 'money' ? formatMoneyShort : (v) => formatValue(v, kind);
  const rows = answer.rows || [];
  const selector = widget.metrics.length > 1
    ? h(
        'select',
        {
          class: 'compact',
          'aria-label': t('widget.metric'),
          onchange: (event) => {
            widget.selected = event.target.value;
            // Redrawn by the dashboard, which shows a failure in the widget.
            body.dispatchEvent(new CustomEvent('voronka:redraw', { bubbles: true }));
          },
        },
        widget.metrics.map((m) => h('option', { value: m, selected: m === metric }, t(`metric.${m}`))),
      )
    : null;
  const chartBox = h('div', { class: 'chart' });
  replace(body, h('div', { class: 'widget-tools' }, selector), chartBox);
  if (!rows.length || rows.every((r) => !Number(r.value) && !Number(r.compare))) {
    showEmpty(chartBox);
    return { exportSource: () => ({ report: request }) };
  }
  const option = lineOption({
    categories: rows.map((r) => formatBucket(r.bucket)),
    series: [
      { name: t('chart.this_period'), values: rows.map((r) => ({ value: r.value === null ? null : Number(r.value), bucket: r.bucket })) },
      { name: t('chart.previous_period'), values: rows.map((r) => (r.compare === null ? null : Number(r.compare))), dashed: true },
    ],
    format,
  });
  await drawChart(chartBox, option, (data) => {
    if (data?.bucket) openDrilldown(`${t(`metric.${metric}`)} · ${formatBucket(data.bucket)}`, drillRequest(request, null, data.bucket));
  });
  return { exportSource: () => ({ report: request }) };
}
