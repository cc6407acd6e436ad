// Export of a widget or a drill-down list through POST /api/v1/export: the server makes the
// XLSX or CSV file, the browser saves it.
import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { showToast } from './notice.js';

// Downloads `title` as `format` (xlsx|csv) for {report: request} or {drilldown: request}.
export async function exportFile(format, title, source) {
  try {
    const { blob, filename } = await api.exportFile({ format, title, ...source });
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
