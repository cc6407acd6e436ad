// A table of several metrics side by side, one row per value of a group key (a manager,
// department, source...). A row filters the page by its value; a number opens its deals.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatValue } from '../format.js';
import { t } from '../i18n.js';
import { metricKind } from '../metrics.js';
import { labelOf, pipelineOfStage } from '../session.js';
import { addCrossFilter, reportRequest } from '../state.js';
import { renderTable } from '../table.js';
import { drillNumber, showEmpty } from './common.js';

// widget: {group: 'responsible', metrics: [...], sort: metric, filters?, extra?}; with
// `perStage` the metrics are per-stage ones of the funnel pipeline, one row per stage.
export async function render(body, widget) {
  const key = widget.perStage ? 'stage' : widget.group || 'responsible';
  // Per-stage metrics take the filtered pipeline, or the workspace's default one.
  const requests = widget.metrics.map((metric) =>
    widget.perStage
      ? reportRequest(metric, { filters: widget.filters, ...(widget.extra || {}) })
      : reportRequest(metric, { group_by: [key], filters: widget.filters, ...(widget.extra || {}) }),
  );
  // Totals shown above the table (the deals created beside the stage movement, SPEC §4).
  const besideRequests = (widget.beside || []).map((metric) => reportRequest(metric, { filters: widget.filters, ...(widget.extra || {}) }));
  const [answers, besideAnswers] = await Promise.all([
    Promise.all(requests.map((request) => api.report(request))),
    Promise.all(besideRequests.map((request) => api.report(request))),
  ]);
  const rows = new Map();
  answers.forEach((answer, index) => {
    const metric = widget.metrics[index];
    for (const row of answer.rows || []) {
      const id = row.group[key];
      if (!rows.has(id)) rows.set(id, { id, name: labelOf(key, id, answer.labels) });
      rows.get(id)[metric] = row.value;
    }
  });
  const all = [...rows.values()];
  if (widget.perStage && all.length) {
    // Metrics of one table may have different stage rows (the movement starts at the second
    // stage, the losses at the first): the rows follow the pipeline's order of stages.
    const order = (pipelineOfStage(all[0].id)?.stages || []).map((stage) => stage.id);
    const position = (id) => (order.includes(id) ? order.indexOf(id) : order.length);
    all.sort((a, b) => position(a.id) - position(b.id));
  }
  const nonZero = (row) => widget.metrics.some((m) => row[m] !== null && row[m] !== undefined && Number(row[m]) !== 0);
  // Per-stage tables keep every stage in pipeline order, unless no stage has anything.
  const data = widget.perStage ? (all.some(nonZero) ? all : []) : all.filter(nonZero);
  if (!data.length) return showEmpty(body);
  const columns = [
    { key: 'name', label: t(`group.${key}`) },
    ...widget.metrics.map((metric, index) => ({
      key: metric,
      label: t(`metric.short.${metric}`),
      numeric: true,
      value: (row) => (row[metric] === null || row[metric] === undefined ? null : Number(row[metric])),
      render: (row) =>
        // A stage that is not a row of this metric (movement has no first stage) shows a dash.
        widget.perStage && row[metric] === undefined
          ? '—'
          : drillNumber(formatValue(row[metric] ?? 0, metricKind(metric)), requests[index], {
              group: { [key]: row.id },
              value: row[metric],
              title: `${t(`metric.${metric}`)} · ${row.name}`,
            }),
    })),
  ];
  const beside = besideAnswers.map((answer, index) => {
    const metric = besideRequests[index].metric;
    return h(
      'span',
      { class: 'beside', dataset: { metric } },
      `${t(`metric.${metric}`)}: `,
      drillNumber(formatValue(answer.total, metricKind(metric)), besideRequests[index], { value: answer.total }),
    );
  });
  replace(body, beside.length ? h('div', { class: 'widget-note' }, beside) : null);
  const holder = h('div', { class: 'table-scroll' });
  body.append(holder);
  renderTable(holder, {
    columns,
    rows: data,
    sort: widget.perStage ? null : { key: widget.sort || widget.metrics[0], desc: true },
    onRowClick: (row) => addCrossFilter(key, row.id),
  });
  // The export holds every column of the table, not only the one it is sorted by.
  return { exportSource: () => ({ report: requests[0], metrics: widget.metrics }) };
}
