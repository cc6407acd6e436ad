// Goals & forecast: progress against the plans of the period and the weighted forecast.
export const page = {
  id: 'goals',
  widgets: () => [
    { id: 'goals', kind: 'goals', title: 'widget.goals', x: 0, y: 0, w: 24, h: 7 },
    { id: 'forecast', kind: 'forecast', title: 'widget.forecast', x: 0, y: 7, w: 12, h: 7 },
    { id: 'in-work', kind: 'grouped', title: 'widget.in_work', group: 'responsible', metrics: ['in_work_count', 'in_work_amount', 'won_amount'], sort: 'in_work_amount', x: 12, y: 7, w: 12, h: 7 },
  ],
};
