// Funnel & stages: the funnel of the pipeline, conversion and time per stage, the current
// deals per stage, the movement across stage borders and the losses by stage and reason.
export const page = {
  id: 'funnel',
  widgets: () => [
    { id: 'funnel', kind: 'funnel', title: 'widget.funnel', x: 0, y: 0, w: 10, h: 7 },
    {
      id: 'stages',
      kind: 'grouped',
      title: 'widget.stages',
      perStage: true,
      metrics: ['stage_count', 'stage_amount', 'stage_age_days', 'stage_time_days', 'stage_conversion', 'lost_from_stage'],
      x: 10,
      y: 0,
      w: 14,
      h: 7,
    },
    { id: 'movement', kind: 'grouped', title: 'widget.movement', perStage: true, metrics: ['stage_movement'], x: 0, y: 7, w: 8, h: 6 },
    { id: 'stage-amount', kind: 'breakdown', title: 'widget.stage_amount', metric: 'in_work_amount', group: 'stage', chart: 'bars', x: 8, y: 7, w: 8, h: 6 },
    { id: 'loss-reasons', kind: 'breakdown', title: 'widget.loss_reasons', metric: 'lost_count', group: 'loss_reason', chart: 'pie', x: 16, y: 7, w: 8, h: 6 },
  ],
};
