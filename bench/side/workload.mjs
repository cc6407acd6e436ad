// The workload of the side-by-side benchmark: the overview set of SPEC §4 for five filter
// combinations, each check being one Voronka report request and the SQL (bench/sql) that
// answers the same question, with how to read both answers into comparable {key: value} maps.

// Filters: the report request's "filters", and the same condition in SQL on deal_now d
// (current attributes). For per-stage metrics the pipeline filter chooses the pipeline
// (SPEC §4), so it adds no condition there.
export const FILTERS = [
  { name: 'workspace', request: {}, sql: '1 = 1' },
  { name: 'department d1', request: { department: ['d1'] },
    sql: "d.department IN (SELECT t.descendant FROM dept_tree t WHERE t.ancestor = 'd1')" },
  { name: 'manager u5', request: { responsible: ['u5'] }, sql: "d.responsible = 'u5'" },
  { name: 'pipeline sales', request: { pipeline: ['sales'] }, sql: "d.pipeline = 'sales'",
    stageSql: '1 = 1' },
  { name: 'fields.delivery=yes', request: { 'fields.delivery': ['yes'] },
    sql: "d.id IN (SELECT f.deal_id FROM field_now f WHERE f.name = 'delivery' AND f.value = 'yes')" },
];

export const PIPELINE = 'sales';

// kind: how a value prints and compares. count: integer; money: kopecks (Voronka prints
// roubles with 2 decimals, SQL sums kopecks); ratio: 4 decimals; days: 2 decimals.
const KIND = {
  created_count: 'count', won_count: 'count', won_amount: 'money', avg_check: 'money',
  avg_cycle_days: 'days', in_work_count: 'count', in_work_amount: 'money', lost_count: 'count',
  forgotten_count: 'count', conversion_rate: 'ratio', lost_share: 'ratio', funnel: 'count',
  stage_time_days: 'days',
};

const HEADLINE = ['created_count', 'won_count', 'won_amount', 'avg_check', 'avg_cycle_days',
  'in_work_count', 'forgotten_count', 'lost_count', 'conversion_rate'];
const MANAGER_TABLE = ['created_count', 'won_count', 'won_amount', 'avg_check', 'avg_cycle_days',
  'conversion_rate', 'in_work_count', 'in_work_amount', 'lost_count', 'lost_share'];

// Voronka's printed value -> a number in SQL's unit (null stays null).
function fromVoronka(kind, value) {
  if (value === null || value === undefined) return null;
  if (kind === 'money') return Math.round(Number(value) * 100);
  return Number(value);
}

function fromSql(kind, value) {
  if (value === null || value === undefined) return null;
  return Number(value);  // BigInt, numeric strings (PostgreSQL), numbers
}

// Equal as printed: counts and sums exactly, averages within one unit of the last printed
// decimal (both sides round a float mean; a value on a rounding edge may land either way).
export function same(kind, metric, a, b) {
  if (a === null || b === null) return a === b;
  if (kind === 'count') return a === b;
  if (kind === 'money') return metric === 'avg_check' ? Math.abs(a - b) <= 1.0001 : a === b;
  if (kind === 'ratio') return Math.abs(a - b) <= 0.00011;
  return Math.abs(a - b) <= 0.0101;
}

// Zero counts and sums, and empty ratios and means, are the same as no row.
function significant(kind, value) {
  return kind === 'count' || kind === 'money' ? value !== null && value !== 0 : value !== null;
}

function mapOf(kind, entries) {
  const out = {};
  for (const [key, value] of entries) if (significant(kind, value)) out[key] = value;
  return out;
}

export function buildChecks(p) {
  const checks = [];
  const period = (from, to) => ({ from: from.date, to: to.date });
  for (const filter of FILTERS) {
    const base = { as_of: p.asOf.iso, filters: filter.request };
    const sqlParams = (from, to) => ({
      from: from.us, to: to.us, as_of: p.asOf.us, moment: Math.min(to.us, p.asOf.us),
      filter: filter.sql, group: "''", pipeline: `'${PIPELINE}'`, forgotten_us: p.forgottenUs,
      time_zone: `'${p.timeZone}'`,
    });
    for (const metric of HEADLINE) {
      const kind = KIND[metric];
      checks.push({
        id: `${filter.name} | headline ${metric}`, filter: filter.name, metric, kind,
        group: 'headline',
        request: { metric, period: period(p.from, p.to), compare: 'previous_period', ...base },
        sql: [{ file: metric, params: sqlParams(p.from, p.to), key: 'total' },
              { file: metric, params: sqlParams(p.prevFrom, p.from), key: 'compare' }],
        voronka: (a) => mapOf(kind, [['total', fromVoronka(kind, a.total)],
                                     ['compare', fromVoronka(kind, a.total_compare)]]),
      });
    }
    {
      const kind = 'count';
      const filters = { ...filter.request, pipeline: [PIPELINE] };
      checks.push({
        id: `${filter.name} | funnel`, filter: filter.name, metric: 'funnel', kind, group: 'funnel',
        request: { metric: 'funnel', period: period(p.from, p.to), ...base, filters },
        sql: [{ file: 'funnel', params: { ...sqlParams(p.from, p.to), filter: filter.stageSql ?? filter.sql } }],
        voronka: (a) => mapOf(kind, a.rows.map((r) => [r.group.stage, fromVoronka(kind, r.value)])),
      });
    }
    for (const metric of MANAGER_TABLE) {
      const kind = KIND[metric];
      checks.push({
        id: `${filter.name} | manager table ${metric}`, filter: filter.name, metric, kind,
        group: 'manager table',
        request: { metric, period: period(p.from, p.to), group_by: ['responsible'], ...base },
        sql: [{ file: metric, params: { ...sqlParams(p.from, p.to), group: 'd.responsible' } }],
        voronka: (a) => mapOf(kind, a.rows.map((r) => [r.group.responsible, fromVoronka(kind, r.value)])),
      });
    }
    checks.push({
      id: `${filter.name} | trend won_amount by month`, filter: filter.name, metric: 'won_amount',
      kind: 'money', group: 'trend',
      request: { metric: 'won_amount', period: period(p.trendFrom, p.to), granularity: 'month', ...base },
      sql: [{ file: 'won_trend', params: sqlParams(p.trendFrom, p.to) }],
      voronka: (a) => mapOf('money', a.rows.map((r) => [r.bucket, fromVoronka('money', r.value)])),
    });
    {
      const filters = { ...filter.request, pipeline: [PIPELINE] };
      checks.push({
        id: `${filter.name} | stage_time_days`, filter: filter.name, metric: 'stage_time_days',
        kind: 'days', group: 'stage time',
        request: { metric: 'stage_time_days', period: period(p.from, p.to), ...base, filters },
        sql: [{ file: 'stage_time_days', params: { ...sqlParams(p.from, p.to), filter: filter.stageSql ?? filter.sql } }],
        voronka: (a) => mapOf('days', a.rows.map((r) => [r.group.stage, fromVoronka('days', r.value)])),
      });
    }
  }
  return checks;
}

// SQL rows [[grp, value], ...] of every SQL part of a check -> one map.
export function sqlMap(check, parts) {
  const entries = [];
  check.sql.forEach((part, i) => {
    for (const [grp, value] of parts[i]) {
      entries.push([part.key ?? String(grp), fromSql(check.kind, value)]);
    }
  });
  return mapOf(check.kind, entries);
}

// The first difference between two maps, or null.
export function difference(check, expected, got) {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(got)])].sort();
  for (const key of keys) {
    const a = key in expected ? expected[key] : null;
    const b = key in got ? got[key] : null;
    if (!same(check.kind, check.metric, a, b)) return { key, voronka: a, sql: b };
  }
  return null;
}

export function fillSql(text, params) {
  return text.replace(/\{(\w+)\}/g, (m, name) => {
    if (!(name in params)) throw new Error(`no value for ${m}`);
    return String(params[name]);
  });
}
