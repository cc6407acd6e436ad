// Export of a widget or a drill-down list through POST /api/v1/export: the server makes the
// XLSX or CSV file, the browser saves it. Column headers are sent in the interface language,
// and the language decides the CSV dialect (';' and a decimal comma for ru and pl).
import { api } from './api.js';
import { h } from './dom.js';
import { currentLanguage, t } from './i18n.js';
import { METRIC_NAMES } from './metrics.js';
import { showToast } from './notice.js';

const GROUP_KEYS = ['responsible', 'department', 'pipeline', 'stage', 'source', 'deal_type', 'company', 'loss_reason', 'entity', 'kind', 'direction'];
// Drill-down item members and the interface text that heads them.
const ITEM_COLUMNS = {
  id: 'col.id',
  title: 'col.title',
  kind: 'col.kind',
  direction: 'col.direction',
  amount: 'col.amount',
  stage_name: 'col.stage',
  responsible: 'col.manager',
  deal_id: 'col.deal',
  created_at: 'col.created',
  at: 'col.at',
  deadline: 'col.deadline',
  completed_at: 'col.completed',
  closed_at: 'col.closed',
  changed_at: 'col.changed_at',
  days_on_stage: 'col.days_on_stage',
  days_since_touch: 'col.days_since_touch',
  url: 'col.url',
  by: 'col.by',
  task_title: 'col.task',
  from_stage_name: 'col.from_stage',
};

// The display name of every column an export of `source` can have, in the current language.
export function columnNames(source) {
  const names = {};
  for (const [key, text] of Object.entries(ITEM_COLUMNS)) names[key] = t(text);
  for (const key of GROUP_KEYS) names[key] = t(`group.${key}`);
  for (const metric of METRIC_NAMES) names[metric] = t(`metric.${metric}`);
  const request = source.report || source.drilldown || source.activity_sources || {};
  for (const key of request.group_by || []) if (key.startsWith('fields.')) names[key] = key.slice('fields.'.length);
  names.value = t(`metric.${request.metric || 'activity_count'}`);
  names.compare = t('export.compare');
  names.bucket = t('export.bucket');
  names.total = t('export.total');
  names.weighted = t('forecast.weighted');
  return names;
}

// Downloads `title` as `format` (xlsx|csv) for {report: request, metrics?}, {drilldown: request},
// {activity_sources: request} or {feed: {since}}.
export async function exportFile(format, title, source) {
  try {
    const body = { format, title, language: currentLanguage(), columns: columnNames(source), ...source };
    const { blob, filename } = await api.exportFile(body);
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: filename, style: 'display:none' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    showToast(t('error.export', { message: error.message }));
  }
}

// The two small export buttons of a widget header; `source()` gives the request when clicked.
export function exportButtons(title, source) {
  const button = (format) =>
    h(
      'button',
      {
        class: 'icon-button export',
        type: 'button',
        title: t(`export.${format}`),
        dataset: { export: format },
        onclick: (event) => {
          event.stopPropagation();
          const request = source();
          if (request) exportFile(format, typeof title === 'function' ? title() : title, request);
        },
      },
      format.toUpperCase(),
    );
  return [button('xlsx'), button('csv')];
}
