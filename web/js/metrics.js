// How the dashboard shows each metric of docs/metrics.md: its value kind and whether a rise is
// good news (for the colour of a change).

const KINDS = {
  created_count: 'count',
  won_count: 'count',
  won_amount: 'money',
  lost_count: 'count',
  lost_amount: 'money',
  avg_check: 'money',
  avg_cycle_days: 'days',
  conversion_rate: 'ratio',
  cohort_win_rate: 'ratio',
  lost_share: 'ratio',
  repeat_won_count: 'count',
  new_won_count: 'count',
  repeat_share: 'ratio',
  new_client_count: 'count',
  in_work_count: 'count',
  in_work_amount: 'money',
  stage_count: 'count',
  stage_amount: 'money',
  stage_age_days: 'days',
  forgotten_count: 'count',
  forgotten_amount: 'money',
  no_task_count: 'count',
  overdue_tasks: 'count',
  load: 'count',
  forecast: 'money',
  funnel: 'count',
  funnel_conversion: 'ratio',
  stage_movement: 'count',
  lost_from_stage: 'count',
  stage_time_days: 'days',
  stage_conversion: 'ratio',
  activity_count: 'count',
  activity_index: 'decimal',
  response_time: 'minutes',
  nps: 'decimal',
};

const LOWER_IS_BETTER = new Set([
  'lost_count',
  'lost_amount',
  'lost_share',
  'avg_cycle_days',
  'forgotten_count',
  'forgotten_amount',
  'no_task_count',
  'overdue_tasks',
  'stage_age_days',
  'stage_time_days',
  'response_time',
]);

// Every metric name of the catalogue.
export const METRIC_NAMES = Object.keys(KINDS);

// count | money | ratio | days | minutes | decimal
export function metricKind(metric) {
  return KINDS[metric] || 'count';
}

// True when a fall of the metric is the good direction.
export function lowerIsBetter(metric) {
  return LOWER_IS_BETTER.has(metric);
}

// True when every number of the metric is a list of deals one can drill into.
export function canDrill(metric) {
  return metric !== 'goal_progress';
}
