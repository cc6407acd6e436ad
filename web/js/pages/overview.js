// Overview, the default page: headline numbers with their change, the sales trend, the
// funnel and the manager table, on one screen (12 rows fitted to the window).
export const page = {
  id: 'overview',
  fitRows: 12,
  widgets: () => [
    ...['created_count', 'won_amount', 'won_count', 'avg_check', 'avg_cycle_days', 'in_work_count', 'forgotten_count', 'lost_count'].map(
      (metric, i) => ({ id: `kpi-${metric}`, kind: 'kpi', metric, title: `metric.${metric}`, x: i * 3, y: 0, w: 3, h: 2 }),
    ),
    { id: 'trend', kind: 'trend', title: 'widget.trend', metrics: ['won_amount', 'won_count', 'created_count'], x: 0, y: 2, w: 14, h: 5 },
    { id: 'funnel', kind: 'funnel', title: 'widget.funnel', x: 14, y: 2, w: 10, h: 5 },
    {
      id: 'managers',
      kind: 'grouped',
      title: 'widget.managers',
      group: 'responsible',
      metrics: ['created_count', 'won_count', 'won_amount', 'conversion_rate', 'avg_check', 'avg_cycle_days', 'in_work_count', 'forgotten_count'],
      sort: 'won_amount',
      x: 0,
      y: 7,
      w: 24,
      h: 5,
    },
  ],
};
