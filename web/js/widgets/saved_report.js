// A report saved in the report builder, on the Desktop: POST /saved-reports/{id}/report with
// the page's filter bar (its period, and its filters added to the saved ones), drawn as the
// chart the report was saved with. Its numbers drill down and export with the same request.
import { api } from '../api.js';
import { findMetric } from '../builder_model.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { drawReport } from '../report_view.js';
import { filterState } from '../state.js';

// widget: {report: id}
export async function render(body, widget) {
  const { period, filters } = filterState();
  const overrides = { period, filters };
  let saved;
  let answer;
  try {
    [saved, answer] = await Promise.all([api.get(`/saved-reports/${widget.report}`), api.post(`/saved-reports/${widget.report}/report`, overrides)]);
  } catch (error) {
    // Deleted, or not shared with this person (an admin's default layout may list it).
    if (error.status !== 404) throw error;
    replace(body, h('div', { class: 'empty' }, t('builder.unavailable')));
    return { exportSource: null };
  }
  // The request the numbers come from, for their drill-down and export.
  const request = { ...saved.report, period, filters: { ...(saved.report.filters || {}), ...filters } };
  const heading = body.closest('.widget')?.querySelector('.widget-header h3');
  if (heading && heading.textContent !== saved.name) {
    heading.textContent = saved.name;
    heading.title = saved.name;
  }
  await drawReport(body, { request, answer, chart: saved.chart, goalLine: saved.goal_line, kind: findMetric(request.metric)?.kind || 'count', table: false });
  return { exportSource: () => ({ report: request }) };
}
