// The funnel of one pipeline (the filtered one, else the workspace's default): deals of the period's cohort
// that reached each stage, with the conversion from the stage before. A stage name filters
// the page by that stage; a number opens the deals behind it.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatCount, formatRatio } from '../format.js';
import { t } from '../i18n.js';
import { chosenPipeline, labelOf, pipelineOfStage } from '../session.js';
import { addCrossFilter, filterState, reportRequest } from '../state.js';
import { drillNumber, showEmpty } from './common.js';

export async function render(body, widget) {
  const request = reportRequest('funnel', { filters: widget.filters });
  const conversionRequest = reportRequest('funnel_conversion', { filters: widget.filters });
  const [funnel, conversion] = await Promise.all([api.report(request), api.report(conversionRequest)]);
  const rows = funnel.rows || [];
  const first = Number(rows[0]?.value || 0);
  if (!first) return showEmpty(body);
  const pipeline = chosenPipeline(filterState().filters) || pipelineOfStage(rows[0].group.stage) || { name: '', stages: [] };
  const conversionOf = new Map((conversion.rows || []).map((r) => [r.group.stage, r.value]));
  const semantics = new Map(pipeline.stages.map((s) => [s.id, s.semantic]));
  const list = rows.map((row) => {
    const stage = row.group.stage;
    const value = Number(row.value);
    const width = Math.max(2, Math.round((100 * value) / first));
    const rate = conversionOf.get(stage);
    return h(
      'li',
      { class: `funnel-row ${semantics.get(stage) === 'won' ? 'won' : ''}`, dataset: { stage } },
      h(
        'button',
        { type: 'button', class: 'funnel-stage', title: t('filter.by', { name: labelOf('stage', stage, funnel.labels) }), onclick: () => addCrossFilter('stage', stage) },
        labelOf('stage', stage, funnel.labels),
      ),
      h('div', { class: 'funnel-track' }, h('div', { class: 'funnel-bar', style: `width:${width}%` })),
      drillNumber(formatCount(value), request, { group: { stage }, value: row.value, title: labelOf('stage', stage, funnel.labels) }),
      h('span', { class: 'funnel-rate' }, rate === null || rate === undefined ? '' : formatRatio(rate)),
    );
  });
  replace(
    body,
    h('div', { class: 'funnel-head' }, h('span', {}, pipeline.name), h('span', { class: 'muted' }, t('funnel.overall', { rate: formatRatio(conversion.total) }))),
    h('ol', { class: 'funnel' }, list),
  );
  return { exportSource: () => ({ report: request }) };
}
