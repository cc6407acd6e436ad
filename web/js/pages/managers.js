// Managers: results, activity and load per manager, and per department.
export const page = {
  id: 'managers',
  widgets: () => [
    {
      id: 'managers',
      kind: 'grouped',
      title: 'widget.managers',
      group: 'responsible',
      metrics: ['created_count', 'won_count', 'won_amount', 'conversion_rate', 'avg_check', 'avg_cycle_days', 'in_work_count', 'in_work_amount', 'forgotten_count', 'no_task_count', 'lost_count'],
      sort: 'won_amount',
      x: 0,
      y: 0,
      w: 24,
      h: 7,
    },
    { id: 'won-by-manager', kind: 'breakdown', title: 'widget.won_by_manager', metric: 'won_amount', group: 'responsible', chart: 'bars', x: 0, y: 7, w: 8, h: 6 },
    { id: 'activity-index', kind: 'breakdown', title: 'widget.activity_by_manager', metric: 'activity_index', group: 'responsible', chart: 'bars', x: 8, y: 7, w: 8, h: 6 },
    { id: 'load', kind: 'breakdown', title: 'widget.load', metric: 'load', group: 'responsible', chart: 'bars', x: 16, y: 7, w: 8, h: 6 },
    {
      id: 'departments',
      kind: 'grouped',
      title: 'widget.departments',
      group: 'department',
      metrics: ['created_count', 'won_count', 'won_amount', 'conversion_rate', 'in_work_amount', 'forgotten_count'],
      sort: 'won_amount',
      x: 0,
      y: 13,
      w: 24,
      h: 5,
    },
  ],
};
