// The report builder (SPEC §5): the object, metric, period and granularity, the date that
// decides membership, filters with operators, up to two group keys, the chart type and a goal
// line; the preview (chart and table) follows every choice. Reports are saved with a name,
// shared with roles and departments by admins and heads, opened and edited later, deleted, and
// put on the Desktop as a widget (kept in the Desktop's layout).
import { api } from '../api.js';
import {
  GRANULARITIES,
  MAX_GROUP_KEYS,
  OBJECTS,
  buildRequest,
  datesFor,
  filterKeys,
  findMetric,
  groupKeys,
  keyKind,
  metricsFor,
  operatorsFor,
  stateFromRequest,
  valuesFor,
} from '../builder_model.js';
import { h, replace } from '../dom.js';
import { exportButtons } from '../export.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n.js';
import { showToast } from '../notice.js';
import { CHART_TYPES, drawReport, keyName, metricName as metricLabel, valueName } from '../report_view.js';
import { currentMe, currentMeta } from '../session.js';
import { PERIOD_PRESETS, filterState } from '../state.js';

const PREVIEW_DELAY_MS = 400;
const ROLES = ['admin', 'head', 'manager'];
const BUILDER_PRESETS = [...PERIOD_PRESETS, 'last_week', 'last_year'];

// The Desktop's saved-report widgets live in its layout: {"reports": [{"id", "name", "chart"}]}.
async function desktopLayout() {
  try {
    const layout = await api.layout('desktop');
    return layout && typeof layout === 'object' ? { ...layout } : { version: 1, widgets: {} };
  } catch (error) {
    if (error.status === 404) return { version: 1, widgets: {} };
    throw error;
  }
}

export async function addToDesktop(report) {
  const layout = await desktopLayout();
  const reports = (layout.reports || []).filter((r) => r.id !== report.id);
  reports.push({ id: report.id, name: report.name, chart: report.chart });
  layout.reports = reports;
  if (layout.widgets?.[`report-${report.id}`]) delete layout.widgets[`report-${report.id}`].hidden;
  await api.saveLayout('desktop', layout);
}

async function removeFromDesktop(id) {
  const layout = await desktopLayout();
  if (!(layout.reports || []).some((r) => r.id === id)) return;
  layout.reports = layout.reports.filter((r) => r.id !== id);
  if (layout.widgets) delete layout.widgets[`report-${id}`];
  await api.saveLayout('desktop', layout);
}

function defaultState() {
  return {
    object: 'deals',
    metric: 'created_count',
    period: { ...filterState().period },
    granularity: 'none',
    date: '',
    filters: [],
    groupBy: ['responsible'],
    chart: 'bars',
    goal: '',
  };
}

const option = (value, text, selected) => h('option', { value, selected: value === selected }, text);

function labelled(label, ...controls) {
  return h('label', { class: 'builder-field' }, h('span', { class: 'builder-label' }, t(label)), ...controls);
}

// The interface text of `key`, or `fallback` where there is none (a name the server added).
function textOr(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

function dateLabel(date) {
  if (date.startsWith('fields.')) return date.slice('fields.'.length);
  return textOr(`builder.date.${date}`, date);
}

export const page = {
  id: 'builder',
  filterBar: false,
  async render(content) {
    let state = defaultState();
    let current = null;  // the saved report open for editing
    let saved = [];
    let sequence = 0;
    let timer = null;
    let lastRequest = null;
    const me = currentMe();
    const shares = me?.user?.role === 'admin' || me?.user?.role === 'head';

    const form = h('form', { class: 'builder-form', onsubmit: (e) => e.preventDefault() });
    const title = h('h2', { class: 'builder-title' });
    const status = h('div', { class: 'builder-status', role: 'alert', hidden: true });
    const body = h('div', { class: 'builder-body' });
    const preview = h(
      'section',
      { class: 'builder-preview widget', dataset: { state: 'loading' } },
      h('header', { class: 'widget-header' }, title, h('div', { class: 'widget-actions' }, exportButtons(() => reportTitle(), () => (lastRequest ? { report: lastRequest } : null)))),
      status,
      body,
    );
    const list = h('div', { class: 'builder-saved-list' });
    const savePanel = h('div', { class: 'builder-save' });
    replace(
      content,
      h(
        'div',
        { class: 'builder' },
        h('aside', { class: 'builder-side' }, form, savePanel, h('h3', {}, t('builder.saved')), list),
        preview,
      ),
    );

    const reportTitle = () => current?.name || t('builder.new_report');
    const changed = (redraw = false) => {
      if (redraw) drawForm();
      schedule();
    };

    function schedule() {
      clearTimeout(timer);
      preview.dataset.state = 'loading';
      timer = setTimeout(run, PREVIEW_DELAY_MS);
    }

    async function run() {
      const mine = ++sequence;
      const request = buildRequest(state);
      replace(title, reportTitle());
      try {
        const answer = await api.report(request);
        if (mine !== sequence) return;
        status.hidden = true;
        lastRequest = request;
        const info = findMetric(state.metric);
        await drawReport(body, { request, answer, chart: state.chart, goalLine: state.goal.trim() ? state.goal.replace(',', '.').replace(/\s/g, '') : null, kind: info?.kind || 'count' });
        if (mine !== sequence) return;
        preview.dataset.request = JSON.stringify(request);
        preview.dataset.state = 'ready';
      } catch (error) {
        if (mine !== sequence) return;
        // A request the server refuses (400 names the member) says why; the old chart goes.
        lastRequest = null;
        replace(body);
        status.textContent = error.unreachable ? t('error.unreachable') : t('builder.refused', { message: error.message });
        status.hidden = false;
        preview.dataset.request = JSON.stringify(request);
        preview.dataset.state = 'error';
      }
    }

    function periodControls() {
      const custom = !state.period.preset;
      const select = h(
        'select',
        {
          name: 'period',
          onchange: (e) => {
            if (e.target.value === 'custom') {
              const today = new Date().toISOString().slice(0, 10);
              state.period = { from: `${today.slice(0, 8)}01`, to: new Date(Date.now() + 86400000).toISOString().slice(0, 10) };
            } else state.period = { preset: e.target.value };
            changed(true);
          },
        },
        BUILDER_PRESETS.map((p) => option(p, t(`period.${p}`), state.period.preset)),
        option('custom', t('period.custom'), custom ? 'custom' : ''),
      );
      if (!custom) return [select];
      // The range is [from, to): the inputs show the last day included.
      const lastDay = new Date(Date.parse(state.period.to) - 86400000).toISOString().slice(0, 10);
      const apply = () => {
        if (!from.value || !to.value || to.value < from.value) return;
        state.period = { from: from.value, to: new Date(Date.parse(to.value) + 86400000).toISOString().slice(0, 10) };
        changed();
      };
      const from = h('input', { type: 'date', name: 'period_from', value: state.period.from, onchange: apply });
      const to = h('input', { type: 'date', name: 'period_to', value: lastDay, onchange: apply });
      return [select, h('span', { class: 'builder-range' }, from, '–', to)];
    }

    function valueControl(row) {
      const kind = keyKind(row.key);
      if (row.op === 'empty' || row.op === 'not_empty') return null;
      if (row.op === 'contains') {
        return h('input', { type: 'text', name: 'filter_text', value: row.text || '', placeholder: t('builder.text'), oninput: (e) => ((row.text = e.target.value.trim()), changed()) });
      }
      if (row.op === 'range') {
        const type = kind === 'date' ? 'date' : 'text';
        const input = (member, placeholder) =>
          h('input', { type, name: `filter_${member}`, value: row[member] || '', placeholder: t(placeholder), inputmode: type === 'text' ? 'decimal' : undefined, size: 8, oninput: (e) => ((row[member] = e.target.value.trim()), changed()) });
        return h('span', { class: 'builder-range' }, input('min', kind === 'date' ? 'builder.from' : 'builder.min'), '–', input('max', kind === 'date' ? 'builder.to' : 'builder.max'));
      }
      const known = valuesFor(row.key);
      if (known.length) {
        return h(
          'select',
          {
            name: 'filter_values',
            multiple: true,
            size: Math.min(4, known.length),
            onchange: (e) => ((row.values = [...e.target.selectedOptions].map((o) => o.value)), changed()),
          },
          known.map(([id, name]) => h('option', { value: id, selected: (row.values || []).includes(id) }, name ?? valueName(row.key, id))),
        );
      }
      return h('input', {
        type: 'text',
        name: 'filter_values',
        value: (row.values || []).join(', '),
        placeholder: t('builder.values'),
        oninput: (e) => ((row.values = e.target.value.split(',').map((v) => v.trim()).filter(Boolean)), changed()),
      });
    }

    function filterRowView(row, index) {
      const keys = filterKeys(state.object);
      const key = h(
        'select',
        {
          name: 'filter_key',
          onchange: (e) => {
            state.filters[index] = { key: e.target.value, op: operatorsFor(e.target.value)[0], values: [] };
            changed(true);
          },
        },
        keys.map((k) => option(k, keyName(k), row.key)),
      );
      const op = h(
        'select',
        { name: 'filter_op', onchange: (e) => ((row.op = e.target.value), changed(true)) },
        operatorsFor(row.key).map((o) => option(o, t(`builder.op.${o}`), row.op)),
      );
      const remove = h('button', { type: 'button', class: 'icon-button', name: 'remove_filter', title: t('action.remove'), onclick: () => (state.filters.splice(index, 1), changed(true)) }, '×');
      return h('div', { class: 'builder-filter', dataset: { key: row.key } }, key, op, valueControl(row), remove);
    }

    function drawForm() {
      const metrics = metricsFor(state.object);
      if (!metrics.some((m) => m.name === state.metric)) state.metric = metrics[0]?.name || '';
      const info = findMetric(state.metric);
      const dates = datesFor(info);
      if (state.date && !dates.includes(state.date)) state.date = '';
      const groups = groupKeys(state.object);
      state.groupBy = state.groupBy.filter((k) => groups.includes(k));
      const allowedFilters = filterKeys(state.object);
      state.filters = state.filters.filter((f) => allowedFilters.includes(f.key));
      const select = (name, values, selected, onchange) =>
        h('select', { name, onchange: (e) => onchange(e.target.value) }, values.map(([value, text]) => option(value, text, selected)));
      const groupSelects = [];
      for (let i = 0; i < MAX_GROUP_KEYS; i++) {
        if (i > 0 && !state.groupBy[i - 1]) break;
        groupSelects.push(
          select(`group_${i + 1}`, [['', t('builder.none')], ...groups.filter((k) => !state.groupBy.slice(0, i).includes(k)).map((k) => [k, keyName(k)])], state.groupBy[i] || '', (v) => {
            state.groupBy = [...state.groupBy.slice(0, i), ...(v ? [v] : [])];
            changed(true);
          }),
        );
      }
      replace(
        form,
        labelled('builder.object', select('object', OBJECTS.map((o) => [o, t(`builder.object.${o}`)]), state.object, (v) => ((state.object = v), changed(true)))),
        labelled('builder.metric', select('metric', metrics.map((m) => [m.name, metricLabel(m.name)]), state.metric, (v) => ((state.metric = v), changed(true)))),
        labelled('builder.period', ...periodControls()),
        labelled('builder.granularity', select('granularity', GRANULARITIES.map((g) => [g, t(`builder.granularity.${g}`)]), state.granularity, (v) => ((state.granularity = v), changed()))),
        dates.length
          ? labelled('builder.date', select('date', [['', t('builder.date.default')], ...dates.map((d) => [d, dateLabel(d)])], state.date, (v) => ((state.date = v), changed())))
          : null,
        h(
          'div',
          { class: 'builder-field builder-filters' },
          h('span', { class: 'builder-label' }, t('builder.filters')),
          state.filters.map(filterRowView),
          h(
            'button',
            {
              type: 'button',
              class: 'button link',
              name: 'add_filter',
              onclick: () => {
                const key = allowedFilters.find((k) => k.startsWith('fields.')) || allowedFilters[0];
                state.filters.push({ key, op: operatorsFor(key)[0], values: [] });
                changed(true);
              },
            },
            `+ ${t('builder.add_filter')}`,
          ),
        ),
        labelled('builder.group_by', ...groupSelects),
        labelled('builder.chart', select('chart', CHART_TYPES.map((c) => [c, t(`builder.chart.${c}`)]), state.chart, (v) => ((state.chart = v), changed()))),
        labelled('builder.goal_line', h('input', { type: 'text', name: 'goal_line', inputmode: 'decimal', value: state.goal, placeholder: t('builder.goal_none'), oninput: (e) => ((state.goal = e.target.value), changed()) })),
      );
    }

    function drawSavePanel() {
      const name = h('input', { type: 'text', name: 'report_name', value: current?.name || '', placeholder: t('builder.name'), maxlength: 200 });
      const roles = ROLES.map((role) => h('input', { type: 'checkbox', name: `share_${role}`, value: role, checked: (current?.shared_roles || []).includes(role) }));
      const departments = h(
        'select',
        { name: 'share_departments', multiple: true, size: 3 },
        (currentMeta().departments || []).map((d) => h('option', { value: d.id, selected: (current?.shared_departments || []).includes(d.id) }, d.name)),
      );
      const save = async (asNew) => {
        const text = name.value.trim();
        if (!text) return name.focus();
        const goal = state.goal.trim().replace(',', '.').replace(/\s/g, '');
        const payload = {
          name: text,
          report: buildRequest(state),
          chart: state.chart,
          goal_line: goal || null,
          shared_roles: shares ? roles.filter((r) => r.checked).map((r) => r.value) : [],
          shared_departments: shares ? [...departments.selectedOptions].map((o) => o.value) : [],
        };
        try {
          const stored = current && current.editable !== false && !asNew ? await api.put(`/saved-reports/${current.id}`, payload) : await api.post('/saved-reports', payload);
          current = stored;
          showToast(t('builder.saved_as', { name: stored.name }));
          await loadList();
          drawSavePanel();
          replace(title, reportTitle());
        } catch (error) {
          showToast(t('builder.refused', { message: error.message }));
        }
      };
      const editable = !current || current.editable !== false;
      replace(
        savePanel,
        h('h3', {}, current ? t('builder.editing', { name: current.name }) : t('builder.new_report')),
        name,
        shares
          ? h(
              'div',
              { class: 'builder-share' },
              h('span', { class: 'builder-label' }, t('builder.share_roles')),
              roles.map((box, i) => h('label', {}, box, t(`admin.role.${ROLES[i]}`))),
              h('span', { class: 'builder-label' }, t('builder.share_departments')),
              departments,
            )
          : null,
        h(
          'div',
          { class: 'builder-actions' },
          editable ? h('button', { type: 'button', class: 'button primary', name: 'save_report', onclick: () => save(false) }, t('builder.save')) : null,
          current ? h('button', { type: 'button', class: 'button', name: 'save_report_new', onclick: () => save(true) }, t('builder.save_new')) : null,
          current ? h('button', { type: 'button', class: 'button', name: 'desktop_report', onclick: () => putOnDesktop(current) }, t('builder.add_desktop')) : null,
          current ? h('button', { type: 'button', class: 'button link', name: 'new_report', onclick: () => open(null) }, t('builder.new_report')) : null,
        ),
      );
    }

    async function putOnDesktop(report) {
      try {
        await addToDesktop(report);
        showToast(t('builder.on_desktop', { name: report.name }));
        content.dataset.desktop = String(report.id);
      } catch (error) {
        showToast(t('builder.refused', { message: error.message }));
      }
    }

    async function remove(report) {
      if (!window.confirm(t('builder.confirm_delete', { name: report.name }))) return;
      try {
        await api.del(`/saved-reports/${report.id}`);
        await removeFromDesktop(report.id).catch(() => {});
        if (current?.id === report.id) open(null);
        await loadList();
      } catch (error) {
        showToast(t('builder.refused', { message: error.message }));
      }
    }

    function open(report) {
      current = report;
      if (report) {
        state = { ...stateFromRequest(report.report), chart: report.chart || 'table', goal: report.goal_line === null || report.goal_line === undefined ? '' : String(report.goal_line) };
      } else {
        state = defaultState();
      }
      drawForm();
      drawSavePanel();
      drawList();
      schedule();
    }

    function drawList() {
      if (!saved.length) return replace(list, h('div', { class: 'muted' }, t('builder.none_saved')));
      replace(
        list,
        h(
          'ul',
          { class: 'builder-reports' },
          saved.map((report) =>
            h(
              'li',
              { class: current?.id === report.id ? 'active' : '', dataset: { report: String(report.id) } },
              h('button', { type: 'button', class: 'button link', name: 'open_report', onclick: () => open(report) }, report.name),
              h('span', { class: 'muted' }, report.mine ? '' : report.owner || '', ' ', report.updated_at ? formatDateTime(report.updated_at) : ''),
              h('button', { type: 'button', class: 'icon-button', name: 'desktop_report', title: t('builder.add_desktop'), onclick: () => putOnDesktop(report) }, '⊞'),
              report.editable ? h('button', { type: 'button', class: 'icon-button', name: 'delete_report', title: t('action.delete'), onclick: () => remove(report) }, '×') : null,
            ),
          ),
        ),
      );
    }

    async function loadList() {
      try {
        saved = await api.get('/saved-reports');
      } catch (error) {
        saved = [];
        showToast(t('builder.refused', { message: error.message }));
      }
      if (current) current = saved.find((r) => r.id === current.id) || current;
      drawList();
    }

    // A report opened by its address (#/builder?report=ID) starts there.
    const wanted = Number(new URLSearchParams(location.hash.split('?')[1] || '').get('report'));
    await loadList();
    const start = saved.find((r) => r.id === wanted) || null;
    open(start);
    // The first preview is drawn before the page says it is ready.
    clearTimeout(timer);
    await run();
    // New data (the version moved) or the server back: the preview asks again.
    return { refresh: () => run() };
  },
};
