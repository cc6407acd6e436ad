// One report answer drawn as the report builder's chart types (number, line, bars, stacked
// bars, pie, funnel, table), with an optional goal line and the table of its rows. The builder's
// preview and the saved-report widget of the desktop both draw through here; every number and
// every bar or slice opens the drill-down list of its row.
import { barOption, drawChart, lineOption, pieOption } from './chart.js';
import { h, replace } from './dom.js';
import { openDrilldown } from './drilldown.js';
import { formatBucket, formatMoneyHeadline, formatMoneyShort, formatValue } from './format.js';
import { t } from './i18n.js';
import { labelOf } from './session.js';
import { renderTable } from './table.js';
import { drillNumber, drillRequest, showEmpty } from './widgets/common.js';

export const CHART_TYPES = ['number', 'line', 'bars', 'stacked_bars', 'pie', 'funnel', 'table'];
const MAX_CATEGORIES = 30;

// The display name of a metric; its own name where the interface has none (one the server added).
export function metricName(name) {
  const text = t(`metric.${name}`);
  return text === `metric.${name}` ? name : text;
}

// The display name of a group key (responsible, fields.delivery, bucket).
export function keyName(key) {
  if (key === 'bucket') return t('export.bucket');
  if (key.startsWith('fields.')) return key.slice('fields.'.length);
  return t(`group.${key}`);
}

// The display name of one value of a group key.
export function valueName(key, value, labels) {
  if (key === 'bucket') return formatBucket(value);
  if (key === 'kind') return t(`activity.${value}`);
  if (key === 'direction') return t(`direction.${value}`);
  return labelOf(key, value, labels);
}

const numberOf = (value) => (value === null || value === undefined ? null : Number(value));

// The keys a row is told apart by: the group keys of the answer, then the bucket.
function rowKeys(rows) {
  const keys = rows.length ? Object.keys(rows[0].group || {}) : [];
  if (rows.some((r) => r.bucket)) keys.push('bucket');
  return keys;
}

const keyValue = (row, key) => (key === 'bucket' ? row.bucket : row.group?.[key]);

// The values of `key` in the order the rows give them (buckets sorted).
function valuesOf(rows, key) {
  const values = [...new Set(rows.map((r) => keyValue(r, key)))];
  return key === 'bucket' ? values.sort() : values;
}

// The sum of the rows per value of `key`, largest first (stages and buckets keep their order).
function totals(rows, key) {
  const sums = new Map();
  for (const row of rows) {
    const value = keyValue(row, key);
    sums.set(value, (sums.get(value) || 0) + (numberOf(row.value) || 0));
  }
  const list = [...sums.entries()].map(([value, sum]) => ({ value, sum }));
  if (key !== 'bucket' && key !== 'stage') list.sort((a, b) => b.sum - a.sum);
  return list;
}

function goalMarkLine(goal, format) {
  if (goal === null) return undefined;
  return {
    symbol: 'none',
    silent: true,
    lineStyle: { color: '#c96c5c', type: 'dashed', width: 2 },
    label: { formatter: `${t('builder.goal')}: ${format(goal)}`, position: 'insideEndTop', color: '#c96c5c' },
    data: [{ yAxis: goal }],
  };
}

// Draws a chart of `chart` type for `answer` into `box`. `drill(group, bucket)` opens a row.
async function drawAnswerChart(box, { chart, answer, kind, goal, drill, label }) {
  const rows = (answer.rows || []).filter((r) => r.value !== null);
  if (!rows.length || rows.every((r) => !Number(r.value))) return showEmpty(box);
  const format = kind === 'money' ? formatMoneyShort : (v) => formatValue(v, kind);
  const keys = rowKeys(rows);
  const labels = answer.labels;
  const onClick = (data) => data && (data.group || data.bucket) && drill(data.group || {}, data.bucket);
  const groupOf = (pairs) => {
    const group = {};
    let bucket;
    for (const [key, value] of pairs) {
      if (key === 'bucket') bucket = value;
      else group[key] = value;
    }
    return { group, bucket };
  };
  if (chart === 'pie' || chart === 'funnel') {
    const key = keys.find((k) => k !== 'bucket') || keys[0];
    if (!key) return showEmpty(box);
    const items = totals(rows, key)
      .filter((item) => item.sum)
      .slice(0, MAX_CATEGORIES)
      .map((item) => ({ name: valueName(key, item.value, labels), value: item.sum, ...groupOf([[key, item.value]]) }));
    if (chart === 'pie') return drawChart(box, pieOption({ items, format }), onClick);
    return drawChart(
      box,
      {
        tooltip: { trigger: 'item', confine: true, valueFormatter: format },
        series: [
          {
            type: 'funnel',
            sort: key === 'stage' ? 'none' : 'descending',
            left: 8,
            right: 8,
            top: 8,
            bottom: 8,
            minSize: '8%',
            data: items,
            label: { show: true, position: 'inside', formatter: (p) => `${p.name}: ${format(p.value)}`, color: '#fff', fontSize: 11 },
            cursor: 'pointer',
          },
        ],
      },
      onClick,
    );
  }
  // Line and bars: time along the axis when the answer has buckets, else the first group key;
  // the other key (if any) makes one series per value.
  const category = keys.includes('bucket') && (chart === 'line' || keys.length > 1) ? 'bucket' : keys[0];
  const seriesKey = keys.find((k) => k !== category && k !== undefined) || null;
  if (!category) return showEmpty(box);
  let categories = category === 'bucket' ? valuesOf(rows, 'bucket') : totals(rows, category).map((item) => item.value);
  categories = categories.slice(0, category === 'bucket' ? undefined : MAX_CATEGORIES);
  const seriesValues = seriesKey ? totals(rows, seriesKey).map((item) => item.value).slice(0, 12) : [null];
  const cell = new Map(rows.map((r) => [`${keyValue(r, category)}|${seriesKey ? keyValue(r, seriesKey) : ''}`, numberOf(r.value)]));
  const series = seriesValues.map((s) => ({
    name: seriesKey ? valueName(seriesKey, s, labels) : label,
    data: categories.map((c) => ({
      value: cell.get(`${c}|${seriesKey ? s : ''}`) ?? 0,
      ...groupOf(seriesKey ? [[category, c], [seriesKey, s]] : [[category, c]]),
    })),
  }));
  const names = categories.map((c) => valueName(category, c, labels));
  let option;
  if (chart === 'line') {
    option = lineOption({ categories: names, series: series.map((s) => ({ name: s.name, values: s.data })), format, area: series.length === 1 });
    option.series.forEach((s) => (s.lineStyle = { width: 2 }));
    option.tooltip = { ...option.tooltip, trigger: 'axis' };
  } else {
    option = barOption({ categories: names, series, format, stacked: chart === 'stacked_bars' });
    if (category !== 'bucket') {
      option.xAxis.axisLabel = { ...option.xAxis.axisLabel, interval: 0, rotate: names.length > 6 ? 30 : 0, width: 110, overflow: 'truncate' };
      option.grid = { ...option.grid, left: 24 };
    }
  }
  if (goal !== null) {
    option.series[0].markLine = goalMarkLine(goal, format);
    // The axis reaches the goal even when every value is below it.
    option.yAxis = { ...option.yAxis, max: (extent) => Math.max(extent.max, goal) };
  }
  return drawChart(box, option, onClick);
}

// The big number of the "number" chart, with the goal beside it.
function numberView({ answer, kind, goal, request, label }) {
  const value = answer.total;
  const show = (v) => (kind === 'money' ? formatMoneyHeadline(v) : formatValue(v, kind));
  const percent = goal && value !== null ? Math.round((Number(value) / goal) * 100) : null;
  return h(
    'div',
    { class: 'kpi report-number', dataset: { value: value === null ? '' : String(value) } },
    drillNumber(show(value), request, { value, title: label, hint: formatValue(value, kind) }),
    goal === null ? null : h('div', { class: 'kpi-previous' }, `${t('builder.goal')}: ${show(goal)}`, percent === null ? '' : ` · ${percent} %`),
  );
}

// The table of the answer's rows: one column per group key (and the bucket), then the value
// (and the compared value); each number opens its drill-down.
function rowsTable(holder, { answer, kind, request, label }) {
  const rows = answer.rows || [];
  const keys = rowKeys(rows);
  const hasCompare = rows.some((r) => r.compare !== undefined && r.compare !== null);
  const titleOf = (row) => [label, ...keys.map((k) => valueName(k, keyValue(row, k), answer.labels))].join(' · ');
  const number = (row) =>
    drillNumber(formatValue(row.value ?? 0, kind), request, { group: row.group, bucket: row.bucket, value: row.value, title: titleOf(row) });
  const columns = [
    ...keys.map((key) => ({
      key,
      label: keyName(key),
      value: (row) => (key === 'bucket' ? row.bucket : valueName(key, keyValue(row, key), answer.labels)),
      render: (row) => valueName(key, keyValue(row, key), answer.labels),
    })),
    { key: 'value', label, numeric: true, value: (row) => numberOf(row.value), render: number },
    ...(hasCompare ? [{ key: 'compare', label: t('export.compare'), numeric: true, value: (row) => numberOf(row.compare), render: (row) => formatValue(row.compare, kind) }] : []),
  ];
  const sort = keys.includes('bucket') || keys.includes('stage') ? null : { key: 'value', desc: true };
  renderTable(holder, { columns, rows, sort });
}

// Draws `answer` of `request` into `body` as `chart` with `goalLine` (null for none). With
// `table` the rows' table goes under the chart (always for the "table" chart). Answers the
// elements drawn.
export async function drawReport(body, { request, answer, chart, goalLine = null, kind = 'count', table = true }) {
  const goal = goalLine === null || goalLine === undefined || goalLine === '' ? null : Number(goalLine);
  const name = metricName(request.metric);
  const drill = (group, bucket) => openDrilldown(name, drillRequest(request, group, bucket));
  const view = h('div', { class: `report-view chart-${chart}`, dataset: { total: answer.total === null ? '' : String(answer.total), rows: String((answer.rows || []).length) } });
  replace(body, view);
  if (chart === 'number') {
    view.append(numberView({ answer, kind, goal: goal === null || Number.isNaN(goal) ? null : goal, request, label: name }));
  } else if (chart !== 'table') {
    const box = h('div', { class: 'chart report-chart' });
    view.append(box);
    await drawAnswerChart(box, { chart, answer, kind, goal: Number.isNaN(goal) ? null : goal, drill, label: name });
  }
  if ((table && chart !== 'number') || chart === 'table') {
    const holder = h('div', { class: 'table-scroll report-table' });
    view.append(holder);
    if ((answer.rows || []).length) rowsTable(holder, { answer, kind, request, label: name });
    else if (chart === 'table') showEmpty(holder);
  }
  return view;
}
