// The report builder in a real browser against the demo server of scripts/e2e.sh: a report
// with a custom-field filter and a group-by shows the numbers POST /report gives for the same
// request; saved, put on the Desktop and still there after a reload with the same numbers;
// exported to an XLSX file LibreOffice opens; shared with a role. Every expected number is asked
// from the API.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BASE_URL, SCREENSHOTS, loggedInBrowser, waitForPage, xlsxRows } from './browser.mjs';

// Last month is over: its numbers do not move while the demo history runs on.
const PERIOD = { preset: 'last_month' };
const NAME = 'E2E builder: deals by manager';

let desktopBefore = null;
const session = loggedInBrowser({
  // Put back the Desktop's layout and remove the test's reports for the tests after this one.
  cleanUp: async (api) => {
    for (const report of await api.get('/saved-reports')) {
      if (report.name.startsWith('E2E builder')) await api.del(`/saved-reports/${report.id}`);
    }
    await api.put('/layout?page=desktop', desktopBefore);
  },
});

// Waits until the preview has drawn the answer of the choices made so far.
async function previewReady(page) {
  await page.waitForFunction(() => document.querySelector('.builder-preview')?.dataset.state === 'ready', null, { timeout: 30000 });
  return JSON.parse(await page.locator('.builder-preview').getAttribute('data-request'));
}

// The custom list field whose most frequent value holds the most deals of the period, with
// that value: a filter on it keeps a good share of the deals.
async function listFieldAndValue(api) {
  const meta = await api.get('/meta');
  let best = null;
  for (const field of meta.fields.filter((f) => f.kind === 'list' && (f.values || []).length)) {
    const answer = await api.report({ metric: 'created_count', period: PERIOD, filters: { entity: ['deal'] }, group_by: [`fields.${field.name}`] });
    for (const row of answer.rows) {
      const value = row.group[`fields.${field.name}`];
      if (value && (!best || row.value > best.count)) best = { field: field.name, value, count: row.value };
    }
  }
  assert.ok(best, 'the demo has a custom list field with values');
  return best;
}

// The value shown per manager in the report table of the builder (name → number).
async function tableNumbers(page) {
  return page.$$eval('.builder-preview .report-table tbody tr', (rows) =>
    rows.map((row) => [row.querySelector('td[data-key="responsible"]').textContent, Number(row.querySelector('td[data-key="value"] .number-link').dataset.value)]),
  );
}

function expectedNumbers(answer) {
  return answer.rows
    .filter((row) => row.value !== null)
    .map((row) => [answer.labels.responsible?.[row.group.responsible] ?? row.group.responsible, Number(row.value)])
    .sort((a, b) => b[1] - a[1] || 0);
}

const byName = (list) => Object.fromEntries(list);

test('a report with a custom-field filter and a group-by: built, saved, on the Desktop after a reload', async () => {
  const { page, api } = session;
  desktopBefore = await api.get('/layout?page=desktop');
  const { field, value } = await listFieldAndValue(api);

  await page.goto(`${BASE_URL}/#/builder`);
  await waitForPage(page, 'builder');
  await previewReady(page);
  await page.selectOption('.builder-form select[name="object"]', 'deals');
  await page.selectOption('.builder-form select[name="metric"]', 'created_count');
  await page.selectOption('.builder-form select[name="period"]', 'last_month');
  await page.click('.builder-form button[name="add_filter"]');
  const filter = page.locator('.builder-form .builder-filter').first();
  await filter.locator('select[name="filter_key"]').selectOption(`fields.${field}`);
  await filter.locator('select[name="filter_op"]').selectOption('in');
  await filter.locator('select[name="filter_values"]').selectOption([value]);
  await page.selectOption('.builder-form select[name="group_1"]', 'responsible');
  await page.selectOption('.builder-form select[name="chart"]', 'bars');
  await page.fill('.builder-form input[name="goal_line"]', '10');

  const expectedRequest = {
    metric: 'created_count',
    period: PERIOD,
    filters: { entity: ['deal'], [`fields.${field}`]: [value] },
    group_by: ['responsible'],
  };
  await page.waitForFunction((wanted) => {
    const preview = document.querySelector('.builder-preview');
    return preview?.dataset.state === 'ready' && preview.dataset.request === wanted;
  }, JSON.stringify(expectedRequest), { timeout: 30000 });
  const answer = await api.report(expectedRequest);
  const expected = expectedNumbers(answer);
  assert.ok(expected.length > 1, `several managers have such deals: ${JSON.stringify(answer.rows)}`);
  assert.deepEqual(byName(await tableNumbers(page)), byName(expected), 'the table holds the API numbers');
  // The bars hold the same numbers, and the goal line is drawn at 10.
  const bars = await page.$eval('.builder-preview .report-chart', (element) => {
    const option = window.echarts.getInstanceByDom(element).getOption();
    return { values: option.series[0].data.map((d) => d.value), goal: option.series[0].markLine?.data?.[0]?.yAxis };
  });
  assert.deepEqual(bars.values, expected.map(([, count]) => count));
  assert.equal(bars.goal, 10);
  // The filter narrowed the report: fewer deals than without it.
  const unfiltered = await api.report({ ...expectedRequest, filters: { entity: ['deal'] } });
  assert.ok(Number(answer.total) < Number(unfiltered.total), `${answer.total} of ${unfiltered.total}`);

  // A bar drills down to its deals: as many as the bar says.
  const first = page.locator('.builder-preview .report-table tbody tr').first().locator('.number-link');
  const shown = Number(await first.getAttribute('data-value'));
  await first.click();
  await page.locator('.modal .drill-count').waitFor();
  assert.equal(Number(await page.locator('.modal .drill-count').getAttribute('data-total')), shown);
  await page.keyboard.press('Escape');

  // Saved under a name: the stored request is the one drawn.
  await page.fill('.builder-save input[name="report_name"]', NAME);
  await page.click('.builder-save button[name="save_report"]');
  await page.locator(`.builder-reports li:has-text("${NAME}")`).waitFor();
  const stored = (await api.get('/saved-reports')).find((r) => r.name === NAME);
  assert.ok(stored, 'the report is stored');
  assert.deepEqual(stored.report, expectedRequest);
  assert.equal(stored.chart, 'bars');
  assert.equal(Number(stored.goal_line), 10);
  const run = await api.post(`/saved-reports/${stored.id}/report`, { period: PERIOD });
  assert.deepEqual(byName(expectedNumbers(run)), byName(expected), 'the saved report answers the same numbers');

  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [width, height] of [[1366, 768], [1920, 1080]]) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.querySelector('.builder-side').scrollTop = 0;
    });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, `builder-${width}x${height}.png`) });
  }
  await page.setViewportSize({ width: 1366, height: 768 });

  // On the Desktop, under the filter bar's period (last month): the same bars, also after a reload.
  await page.click('.builder-save button[name="desktop_report"]');
  await page.waitForFunction((id) => document.querySelector('main[data-page="builder"]')?.dataset.desktop === String(id), stored.id);
  await page.evaluate((period) => localStorage.setItem('voronka.filter', JSON.stringify({ period, filters: {} })), PERIOD);
  await page.goto(`${BASE_URL}/#/desktop`);
  await page.reload();
  await waitForPage(page, 'desktop');
  assert.equal(await page.inputValue('.filter-bar select[name="period"]'), 'last_month');
  const widget = `[data-widget="report-${stored.id}"]`;
  const desktopBars = async () => {
    await page.locator(`${widget} .report-chart canvas`).waitFor({ timeout: 30000 });
    await page.waitForFunction(() => !document.querySelector('.widget-body.loading'));
    return page.$eval(`${widget} .report-chart`, (element) => {
      const option = window.echarts.getInstanceByDom(element).getOption();
      return { names: option.xAxis[0].data, values: option.series[0].data.map((d) => d.value) };
    });
  };
  const onDesktop = await desktopBars();
  assert.deepEqual(byName(onDesktop.names.map((name, i) => [name, onDesktop.values[i]])), byName(expected));
  assert.equal(await page.locator(`${widget} .widget-header h3`).textContent(), NAME);
  await page.reload();
  await waitForPage(page, 'desktop');
  const reloaded = await desktopBars();
  assert.deepEqual(reloaded, onDesktop, 'the widget is there after a reload, with the same numbers');
  await page.evaluate(() => localStorage.removeItem('voronka.filter'));
  assert.deepEqual(session.browser.problems, [], 'no console errors or uncaught exceptions');
});

test('a saved report opens with its choices, exports to XLSX with the same numbers, is shared; deleted, it leaves a note', async () => {
  const { page, api } = session;
  const dir = mkdtempSync(path.join(tmpdir(), 'voronka-builder-'));
  try {
    const stored = (await api.get('/saved-reports')).find((r) => r.name === NAME);
    assert.ok(stored, 'the first test saved the report');
    await page.goto(`${BASE_URL}/#/builder?report=${stored.id}`);
    await waitForPage(page, 'builder');
    const request = await previewReady(page);
    assert.deepEqual(request, stored.report, 'the saved report opens with its choices');
    assert.equal(await page.inputValue('.builder-save input[name="report_name"]'), NAME);
    const expected = expectedNumbers(await api.report(stored.report));
    await page.hover('.builder-preview .widget-header');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.builder-preview [data-export="xlsx"]')]);
    const file = path.join(dir, 'builder.xlsx');
    await download.saveAs(file);
    assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK', 'an XLSX file is a ZIP archive');
    const { csv, rows: lines } = xlsxRows(file, dir);
    for (const [name, count] of expected) {
      const line = lines.find((cells) => cells[0] === name);
      assert.ok(line, `${name} is in the file:\n${csv}`);
      assert.equal(Number(line[1]), count, `${name}: ${line.join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // An admin shares the open report with the managers: saved in place, the request unchanged.
  const report = (await api.get('/saved-reports')).find((r) => r.name === NAME);
  await page.check('.builder-save input[name="share_manager"]');
  await page.click('.builder-save button[name="save_report"]');
  let shared = null;
  for (let i = 0; i < 100 && !shared?.shared_roles?.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    shared = await api.get(`/saved-reports/${report.id}`);
  }
  assert.deepEqual(shared.shared_roles, ['manager']);
  assert.deepEqual(shared.report, report.report);
  assert.deepEqual(session.browser.problems, [], 'no console errors or uncaught exceptions');

  // Deleted elsewhere (here through the API), the report leaves a note on the Desktop, not an error.
  await api.del(`/saved-reports/${report.id}`);
  await page.goto(`${BASE_URL}/#/desktop`);
  await waitForPage(page, 'desktop');
  const cell = page.locator(`[data-widget="report-${report.id}"]`);
  const ru = await (await fetch(`${BASE_URL}/i18n/ru.json`)).json();
  assert.equal(await cell.locator('.empty').textContent(), ru['builder.unavailable']);
  assert.equal(await cell.locator('.error').count(), 0);
  const { problems } = session.browser;
  assert.deepEqual(problems.filter((p) => !p.includes('404')), [], 'no console errors besides the missing report');
  problems.splice(0, problems.length);  // the 404s were the point; the next test starts clean
});

test('a refused request shows the server\'s message in place of the chart; operators send their object forms', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/#/builder`);
  await waitForPage(page, 'builder');
  await previewReady(page);
  // The server names what it does not take; the builder shows that message as it came.
  await page.route('**/api/v1/report', (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: "filters.amount: unknown filter 'amount'" }) }),
  );
  try {
    await page.selectOption('.builder-form select[name="chart"]', 'table');
    await page.waitForFunction(() => document.querySelector('.builder-preview')?.dataset.state === 'error');
    assert.match(await page.locator('.builder-status').textContent(), /filters\.amount: unknown filter 'amount'/);
    assert.equal(await page.locator('.builder-preview .report-view').count(), 0, 'no stale chart is left');

    // The operators' object forms: an amount range, a creation date range shown with its last
    // day included ([from, to) in the request), text contained in the title.
    const errorAfter = async (change) => {
      await page.evaluate(() => (document.querySelector('.builder-preview').dataset.state = 'changing'));
      await change();
      await page.waitForFunction(() => document.querySelector('.builder-preview')?.dataset.state === 'error');
      return JSON.parse(await page.locator('.builder-preview').getAttribute('data-request')).filters;
    };
    const rows = page.locator('.builder-form .builder-filter');
    await page.click('.builder-form button[name="add_filter"]');
    await rows.nth(0).locator('select[name="filter_key"]').selectOption('amount');
    await errorAfter(() => rows.nth(0).locator('input[name="filter_min"]').fill('1 000,5'));
    await page.click('.builder-form button[name="add_filter"]');
    await rows.nth(1).locator('select[name="filter_key"]').selectOption('created_at');
    await rows.nth(1).locator('input[name="filter_min"]').fill('2024-03-01');
    await errorAfter(() => rows.nth(1).locator('input[name="filter_max"]').fill('2024-03-31'));
    await page.click('.builder-form button[name="add_filter"]');
    await rows.nth(2).locator('select[name="filter_key"]').selectOption('title');
    const filters = await errorAfter(() => rows.nth(2).locator('input[name="filter_text"]').fill('Поставка'));
    assert.deepEqual(filters, { entity: ['deal'], amount: { min: '1000.50' }, created_at: { from: '2024-03-01', to: '2024-04-01' }, title: { contains: 'Поставка' } });
    for (let i = 0; i < 3; i++) await rows.nth(0).locator('button[name="remove_filter"]').click();
  } finally {
    await page.unroute('**/api/v1/report');
  }
  await page.selectOption('.builder-form select[name="chart"]', 'number');
  await previewReady(page);
  assert.ok(await page.locator('.builder-status').isHidden());
  assert.deepEqual(session.browser.problems.filter((p) => !p.includes('400')), [], 'no console errors besides the refused request');
});
