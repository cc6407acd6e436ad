// A sortable table. Columns: {key, label, numeric, render(row) → node|text, value(row) → sort
// key, onClick(row, event) for a clickable cell}. Sorts in the browser unless `onSort` is given
// (then the caller sorts, e.g. on the server, and passes `sort` back).
import { h, replace } from './dom.js';

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined || a === '') return 1;
  if (b === null || b === undefined || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

// Renders into `container`; returns {update(rows)}.
export function renderTable(container, { columns, rows, sort = null, onSort, onRowClick, rowClass }) {
  let state = { sort, rows };

  function sorted() {
    if (onSort || !state.sort) return state.rows;
    const column = columns.find((c) => c.key === state.sort.key);
    if (!column) return state.rows;
    const value = column.value || ((row) => row[column.key]);
    const sign = state.sort.desc ? -1 : 1;
    return [...state.rows].sort((x, y) => {
      const a = value(x);
      const b = value(y);
      if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
      if (b === null || b === undefined) return -1;
      return sign * compare(a, b);
    });
  }

  function header(column) {
    const active = state.sort?.key === column.key;
    const arrow = active ? (state.sort.desc ? ' ↓' : ' ↑') : '';
    return h(
      'th',
      {
        class: `${column.numeric ? 'num' : ''} ${active ? 'sorted' : ''}`,
        scope: 'col',
        dataset: { key: column.key },
        onclick: () => {
          const desc = active ? !state.sort.desc : column.numeric === true;
          state.sort = { key: column.key, desc };
          if (onSort) onSort(state.sort);
          draw();
        },
      },
      column.label,
      arrow,
    );
  }

  function cell(column, row) {
    const content = column.render ? column.render(row) : row[column.key];
    const clickable = Boolean(column.onClick);
    return h(
      'td',
      {
        class: `${column.numeric ? 'num' : ''} ${clickable ? 'clickable' : ''}`,
        dataset: { key: column.key },
        onclick: clickable
          ? (event) => {
              event.stopPropagation();
              column.onClick(row, event);
            }
          : undefined,
      },
      content ?? '—',
    );
  }

  function draw() {
    const body = sorted().map((row) =>
      h(
        'tr',
        {
          class: `${onRowClick ? 'clickable' : ''} ${rowClass ? rowClass(row) : ''}`,
          onclick: onRowClick ? (event) => onRowClick(row, event) : undefined,
        },
        columns.map((column) => cell(column, row)),
      ),
    );
    replace(
      container,
      h(
        'table',
        { class: 'data-table' },
        h('thead', {}, h('tr', {}, columns.map(header))),
        h('tbody', {}, body),
      ),
    );
  }

  draw();
  return {
    update(newRows, newSort) {
      state.rows = newRows;
      if (newSort !== undefined) state.sort = newSort;
      draw();
    },
  };
}
