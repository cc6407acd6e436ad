// A page of widgets on a gridstack grid: each widget is a card (title, export, hide) whose
// body a widget-kind module draws. The arrangement (position, size, hidden) is the user's,
// saved through PUT /api/v1/layout and restored from GET on the next visit.
import { api } from './api.js';
import { disposeChart, preloadCharts } from './chart.js';
import { h, replace } from './dom.js';
import { loadScript } from './load_script.js';
import { exportButtons } from './export.js';
import { t } from './i18n.js';
import { showToast } from './notice.js';
import { currentMe } from './session.js';
import { WIDGET_KINDS } from './widgets/index.js';

const COLUMNS = 24;
const LAYOUT_VERSION = 1;
const GRIDSTACK = '/vendor/gridstack/gridstack-all.js';
let prefetched = null;

// Starts asking for the saved layout of `page` before the page is drawn; renderDashboard of
// that page takes the answer.
export function prefetchLayout(page) {
  prefetched = { page, layout: api.layout(page) };
  prefetched.layout.catch(() => {});  // renderDashboard reports a failure
}

function layoutOf(page) {
  const mine = prefetched?.page === page ? prefetched.layout : null;
  prefetched = null;
  return mine || api.layout(page);
}

// Draws page `page` with `widgets` ({id, kind, title, x, y, w, h, ...}) and its own `toolbar`
// into `container`, the layout tools (hidden widgets, reset) into `tools`. `fitRows` sizes the rows so
// that many fit the window (the overview's one-screen rule). Returns {refresh(), destroy()}.
// `layoutWidgets(layout)` adds the widgets the saved layout itself lists (the Desktop's saved
// reports); members of the layout besides "version" and "widgets" are kept when it is saved.
export async function renderDashboard(container, { page, widgets: builtIn, tools, fitRows = 0, toolbar = null, layoutWidgets = null }) {
  const gridLibrary = loadScript(GRIDSTACK);
  let layout = null;
  try {
    layout = await layoutOf(page);
  } catch (error) {
    if (error.status !== 404) showToast(t('error.layout', { message: error.message }));
  }
  const current = layout?.version === LAYOUT_VERSION ? layout : {};
  const saved = current.widgets || {};
  const { version: _version, widgets: _widgets, ...extras } = current;
  const widgets = [...builtIn, ...(layoutWidgets ? layoutWidgets(current) : [])];
  const place = (widget) => ({ ...widget, ...(saved[widget.id] || {}) });
  const placed = widgets.map(place);
  const hidden = new Set(placed.filter((w) => w.hidden).map((w) => w.id));
  const instances = new Map();

  const gridElement = h('div', { class: 'grid-stack', dataset: { page } });
  const hiddenMenu = h('div', { class: 'hidden-widgets' });
  replace(tools, hiddenMenu);
  replace(container, toolbar ? h('div', { class: 'page-toolbar' }, toolbar) : null, gridElement);

  for (const widget of placed) {
    if (!hidden.has(widget.id)) gridElement.append(makeItem(widget));
  }

  // Widgets ask for their numbers now, while the grid library loads; a chart waits for its
  // box to get a size (chart.js). The chart library comes after the requests are on their way.
  const refresh = () => Promise.all([...instances.values()].map(draw));
  const firstDraw = refresh();
  preloadCharts();
  await gridLibrary;
  const grid = window.GridStack.init(
    {
      column: COLUMNS,
      cellHeight: cellHeight(),
      margin: 5,
      handle: '.widget-header',
      animate: false,
      float: false,
    },
    gridElement,
  );
  grid.on('change', () => save());
  drawHiddenMenu();

  const onResize = () => fitRows && grid.cellHeight(cellHeight());
  window.addEventListener('resize', onResize);

  function cellHeight() {
    if (!fitRows) return 56;
    const top = gridElement.getBoundingClientRect().top + window.scrollY;
    const available = window.innerHeight - top - 8;
    return Math.max(40, Math.floor(available / fitRows));
  }

  function makeItem(widget) {
    const kind = WIDGET_KINDS[widget.kind];
    const body = h('div', { class: 'widget-body' });
    const title = () => (typeof widget.title === 'function' ? widget.title() : t(widget.title));
    const instance = { widget, body, exportSource: null, kind };
    instances.set(widget.id, instance);
    // A widget's own control (a metric selector) asks for a redraw with this event.
    body.addEventListener('voronka:redraw', () => draw(instance));
    const actions = h(
      'div',
      { class: 'widget-actions' },
      kind.exportable === false || widget.exportable === false ? null : exportButtons(title, () => instance.exportSource?.()),
      // The admin may switch hiding off for the workspace (/me says so).
      currentMe()?.may_hide_widgets === false
        ? null
        : h('button', { class: 'icon-button', type: 'button', title: t('action.hide'), dataset: { hide: widget.id }, onclick: () => hide(widget.id) }, '×'),
    );
    const card = h(
      'section',
      { class: `widget widget-${widget.kind}`, dataset: { widget: widget.id } },
      h('header', { class: 'widget-header' }, h('h3', { title: title() }, title()), actions),
      body,
    );
    return h(
      'div',
      {
        class: 'grid-stack-item',
        'gs-id': widget.id,
        'gs-x': widget.x,
        'gs-y': widget.y,
        'gs-w': widget.w,
        'gs-h': widget.h,
        'gs-min-w': widget.minW || 2,
        'gs-min-h': widget.minH || 1,
      },
      h('div', { class: 'grid-stack-item-content' }, card),
    );
  }

  async function draw(instance) {
    const { body, widget, kind } = instance;
    body.classList.add('loading');
    if (!body.firstChild) replace(body, h('div', { class: 'placeholder' }, t('state.loading')));
    const charts = [...body.querySelectorAll('.chart')];
    try {
      const result = await kind.render(body, widget);
      instance.exportSource = result?.exportSource || null;
      // A redraw replaces a chart's element: release the charts that are gone.
      for (const element of charts) if (!element.isConnected) disposeChart(element);
    } catch (error) {
      // A failed widget says why and offers to try again; the others are not affected.
      const message = error.unreachable ? t('error.unreachable') : t('error.widget', { message: error.message });
      replace(
        body,
        h('div', { class: 'error', role: 'alert' }, message,
          h('button', { type: 'button', class: 'button link', dataset: { retry: widget.id }, onclick: () => draw(instance) }, t('action.retry'))),
      );
    } finally {
      body.classList.remove('loading');
    }
  }

  function hide(id) {
    const element = gridElement.querySelector(`[gs-id="${CSS.escape(id)}"]`);
    if (!element) return;
    hidden.add(id);
    instances.delete(id);
    grid.removeWidget(element);
    drawHiddenMenu();
    save();
  }

  function show(id) {
    const widget = placed.find((w) => w.id === id);
    hidden.delete(id);
    const element = makeItem({ ...widget, y: undefined });
    grid.makeWidget(element);
    drawHiddenMenu();
    draw(instances.get(id));
    save();
  }

  // One small "Layout" menu: the hidden widgets to bring back, and the reset.
  function drawHiddenMenu() {
    const items = placed.filter((w) => hidden.has(w.id));
    const label = items.length ? t('layout.hidden', { count: items.length }) : t('layout.title');
    replace(
      hiddenMenu,
      h(
        'details',
        { class: 'menu layout-menu' },
        h('summary', { class: 'button link' }, label),
        h(
          'div',
          { class: 'menu-list' },
          items.map((w) =>
            h('button', { type: 'button', class: 'menu-item', dataset: { show: w.id }, onclick: () => show(w.id) },
              '+ ', typeof w.title === 'function' ? w.title() : t(w.title)),
          ),
          h('button', { type: 'button', class: 'menu-item', onclick: reset, dataset: { reset: '' } }, t('layout.reset')),
        ),
      ),
    );
  }

  let saveTimer = null;
  function save() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(async () => {
      const positions = {};
      for (const node of grid.engine.nodes) {
        positions[node.id] = { x: node.x, y: node.y, w: node.w, h: node.h };
      }
      for (const id of hidden) positions[id] = { ...(saved[id] || {}), hidden: true };
      Object.assign(saved, positions);
      for (const id of Object.keys(saved)) if (!hidden.has(id)) delete saved[id].hidden;
      try {
        await api.saveLayout(page, { ...extras, version: LAYOUT_VERSION, widgets: positions });
        container.dataset.layoutSaved = String(Date.now());
      } catch (error) {
        showToast(t('error.layout', { message: error.message }));
      }
    }, 300);
  }

  async function reset() {
    try {
      await api.saveLayout(page, null);
    } catch (_) {
      // a failed reset leaves the saved layout; the page still shows the defaults
    }
    window.dispatchEvent(new CustomEvent('voronka:rerender'));
  }

  await firstDraw;
  onResize();
  return {
    refresh,
    // Re-sizes the rows after the space above the grid changed (a chip came or went).
    fit: onResize,
    destroy() {
      window.removeEventListener('resize', onResize);
      clearTimeout(saveTimer);
      grid.destroy(false);
    },
  };
}
