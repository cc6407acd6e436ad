// One metric split by a group key, as bars or a pie; a bar or slice filters the page by its
// value. With `granularity`, stacked bars over time per group value instead.
import { api } from '../api.js';
import { barOption, drawChart, pieOption } from '../chart.js';
import { h, replace } from '../dom.js';
import { formatBucket, formatMoneyShort, formatValue } from '../format.js';
import { t } from '../i18n.js';
import { metricKind } from '../metrics.js';
import { labelOf } from '../session.js';
import { addCrossFilter, reportRequest } from '../state.js';
import { autoGranularity, showEmpty } from './common.js';

const CROSS_FILTER_KEYS = new Set(['responsible', 'department', 'source', 'deal_type', 'stage', 'pipeline', 'loss_reason']);

// Known channels have a name in the interface texts; others show as they came.
function channelName(value) {
  const key = `channel.${value}`;
  const text = t(key);
  return text === key ? value || '—' : text;
}

function labelFor(key, value, labels, bySource = false) {
  if (bySource) return channelName(value);
  if (key === 'kind') return t(`activity.${value}`);
  if (key === 'direction') return t(`direction.${value}`);
  return labelOf(key, value, labels);
}

// widget: {metric, group, chart: 'bars'|'pie'|'stacked', filters?, extra?, limit?, source?}
export async function render(body, widget) {
  const key = widget.group;
  const stacked = widget.chart === 'stacked';
  const request = reportRequest(widget.metric, {
    group_by: [key],
    filters: widget.filters,
    ...(stacked ? { granularity: widget.granularity || autoGranularity() } : {}),
    ...(widget.extra || {}),
  });
  // Activities by their own source come from their own route, not a report metric.
  const bySource = widget.source === 'activity_sources';
  const answer = bySource ? await api.activitySources(request) : await api.report(request);
  const kind = metricKind(widget.metric);
  const format = kind === 'money' ? formatMoneyShort : (v) => formatValue(v, kind);
  const box = h('div', { class: 'chart' });
  replace(body, box);
  const rows = (answer.rows || []).filter((r) => r.value !== null && Number(r.value) !== 0);
  if (!rows.length) {
    showEmpty(box);
    return { exportSource: () => (bySource ? { activity_sources: request } : { report: request }) };
  }
  const clickable = !bySource && CROSS_FILTER_KEYS.has(key);
  const onClick = clickable ? (data) => data?.id !== undefined && addCrossFilter(key, data.id) : null;
  if (stacked) {
    const buckets = [...new Set((answer.rows || []).map((r) => r.bucket))].sort();
    const groups = [...new Set(rows.map((r) => r.group[key]))];
    const cell = new Map((answer.rows || []).map((r) => [`${r.group[key]}|${r.bucket}`, Number(r.value || 0)]));
    const series = groups.map((g) => ({
      name: labelFor(key, g, answer.labels, bySource),
      data: buckets.map((b) => ({ value: cell.get(`${g}|${b}`) || 0, id: g })),
    }));
    await drawChart(box, barOption({ categories: buckets.map(formatBucket), series, format, stacked: true }), onClick);
  } else if (widget.metric === 'load') {
    // Deals in work against each manager's capacity: the filled part, then the free part.
    const sorted = [...rows].sort((a, b) => (b.load ?? 0) - (a.load ?? 0) || Number(b.value) - Number(a.value)).slice(0, widget.limit || 12);
    const id = (r) => r.group[key];
    const series = [
      { name: t('load.in_work'), data: sorted.map((r) => ({ value: Number(r.value), id: id(r), capacity: r.capacity })) },
      { name: t('load.free'), data: sorted.map((r) => ({ value: Math.max(0, (r.capacity ?? 0) - Number(r.value)), id: id(r) })) },
    ];
    const option = barOption({ categories: sorted.map((r) => labelFor(key, id(r), answer.labels)), series, format, horizontal: true, stacked: true });
    option.series[0].label = {
      show: true,
      position: 'insideLeft',
      color: '#fff',
      fontSize: 11,
      formatter: (p) => (p.data.capacity ? `${p.value} / ${p.data.capacity}` : String(p.value)),
    };
    option.series[1].itemStyle = { color: '#e5e9f0' };
    await drawChart(box, option, onClick);
  } else {
    const sorted = [...rows].sort((a, b) => Number(b.value) - Number(a.value)).slice(0, widget.limit || 12);
    const items = sorted.map((r) => ({ name: labelFor(key, r.group[key], answer.labels, bySource), value: Number(r.value), id: r.group[key] }));
    if (widget.chart === 'pie') await drawChart(box, pieOption({ items, format }), onClick);
    else {
      const option = barOption({
        categories: items.map((i) => i.name),
        series: [{ name: t(`metric.${widget.metric}`), data: items }],
        format,
        horizontal: true,
      });
      option.series[0].label = { show: true, position: 'right', formatter: (p) => format(p.value), color: '#475569', fontSize: 11 };
      option.grid = { ...option.grid, top: 8, right: 48 };
      await drawChart(box, option, onClick);
    }
  }
  return { exportSource: () => (bySource ? { activity_sources: request } : { report: request }) };
}
