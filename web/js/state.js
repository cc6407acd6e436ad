// The page-wide filter: the period and the filters every widget's report request carries.
// The filter bar edits it; clicks on managers, bars, stages and slices add to it; widgets
// re-run their requests when it changes. Kept in localStorage so a reload keeps it.

const STORAGE_KEY = 'voronka.filter';
const listeners = new Set();

// The period presets of SPEC §3 offered in the filter bar, in order.
export const PERIOD_PRESETS = [
  'today',
  'yesterday',
  'this_week',
  'this_month',
  'this_quarter',
  'this_year',
  'last_7_days',
  'last_30_days',
  'last_month',
  'last_quarter',
];

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY));
    if (saved && saved.period && saved.filters) return saved;
  } catch (_) {
    // a broken entry: start over
  }
  return { period: { preset: 'this_month' }, filters: {} };
}

let current = load();

// The current {period, filters}; treat as read-only.
export function filterState() {
  return current;
}

function commit(next) {
  current = next;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(current));
  for (const listener of listeners) listener(current);
}

// Calls `listener(state)` on every change; returns the function that unsubscribes.
export function onFilterChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setPeriod(period) {
  commit({ ...current, period });
}

// Sets the values of one filter key (responsible, department, pipeline, source, fields.x);
// an empty list removes it.
export function setFilter(key, values) {
  const filters = { ...current.filters };
  if (values && values.length) filters[key] = [...values];
  else delete filters[key];
  commit({ ...current, filters });
}

// Narrows the page to one value of a key (the cross-filter of a click).
export function addCrossFilter(key, value) {
  setFilter(key, [value]);
}

// Removes one value of a key (the × of a chip).
export function removeFilterValue(key, value) {
  setFilter(
    key,
    (current.filters[key] || []).filter((v) => v !== value),
  );
}

// Replaces everything (applying a saved filter).
export function replaceFilter(period, filters) {
  commit({ period: period || { preset: 'this_month' }, filters: { ...(filters || {}) } });
}

// A report request for `metric` under the page filter; `extra` adds or overrides members,
// and `extra.filters` is merged over the page's filters.
export function reportRequest(metric, extra = {}) {
  const { filters: extraFilters, ...rest } = extra;
  const filters = { ...current.filters, ...(extraFilters || {}) };
  return { metric, period: current.period, filters, ...rest };
}
