// What widget kinds share: the "no data" state, the automatic granularity of a period, and
// the drill-down of one number of a request.
import { h, replace } from '../dom.js';
import { openDrilldown } from '../drilldown.js';
import { t } from '../i18n.js';
import { filterState } from '../state.js';

// Shows the "no data for this period" message in `body`.
export function showEmpty(body) {
  replace(body, h('div', { class: 'empty' }, t('state.empty')));
}

const DAY_PRESETS = new Set(['today', 'yesterday', 'this_week', 'last_week', 'last_7_days', 'this_month', 'last_month', 'last_30_days']);
const WEEK_PRESETS = new Set(['this_quarter', 'last_quarter']);

// day for up to a month, week for a quarter, month for longer.
export function autoGranularity(period = filterState().period) {
  if (period.preset) {
    if (DAY_PRESETS.has(period.preset)) return 'day';
    if (WEEK_PRESETS.has(period.preset)) return 'week';
    return 'month';
  }
  const days = (Date.parse(period.to) - Date.parse(period.from)) / 86400000;
  if (days <= 45) return 'day';
  if (days <= 120) return 'week';
  return 'month';
}

// A number that opens its drill-down list: `request` is the widget's report request,
// `group`/`bucket` pick the row (omit both for the total).
export function drillNumber(text, request, { group, bucket, title, value, hint } = {}) {
  return h(
    'button',
    {
      type: 'button',
      class: 'number-link',
      title: hint,
      dataset: {
        drill: request.metric,
        value: value === undefined ? '' : String(value ?? ''),
        group: group ? JSON.stringify(group) : undefined,
        bucket,
      },
      onclick: (event) => {
        event.stopPropagation();
        openDrilldown(title || t(`metric.${request.metric}`), drillRequest(request, group, bucket));
      },
    },
    text,
  );
}

// The drill-down request of one row of a report request: the same request, its compare
// dropped, plus the row's group and bucket.
export function drillRequest(request, group, bucket) {
  const { granularity, compare: _compare, ...drill } = request;
  if (group && Object.keys(group).length) drill.group = group;
  if (bucket) {
    drill.bucket = bucket;
    drill.granularity = granularity;
  }
  return drill;
}
