// The forecast: open deals' amount and the amount weighted by each stage's own win rate,
// split by stage of the funnel pipeline.
import { api } from '../api.js';
import { barOption, drawChart } from '../chart.js';
import { h, replace } from '../dom.js';
import { formatMoney, formatMoneyShort } from '../format.js';
import { t } from '../i18n.js';
import { labelOf } from '../session.js';
import { addCrossFilter, reportRequest } from '../state.js';
import { drillNumber, showEmpty } from './common.js';

export async function render(body, widget) {
  const totalRequest = reportRequest('forecast', { filters: widget.filters });
  const byStageRequest = reportRequest('forecast', { group_by: ['stage'], filters: widget.filters });
  const [total, byStage] = await Promise.all([api.report(totalRequest), api.report(byStageRequest)]);
  const totalRow = total.rows?.[0] || {};
  const amount = totalRow.value ?? total.total;
  const weighted = totalRow.weighted ?? null;
  const box = h('div', { class: 'chart' });
  replace(
    body,
    h(
      'div',
      { class: 'forecast-head' },
      h('div', {}, h('div', { class: 'muted' }, t('forecast.open')), drillNumber(formatMoney(amount), totalRequest, { value: amount, title: t('metric.forecast') })),
      h('div', {}, h('div', { class: 'muted' }, t('forecast.weighted')), h('div', { class: 'big', dataset: { value: String(weighted ?? '') } }, formatMoney(weighted))),
    ),
    box,
  );
  const rows = (byStage.rows || []).filter((r) => Number(r.value) > 0);
  if (!rows.length) {
    showEmpty(box);
  } else {
    const categories = rows.map((r) => labelOf('stage', r.group.stage, byStage.labels));
    const series = [
      { name: t('forecast.open'), data: rows.map((r) => ({ value: Number(r.value), id: r.group.stage })) },
      { name: t('forecast.weighted'), data: rows.map((r) => ({ value: Number(r.weighted || 0), id: r.group.stage })) },
    ];
    await drawChart(box, barOption({ categories, series, format: formatMoneyShort, horizontal: true }), (data) => data?.id && addCrossFilter('stage', data.id));
  }
  return { exportSource: () => ({ report: byStageRequest }) };
}
