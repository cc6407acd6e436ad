// The one filter bar of every page: period (preset or custom range), pipeline, department,
// managers, source, custom list fields; saved named filters; and the chips of what is active,
// each removable.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { formatDate } from './format.js';
import { t } from './i18n.js';
import { showToast } from './notice.js';
import { currentMeta, labelOf, pipelines } from './session.js';
import { PERIOD_PRESETS, filterState, removeFilterValue, replaceFilter, setFilter, setPeriod } from './state.js';

let savedFilters = [];

function select(name, label, options, value, onchange) {
  return h(
    'select',
    { class: 'filter', name, 'aria-label': label, onchange: (e) => onchange(e.target.value) },
    h('option', { value: '' }, label),
    options.map(([id, text]) => h('option', { value: id, selected: id === value }, text)),
  );
}

// A drop-down of checkboxes (managers); calls onchange(list) on every tick.
function multiSelect(name, label, options, values, onchange) {
  const chosen = new Set(values || []);
  const summary = chosen.size ? `${label}: ${chosen.size}` : label;
  return h(
    'details',
    { class: 'multi-select', dataset: { name } },
    h('summary', { class: 'filter' }, summary),
    h(
      'div',
      { class: 'menu-list' },
      options.map(([id, text]) =>
        h(
          'label',
          { class: 'menu-item' },
          h('input', {
            type: 'checkbox',
            value: id,
            checked: chosen.has(id),
            onchange: (e) => {
              if (e.target.checked) chosen.add(id);
              else chosen.delete(id);
              onchange([...chosen]);
            },
          }),
          text,
        ),
      ),
    ),
  );
}

function periodControls(period) {
  const custom = !period.preset;
  const presetSelect = h(
    'select',
    {
      class: 'filter period',
      name: 'period',
      'aria-label': t('filter.period'),
      onchange: (e) => {
        if (e.target.value === 'custom') {
          const today = new Date().toISOString().slice(0, 10);
          const monthStart = `${today.slice(0, 8)}01`;
          const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
          setPeriod({ from: monthStart, to: tomorrow });
        } else setPeriod({ preset: e.target.value });
      },
    },
    PERIOD_PRESETS.map((p) => h('option', { value: p, selected: period.preset === p }, t(`period.${p}`))),
    h('option', { value: 'custom', selected: custom }, t('period.custom')),
  );
  if (!custom) return [presetSelect];
  // The range is [from, to): the inputs show the last day included.
  const lastDay = new Date(Date.parse(period.to) - 86400000).toISOString().slice(0, 10);
  const apply = (from, last) => {
    if (!from || !last || last < from) return;
    const to = new Date(Date.parse(last) + 86400000).toISOString().slice(0, 10);
    setPeriod({ from, to });
  };
  const fromInput = h('input', { type: 'date', class: 'filter', name: 'from', value: period.from, onchange: () => apply(fromInput.value, toInput.value) });
  const toInput = h('input', { type: 'date', class: 'filter', name: 'to', value: lastDay, onchange: () => apply(fromInput.value, toInput.value) });
  return [presetSelect, fromInput, '–', toInput];
}

function savedControls() {
  const state = filterState();
  const nameInput = h('input', { type: 'text', class: 'filter', name: 'filter_name', placeholder: t('saved.name') });
  const save = async () => {
    const name = nameInput.value.trim();
    if (!name) return nameInput.focus();
    try {
      await api.saveFilter({ name, filters: state.filters, period: state.period });
      await loadSavedFilters();
      window.dispatchEvent(new CustomEvent('voronka:filterbar'));
    } catch (error) {
      showToast(error.message);
    }
  };
  return h(
    'details',
    { class: 'menu saved-filters' },
    h('summary', { class: 'filter' }, t('saved.title')),
    h(
      'div',
      { class: 'menu-list' },
      savedFilters.length ? null : h('div', { class: 'muted menu-item' }, t('saved.none')),
      savedFilters.map((saved) =>
        h(
          'div',
          { class: 'menu-item saved' },
          h('button', { type: 'button', class: 'button link', onclick: () => replaceFilter(saved.period, saved.filters) }, saved.name),
          h(
            'button',
            {
              type: 'button',
              class: 'icon-button',
              title: t('action.delete'),
              onclick: async () => {
                await api.deleteFilter(saved.id).catch((e) => showToast(e.message));
                await loadSavedFilters();
                window.dispatchEvent(new CustomEvent('voronka:filterbar'));
              },
            },
            '×',
          ),
        ),
      ),
      h('form', { class: 'menu-item save-form', onsubmit: (e) => (e.preventDefault(), save()) }, nameInput, h('button', { type: 'submit', class: 'button' }, t('saved.save'))),
    ),
  );
}

// The saved filters loaded last.
export function savedFilterList() {
  return savedFilters;
}

// Loads the caller's saved filters (an empty list when the server has none or refuses).
export async function loadSavedFilters() {
  try {
    const answer = await api.filters();
    savedFilters = Array.isArray(answer) ? answer : answer?.filters || [];
  } catch (_) {
    savedFilters = [];
  }
}

function chipLabel(key, value) {
  if (key.startsWith('fields.')) return `${key.slice(7)}: ${value}`;
  if (key === 'kind') return t(`activity.${value}`);
  return `${t(`group.${key}`)}: ${labelOf(key, value)}`;
}

function chips() {
  const { filters, period } = filterState();
  const list = [];
  for (const [key, values] of Object.entries(filters)) {
    for (const value of values) {
      list.push(
        h(
          'span',
          { class: 'chip', dataset: { key, value } },
          chipLabel(key, value),
          h('button', { type: 'button', class: 'chip-remove', title: t('action.remove'), onclick: () => removeFilterValue(key, value) }, '×'),
        ),
      );
    }
  }
  const range = period.preset ? null : h('span', { class: 'muted' }, `${formatDate(period.from)} – ${formatDate(new Date(Date.parse(period.to) - 86400000))}`);
  return [range, list];
}

// Draws the bar into `container` and the chips of the active filters into `chipsContainer`.
export function renderFilterBar(container, chipsContainer) {
  const meta = currentMeta();
  const { period, filters } = filterState();
  const first = (key) => filters[key]?.[0] || '';
  const fieldSelects = (meta.fields || [])
    .filter((f) => f.kind === 'list' && (f.values || []).length)
    .slice(0, 2)
    .map((f) => select(`fields.${f.name}`, f.name, f.values.map((v) => [v, v]), first(`fields.${f.name}`), (v) => setFilter(`fields.${f.name}`, v ? [v] : [])));
  replace(
    container,
    h(
      'div',
      { class: 'filter-row' },
      periodControls(period),
      select('pipeline', t('filter.pipeline'), pipelines().map((p) => [p.id, p.name]), first('pipeline'), (v) => setFilter('pipeline', v ? [v] : [])),
      select('department', t('filter.department'), (meta.departments || []).map((d) => [d.id, d.name]), first('department'), (v) => setFilter('department', v ? [v] : [])),
      multiSelect('responsible', t('filter.managers'), (meta.users || []).filter((u) => u.active !== false).map((u) => [u.id, u.name]), filters.responsible, (list) => setFilter('responsible', list)),
      select('source', t('filter.source'), (meta.sources || []).map((s) => [s, s]), first('source'), (v) => setFilter('source', v ? [v] : [])),
      fieldSelects,
      h('span', { class: 'spacer' }),
      savedControls(),
    ),
  );
  replace(chipsContainer, chips());
}
