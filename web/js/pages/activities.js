// Activities: calls, e-mails, meetings and the rest by kind, direction, manager and time;
// the activity index, response time and NPS.
export const page = {
  id: 'activities',
  widgets: () => [
    { id: 'kpi-activities', kind: 'kpi', metric: 'activity_count', title: 'metric.activity_count', x: 0, y: 0, w: 6, h: 2 },
    { id: 'kpi-calls', kind: 'kpi', metric: 'activity_count', filters: { kind: ['call'] }, title: 'widget.calls', x: 6, y: 0, w: 6, h: 2 },
    { id: 'kpi-response', kind: 'kpi', metric: 'response_time', title: 'metric.response_time', x: 12, y: 0, w: 6, h: 2 },
    { id: 'kpi-nps', kind: 'kpi', metric: 'nps', title: 'metric.nps', x: 18, y: 0, w: 6, h: 2 },
    { id: 'by-kind', kind: 'breakdown', title: 'widget.activities_by_kind', metric: 'activity_count', group: 'kind', chart: 'pie', x: 0, y: 2, w: 8, h: 6 },
    { id: 'over-time', kind: 'breakdown', title: 'widget.activities_over_time', metric: 'activity_count', group: 'kind', chart: 'stacked', x: 8, y: 2, w: 16, h: 6 },
    { id: 'index', kind: 'breakdown', title: 'widget.activity_by_manager', metric: 'activity_index', group: 'responsible', chart: 'bars', x: 0, y: 8, w: 12, h: 7 },
    {
      id: 'table',
      kind: 'grouped',
      title: 'widget.activity_table',
      group: 'responsible',
      metrics: ['activity_count', 'activity_index', 'response_time'],
      sort: 'activity_index',
      x: 12,
      y: 8,
      w: 12,
      h: 7,
    },
  ],
};
