// What the report builder offers and how its choices become a report request (SPEC §3) and
// back: the objects, their metrics (GET /meta "metrics" when the server lists them, else the
// list below), the dates that may decide membership, the filter keys with their operators, and
// the group keys.
import { currentMeta } from './session.js';

export const OBJECTS = ['deals', 'leads', 'activities', 'tasks'];
export const GRANULARITIES = ['none', 'day', 'week', 'month', 'quarter', 'year'];
export const MAX_GROUP_KEYS = 2;

const DEAL_DATES = ['created', 'modified', 'closed'];
const DEALS = ['deals', 'leads'];
const metric = (name, kind, objects, dates = [], perStage = false) => ({ name, kind, objects, dates, per_stage: perStage });

// Used when /meta does not list the metrics: the catalogue of docs/metrics.md by object.
const BUILT_IN_METRICS = [
  metric('created_count', 'count', DEALS),
  metric('won_count', 'count', DEALS),
  metric('won_amount', 'money', DEALS),
  metric('lost_count', 'count', DEALS),
  metric('lost_amount', 'money', DEALS),
  metric('avg_check', 'money', DEALS),
  metric('avg_cycle_days', 'days', DEALS),
  metric('conversion_rate', 'ratio', DEALS),
  metric('cohort_win_rate', 'ratio', DEALS),
  metric('lost_share', 'ratio', DEALS),
  metric('repeat_won_count', 'count', DEALS),
  metric('new_won_count', 'count', DEALS),
  metric('in_work_count', 'count', DEALS),
  metric('in_work_amount', 'money', DEALS),
  metric('forgotten_count', 'count', DEALS),
  metric('forgotten_amount', 'money', DEALS),
  metric('no_task_count', 'count', DEALS),
  metric('stage_count', 'count', DEALS, [], true),
  metric('stage_amount', 'money', DEALS, [], true),
  metric('funnel', 'count', DEALS, [], true),
  metric('stage_movement', 'count', DEALS, [], true),
  metric('deal_count', 'count', DEALS, DEAL_DATES),
  metric('deal_amount', 'money', DEALS, DEAL_DATES),
  metric('deal_avg_amount', 'money', DEALS, DEAL_DATES),
  metric('activity_count', 'count', ['activities']),
  metric('activity_index', 'decimal', ['activities']),
  metric('response_time', 'minutes', ['activities']),
  metric('nps', 'decimal', ['activities']),
  metric('overdue_tasks', 'count', ['tasks']),
  metric('task_count', 'count', ['tasks'], ['created', 'deadline', 'completed']),
];

// /meta's value kinds as the dashboard's formats (format.js).
const KIND_NAMES = { count: 'count', money: 'money', money_mean: 'money', forecast: 'money', ratio: 'ratio', days: 'days', minutes: 'minutes', points: 'decimal', percent: 'decimal' };

// Every metric the builder offers: /meta's list when present, else the built-in one.
export function allMetrics() {
  const listed = currentMeta().metrics;
  if (!Array.isArray(listed) || !listed.length) return BUILT_IN_METRICS;
  // Goal progress is the goals widget's, with rows of its own: not a builder chart.
  return listed.filter((m) => m.kind !== 'goals').map((m) => ({
    name: m.name,
    kind: KIND_NAMES[m.kind] || (m.kind ? 'decimal' : 'count'),
    objects: (m.objects || []).flatMap((o) => (o === 'deal' || o === 'deals' ? ['deals', 'leads'] : o === 'lead' || o === 'leads' ? ['leads'] : [o.endsWith('s') ? o : `${o}s`])),
    dates: m.dates || [],
    per_stage: Boolean(m.per_stage),
  }));
}

export function metricsFor(object) {
  return allMetrics().filter((m) => m.objects.includes(object));
}

export function findMetric(name) {
  return allMetrics().find((m) => m.name === name) || null;
}

// The dates of `metric` that may decide membership: its own list, with the custom date fields
// where it takes "created"-style deal dates.
export function datesFor(metricInfo) {
  if (!metricInfo?.dates?.length) return [];
  const dates = [...metricInfo.dates.filter((d) => !d.startsWith('fields.'))];
  const takesFields = metricInfo.dates.some((d) => d.startsWith('fields')) || (dates.includes('created') && dates.includes('closed'));
  if (takesFields) for (const field of customFields()) if (field.kind === 'date') dates.push(`fields.${field.name}`);
  return [...new Set(dates)];
}

export function customFields() {
  return currentMeta().fields || [];
}

const DEAL_KEYS = ['responsible', 'department', 'pipeline', 'stage', 'source', 'deal_type', 'company', 'loss_reason'];
const ACTIVITY_KEYS = ['responsible', 'department', 'kind', 'direction', 'pipeline', 'source', 'deal_type'];
const TASK_KEYS = ['responsible', 'department', 'pipeline', 'source', 'deal_type'];

function baseKeys(object) {
  if (object === 'activities') return ACTIVITY_KEYS;
  if (object === 'tasks') return TASK_KEYS;
  return DEAL_KEYS;
}

const fieldKeys = () => customFields().map((f) => `fields.${f.name}`);

// The keys a report of `object` may be grouped by.
export function groupKeys(object) {
  return [...baseKeys(object), ...fieldKeys()];
}

// The keys a report of `object` may be filtered by (the deal's own amount, title and dates too).
export function filterKeys(object) {
  const own = DEALS.includes(object) ? ['amount', 'title', 'created_at', 'closed_at'] : [];
  return [...baseKeys(object).filter((k) => k !== 'company'), ...own, ...fieldKeys()];
}

// string | number | date | bool | list | multi_list | id (a name list of /meta) | text
export function keyKind(key) {
  if (key === 'amount') return 'number';
  if (key === 'created_at' || key === 'closed_at') return 'date';
  if (key === 'title') return 'text';
  if (key.startsWith('fields.')) return customFields().find((f) => `fields.${f.name}` === key)?.kind || 'string';
  return 'id';
}

// The operators a key takes: in (equals one of), not_in, empty, not_empty, range, contains.
export function operatorsFor(key) {
  const kind = keyKind(key);
  if (key === 'amount' || key === 'created_at') return ['range'];
  if (key === 'closed_at') return ['range', 'empty', 'not_empty'];
  if (key === 'title') return ['contains'];
  if (kind === 'number' || kind === 'date') return ['range', 'in', 'empty', 'not_empty'];
  if (kind === 'string' || kind === 'list' || kind === 'multi_list') return ['in', 'not_in', 'contains', 'empty', 'not_empty'];
  return ['in', 'not_in', 'empty', 'not_empty'];
}

// The values a key offers to choose from as [id, name] pairs (empty: typed in).
export function valuesFor(key) {
  const meta = currentMeta();
  switch (key) {
    case 'responsible':
      return (meta.users || []).map((u) => [u.id, u.name]);
    case 'department':
      return (meta.departments || []).map((d) => [d.id, d.name]);
    case 'pipeline':
      return (meta.pipelines || []).map((p) => [p.id, p.name]);
    case 'stage':
      return (meta.pipelines || []).flatMap((p) => (p.stages || []).map((s) => [s.id, `${p.name} · ${s.name}`]));
    case 'source':
      return (meta.sources || []).map((s) => [s, s]);
    case 'deal_type':
      return (meta.deal_types || []).map((s) => [s, s]);
    case 'loss_reason':
      return (meta.loss_reasons || []).map((s) => [s, s]);
    case 'kind':
      return ['call', 'email', 'meeting', 'sms', 'chat', 'webform', 'comment', 'file', 'nps', 'other'].map((k) => [k, null]);
    case 'direction':
      return ['in', 'out', 'none'].map((k) => [k, null]);
    default: {
      const field = customFields().find((f) => `fields.${f.name}` === key);
      return (field?.values || []).map((v) => [String(v), String(v)]);
    }
  }
}

// A filter row {key, op, values, min, max, text} as the request's filter value; undefined
// when the row is not filled in yet.
export function filterValue(row) {
  const dated = keyKind(row.key) === 'date';
  switch (row.op) {
    case 'in':
      return row.values?.length ? [...row.values] : undefined;
    case 'not_in':
      return row.values?.length ? { not_in: [...row.values] } : undefined;
    case 'empty':
      return { empty: true };
    case 'not_empty':
      return { empty: false };
    case 'contains':
      return row.text ? { contains: row.text } : undefined;
    case 'range': {
      if (!row.min && !row.max) return undefined;
      const range = {};
      if (dated) {
        // The form shows the last day included; the request's range is [from, to).
        if (row.min) range.from = row.min;
        if (row.max) range.to = shiftDay(row.max, 1);
      } else {
        if (row.min) range.min = decimal(row.min);
        if (row.max) range.max = decimal(row.max);
      }
      return range;
    }
    default:
      return undefined;
  }
}

// "2024-03-31" moved by `days` days; text that is not a date stays as it is.
function shiftDay(date, days) {
  const time = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(time) ? date : new Date(time + days * 86400000).toISOString().slice(0, 10);
}

// "1 000,5" → "1000.50": amounts go to the server as decimal strings.
function decimal(text) {
  const number = Number(String(text).replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(number) ? number.toFixed(2) : String(text);
}

// A request's filter value back as a filter row.
export function filterRow(key, value) {
  if (Array.isArray(value)) return { key, op: 'in', values: value.map(String) };
  if (value && typeof value === 'object') {
    if ('not_in' in value) return { key, op: 'not_in', values: value.not_in.map(String) };
    if ('in' in value) return { key, op: 'in', values: value.in.map(String) };
    if ('empty' in value) return { key, op: value.empty ? 'empty' : 'not_empty' };
    if ('contains' in value) return { key, op: 'contains', text: value.contains };
    if ('from' in value || 'to' in value) return { key, op: 'range', min: value.from ?? '', max: value.to ? shiftDay(value.to, -1) : '' };
    return { key, op: 'range', min: value.min ?? '', max: value.max ?? '' };
  }
  return { key, op: 'in', values: [] };
}

// The builder's choices as a report request.
export function buildRequest(state) {
  const filters = {};
  if (state.object === 'deals') filters.entity = ['deal'];
  if (state.object === 'leads') filters.entity = ['lead'];
  for (const row of state.filters) {
    const value = filterValue(row);
    if (value !== undefined) filters[row.key] = value;
  }
  const request = { metric: state.metric, period: state.period, filters };
  if (state.granularity && state.granularity !== 'none') request.granularity = state.granularity;
  const groups = state.groupBy.filter(Boolean);
  if (groups.length) request.group_by = groups;
  if (state.date) request.date = state.date;
  return request;
}

// A stored request back as the builder's choices.
export function stateFromRequest(request) {
  const filters = { ...(request.filters || {}) };
  const entity = filters.entity;
  delete filters.entity;
  const info = findMetric(request.metric);
  let object = info?.objects[0] || 'deals';
  if (Array.isArray(entity) && entity.length === 1) object = entity[0] === 'lead' ? 'leads' : 'deals';
  return {
    object,
    metric: request.metric,
    period: request.period || { preset: 'this_month' },
    granularity: request.granularity || 'none',
    date: request.date || '',
    filters: Object.entries(filters).map(([key, value]) => filterRow(key, value)),
    groupBy: [...(request.group_by || [])].slice(0, MAX_GROUP_KEYS),
  };
}
