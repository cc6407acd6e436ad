// Sales dynamics: headline plates, new against repeat sales, the trend with a metric
// selector, the per-manager table and the list of the period's deals.
export const page = {
  id: 'dynamics',
  widgets: () => [
    ...['created_count', 'won_count', 'won_amount', 'conversion_rate', 'avg_check', 'repeat_share'].map((metric, i) => ({
      id: `kpi-${metric}`,
      kind: 'kpi',
      metric,
      title: `metric.${metric}`,
      x: i * 4,
      y: 0,
      w: 4,
      h: 2,
    })),
    {
      id: 'trend',
      kind: 'trend',
      title: 'widget.dynamics',
      metrics: ['won_amount', 'won_count', 'created_count', 'conversion_rate', 'avg_check', 'avg_cycle_days', 'lost_count'],
      x: 0,
      y: 2,
      w: 14,
      h: 6,
    },
    { id: 'new-repeat', kind: 'grouped', title: 'widget.new_repeat', group: 'responsible', metrics: ['new_won_count', 'repeat_won_count', 'repeat_share'], sort: 'new_won_count', x: 14, y: 2, w: 10, h: 6 },
    {
      id: 'managers',
      kind: 'grouped',
      title: 'widget.managers',
      group: 'responsible',
      metrics: ['created_count', 'won_count', 'conversion_rate', 'avg_cycle_days', 'won_amount', 'avg_check', 'in_work_count', 'in_work_amount', 'lost_count', 'lost_share', 'repeat_share'],
      sort: 'won_amount',
      x: 0,
      y: 8,
      w: 24,
      h: 6,
    },
    { id: 'by-manager', kind: 'breakdown', title: 'widget.won_by_manager_month', metric: 'won_amount', group: 'responsible', chart: 'stacked', granularity: 'month', extra: { period: { preset: 'this_year' } }, x: 0, y: 14, w: 12, h: 6 },
    { id: 'loss-reasons', kind: 'breakdown', title: 'widget.loss_reasons', metric: 'lost_count', group: 'loss_reason', chart: 'pie', x: 12, y: 14, w: 12, h: 6 },
    { id: 'deals', kind: 'deals', title: 'widget.deals_created', metric: 'created_count', sort: '-created_at', x: 0, y: 20, w: 24, h: 7 },
  ],
};
