// The drill-down list behind a number: POST /api/v1/drilldown with the widget's request plus
// the clicked row's group and bucket. Its "N items" equals the number clicked, always.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { exportButtons } from './export.js';
import { formatCount, formatDate, formatDecimal, formatMoney } from './format.js';
import { t } from './i18n.js';
import { labelOf } from './session.js';
import { renderTable } from './table.js';

const PAGE = 50;

function link(item) {
  const title = item.title || item.id;
  if (!item.url) return title;
  return h('a', { href: item.url, target: '_blank', rel: 'noopener', class: 'deal-link' }, title, ' ↗');
}

function columnsFor(type) {
  const manager = { key: 'responsible', label: t('col.manager'), render: (r) => labelOf('responsible', r.responsible) };
  const date = (key, label) => ({ key, label, render: (r) => formatDate(r[key]) });
  const days = (key, label) => ({ key, label, numeric: true, render: (r) => formatDecimal(r[key]) });
  if (type === 'activity') {
    return [
      { key: 'kind', label: t('col.kind'), render: (r) => t(`activity.${r.kind}`) },
      { key: 'direction', label: t('col.direction'), render: (r) => t(`direction.${r.direction}`) },
      date('at', t('col.at')),
      manager,
      { key: 'title', label: t('col.deal'), render: link },
    ];
  }
  if (type === 'task') {
    return [
      { key: 'title', label: t('col.task'), render: link },
      manager,
      date('created_at', t('col.created')),
      date('deadline', t('col.deadline')),
      date('completed_at', t('col.completed')),
    ];
  }
  const columns = [
    { key: 'title', label: t('col.title'), render: link },
    { key: 'amount', label: t('col.amount'), numeric: true, render: (r) => formatMoney(r.amount, { exact: true }) },
    { key: 'stage_name', label: t('col.stage') },
    manager,
    date('created_at', t('col.created')),
    date('closed_at', t('col.closed')),
    days('days_on_stage', t('col.days_on_stage')),
    days('days_since_touch', t('col.days_since_touch')),
  ];
  if (type === 'stage_change') columns.splice(4, 0, date('changed_at', t('col.changed_at')));
  return columns;
}

// Opens the list for `request` (a report request with group/bucket set); `title` heads it.
export function openDrilldown(title, request) {
  const base = { ...request, offset: 0, limit: PAGE, sort: request.sort || '-amount' };
  openList(title, base, { fetch: api.drilldown, exportSource: () => ({ drilldown: { ...base, offset: 0, limit: 100000 } }) });
}

// The deals and leads whose title contains what is typed (GET /search: those the caller sees,
// newest first), in the same list.
export function openSearch() {
  const base = { q: '', offset: 0, limit: PAGE, sort: '-created_at' };
  const input = h('input', { type: 'search', name: 'q', placeholder: t('search.placeholder'), 'aria-label': t('search.title'), autocomplete: 'off' });
  const form = h('form', {
    class: 'search-form',
    onsubmit: (event) => {
      event.preventDefault();
      base.q = input.value.trim();
      if (base.q.length >= 2) list.load(false);
    },
  }, input, h('button', { type: 'submit', class: 'button secondary' }, t('search.find')));
  const list = openList(t('search.title'), base, { fetch: api.search, above: form, hint: t('search.hint') });
  input.focus();
}

// A modal list of items, `fetch(base with offset)` answering {"total","items"} a page at a
// time; sorting a column asks again. `above` goes over the list; without `hint` the first page
// is asked at once.
function openList(title, base, { fetch, exportSource = null, above = null, hint = null }) {
  let items = [];
  let total = 0;
  let table = null;

  const summary = h('div', { class: 'drill-summary' }, hint || t('state.loading'));
  const body = h('div', { class: 'drill-body' });
  const more = h('button', { class: 'button secondary', type: 'button', hidden: true, onclick: () => load(true) }, t('drill.more'));
  const close = () => {
    overlay.remove();
    document.removeEventListener('keydown', onKey);
  };
  const onKey = (event) => {
    if (event.key === 'Escape') close();
  };
  const dialog = h(
    'div',
    { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
    h(
      'header',
      { class: 'modal-header' },
      h('h2', {}, title),
      h('div', { class: 'widget-actions' }, exportSource ? exportButtons(title, exportSource) : null,
        h('button', { class: 'icon-button', type: 'button', title: t('action.close'), onclick: close, 'data-close': '' }, '×')),
    ),
    above,
    summary,
    body,
    h('footer', { class: 'modal-footer' }, more),
  );
  const overlay = h('div', { class: 'modal-overlay', onclick: (e) => e.target === overlay && close() }, dialog);
  document.body.append(overlay);
  document.addEventListener('keydown', onKey);

  async function load(append) {
    const offset = append ? items.length : 0;
    try {
      const answer = await fetch({ ...base, offset });
      total = answer.total;
      items = append ? items.concat(answer.items) : answer.items;
    } catch (error) {
      replace(summary, h('span', { class: 'error' }, error.message));
      return;
    }
    replace(summary, h('span', { class: 'drill-count', dataset: { total: String(total) } }, t('drill.count', { count: formatCount(total) })));
    if (!total) {
      table = null;
      replace(body, h('div', { class: 'empty' }, t('state.empty')));
    } else {
      const type = items[0]?.type || 'deal';
      const columns = columnsFor(type);
      const sortKey = base.sort.replace(/^-/, '');
      const sort = { key: sortKey, desc: base.sort.startsWith('-') };
      if (table) table.update(items, sort);
      else {
        table = renderTable(body, {
          columns,
          rows: items,
          sort,
          onSort: (next) => {
            base.sort = (next.desc ? '-' : '') + next.key;
            load(false);
          },
        });
      }
    }
    more.hidden = items.length >= total;
  }
  if (!hint) load(false);
  return { load };
}
