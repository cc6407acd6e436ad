// Desktop: the CRM-desktop widget set (SPEC §5) to arrange, resize and hide at will.
import { savedFilterList } from '../filter_bar.js';
import { t } from '../i18n.js';
import { currentMeta } from '../session.js';

const kpi = (id, metric, title, x, y, more = {}) => ({ id, kind: 'kpi', metric, title, x, y, w: 4, h: 2, ...more });

export const page = {
  id: 'desktop',
  // Reports of the report builder put on the Desktop: listed in its layout ("reports"),
  // placed under the built-in widgets until moved.
  layoutWidgets: (layout) =>
    (Array.isArray(layout.reports) ? layout.reports : [])
      .filter((report) => Number.isInteger(report?.id))
      .map((report, index) => ({
        id: `report-${report.id}`,
        kind: 'saved_report',
        report: report.id,
        title: () => report.name || t('page.builder'),
        x: (index % 2) * 12,
        y: 60 + 6 * Math.floor(index / 2),
        w: report.chart === 'number' ? 6 : 12,
        h: report.chart === 'number' ? 2 : 6,
      })),
  widgets: () => {
    const listField = (currentMeta().fields || []).find((f) => f.kind === 'list');
    const widgets = [
      kpi('deals', 'created_count', 'desktop.deals', 0, 0),
      kpi('revenue', 'won_amount', 'desktop.revenue', 4, 0),
      kpi('won', 'won_count', 'desktop.won', 8, 0),
      kpi('lost', 'lost_count', 'desktop.lost', 12, 0),
      kpi('potential', 'in_work_amount', 'desktop.potential', 16, 0),
      kpi('lost-revenue', 'lost_amount', 'desktop.lost_revenue', 20, 0),
      kpi('clients', 'new_clients', 'desktop.clients', 0, 2, { source: 'clients' }),
      kpi('activities', 'activity_count', 'desktop.activities', 4, 2),
      kpi('calls', 'activity_count', 'desktop.calls', 8, 2, { filters: { kind: ['call'] } }),
      kpi('emails', 'activity_count', 'desktop.emails', 12, 2, { filters: { kind: ['email'] } }),
      kpi('sms', 'activity_count', 'desktop.sms', 16, 2, { filters: { kind: ['sms'] } }),
      kpi('webforms', 'activity_count', 'desktop.webforms', 20, 2, { filters: { kind: ['webform'] } }),
      kpi('overdue', 'overdue_tasks', 'desktop.overdue', 0, 4, { w: 6 }),
      kpi('no-task', 'no_task_count', 'desktop.no_task', 6, 4, { w: 6 }),
      kpi('response', 'response_time', 'metric.response_time', 12, 4, { w: 6 }),
      kpi('nps', 'nps', 'metric.nps', 18, 4, { w: 6 }),
      { id: 'funnel', kind: 'funnel', title: 'widget.funnel', x: 0, y: 6, w: 8, h: 6 },
      {
        id: 'movement',
        kind: 'grouped',
        title: 'widget.movement',
        perStage: true,
        metrics: ['stage_movement', 'lost_from_stage'],
        beside: ['created_count'],
        x: 8,
        y: 6,
        w: 8,
        h: 6,
      },
      { id: 'stage-counters', kind: 'grouped', title: 'desktop.stage_counters', perStage: true, metrics: ['stage_count', 'stage_amount'], x: 16, y: 6, w: 8, h: 6 },
      { id: 'revenue-by-type', kind: 'breakdown', title: 'desktop.revenue_by_type', metric: 'won_amount', group: 'deal_type', chart: 'bars', x: 0, y: 12, w: 8, h: 5 },
      { id: 'deal-sources', kind: 'breakdown', title: 'desktop.deal_sources', metric: 'created_count', group: 'source', chart: 'pie', x: 8, y: 12, w: 8, h: 5 },
      { id: 'deal-types', kind: 'breakdown', title: 'desktop.deal_types', metric: 'created_count', group: 'deal_type', chart: 'pie', x: 16, y: 12, w: 8, h: 5 },
      { id: 'activity-types', kind: 'breakdown', title: 'desktop.activity_types', metric: 'activity_count', group: 'kind', chart: 'pie', x: 0, y: 17, w: 8, h: 5 },
      {
        id: 'activity-sources',
        kind: 'breakdown',
        title: 'desktop.activity_sources',
        metric: 'activity_count',
        group: 'source',
        source: 'activity_sources',
        chart: 'pie',
        x: 8,
        y: 17,
        w: 8,
        h: 5,
      },
      { id: 'activity-by-manager', kind: 'breakdown', title: 'widget.activity_by_manager', metric: 'activity_index', group: 'responsible', chart: 'bars', x: 16, y: 17, w: 8, h: 5 },
      { id: 'feed', kind: 'feed', title: 'desktop.feed', x: 0, y: 22, w: 12, h: 11 },
      { id: 'newest', kind: 'deals', title: 'desktop.newest', metric: 'created_count', sort: '-created_at', limit: 8, columns: 'short', x: 12, y: 22, w: 12, h: 6 },
      { id: 'goals', kind: 'goals', title: 'widget.goals', x: 12, y: 28, w: 12, h: 5 },
      { id: 'load', kind: 'breakdown', title: 'widget.load', metric: 'load', group: 'responsible', chart: 'bars', x: 0, y: 33, w: 8, h: 5 },
      { id: 'forecast', kind: 'forecast', title: 'widget.forecast', x: 8, y: 33, w: 8, h: 5 },
    ];
    if (listField) {
      widgets.push({
        id: 'custom-field',
        kind: 'breakdown',
        title: () => listField.name,
        metric: 'created_count',
        group: `fields.${listField.name}`,
        chart: 'pie',
        x: 16,
        y: 33,
        w: 8,
        h: 5,
      });
    }
    // A custom widget per saved filter (amoCRM style): the deals in work that match it, and
    // the change since the start of the period (the same count at the end of the previous
    // period), which is negative when fewer match now.
    savedFilterList().forEach((saved, index) => {
      widgets.push(
        kpi(`saved-${saved.id}`, 'in_work_count', () => saved.name, (index % 6) * 4, 38 + 2 * Math.floor(index / 6), {
          filters: saved.filters,
        }),
      );
    });
    return widgets;
  },
};
