// Forgotten deals: a threshold in days, the counts by department and manager, and the list
// with the days since the last touch and a link into the CRM.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { currentMe } from '../session.js';

let threshold = null;

function days() {
  return threshold ?? currentMe()?.workspace?.forgotten_days ?? 14;
}

export const page = {
  id: 'forgotten',
  toolbar: (rerender) =>
    h(
      'label',
      { class: 'inline-field' },
      t('forgotten.threshold'),
      h('input', {
        type: 'number',
        min: 1,
        max: 365,
        value: days(),
        class: 'threshold',
        name: 'forgotten_days',
        onchange: (event) => {
          const value = Number.parseInt(event.target.value, 10);
          if (value > 0) {
            threshold = value;
            rerender();
          }
        },
      }),
      t('forgotten.days'),
    ),
  widgets: () => {
    const extra = { forgotten_days: days() };
    return [
      { id: 'kpi-count', kind: 'kpi', metric: 'forgotten_count', title: 'metric.forgotten_count', extra, compare: 'previous_period', x: 0, y: 0, w: 6, h: 2 },
      { id: 'kpi-amount', kind: 'kpi', metric: 'forgotten_amount', title: 'metric.forgotten_amount', extra, x: 6, y: 0, w: 6, h: 2 },
      { id: 'kpi-no-task', kind: 'kpi', metric: 'no_task_count', title: 'metric.no_task_count', x: 12, y: 0, w: 6, h: 2 },
      { id: 'kpi-overdue', kind: 'kpi', metric: 'overdue_tasks', title: 'metric.overdue_tasks', x: 18, y: 0, w: 6, h: 2 },
      { id: 'by-department', kind: 'grouped', title: 'widget.by_department', group: 'department', metrics: ['forgotten_count', 'forgotten_amount'], sort: 'forgotten_count', extra, x: 0, y: 2, w: 10, h: 5 },
      { id: 'by-manager', kind: 'grouped', title: 'widget.by_manager', group: 'responsible', metrics: ['forgotten_count', 'forgotten_amount'], sort: 'forgotten_count', extra, x: 10, y: 2, w: 14, h: 5 },
      { id: 'list', kind: 'deals', title: 'widget.forgotten_list', metric: 'forgotten_count', extra, sort: '-days_since_touch', x: 0, y: 7, w: 24, h: 8 },
    ];
  },
};
