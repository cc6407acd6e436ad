// The desktop widgets and the exports in the caller's language, in a real browser against the
// server of scripts/e2e.sh. Every expected number is asked from the API with the same request.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BASE_URL, PERIOD, loggedInBrowser, sendNewDeal, waitForPage } from './browser.mjs';


const session = loggedInBrowser();

test('a deal created since the last visit is in the event feed, as the API lists it', async () => {
  // One deal created just now: whenever the last visit was, it is news.
  await sendNewDeal(session.api, { id: 'e2e-feed-1', title: 'Feed deal', amount: '2500.00' });

  await session.page.goto(`${BASE_URL}/#/desktop`);
  await waitForPage(session.page, 'desktop');
  const feed = session.page.locator('[data-widget="feed"] .feed');
  const since = await feed.getAttribute('data-since');
  const answer = await session.api.get(`/feed?since=${encodeURIComponent(since)}&limit=50`);
  assert.equal(Number(await feed.getAttribute('data-total')), answer.total, 'the feed holds the API total');
  assert.ok(answer.events.some((e) => e.deal_id === 'e2e-feed-1' && e.kind === 'created'), 'the API lists the new deal');
  const rows = session.page.locator('[data-widget="feed"] .feed-event');
  assert.equal(await rows.count(), Math.min(answer.total, 50));
  assert.equal(await rows.first().getAttribute('data-kind'), answer.events[0].kind, 'newest first, as the API orders them');
  assert.ok((await session.page.locator('[data-widget="feed"] .feed-event[data-kind="created"] .feed-title').allTextContents()).some((text) => text.includes('Feed deal')));
  for (const [kind, count] of Object.entries(answer.counts)) {
    if (!count) continue;
    assert.equal(await session.page.locator(`[data-widget="feed"] .feed-count[data-kind="${kind}"]`).getAttribute('data-count'), String(count), kind);
  }

  // The page recorded this visit: after a reload the feed starts there (the tests' API
  // session is the same account).
  await session.page.waitForFunction(async (before) => (await (await fetch('/api/v1/feed?limit=1')).json()).last_visit > before, since);
  const visited = await session.api.get('/feed?limit=1');
  await session.page.reload();
  await waitForPage(session.page, 'desktop');
  assert.equal(await session.page.locator('[data-widget="feed"] .feed').getAttribute('data-since'), visited.last_visit);
});

test('the new clients plate, the activity sources and the movement show the API numbers', async () => {
  // The demo history runs up to the present, so numbers of this month grow by the minute: the
  // widgets are redrawn, and what each shows is compared with the answer it got.
  const answers = Promise.all(
    ['/api/v1/clients', '/api/v1/activity_sources'].map((route) =>
      session.page.waitForResponse((r) => r.url().endsWith(route) && r.request().method() === 'POST').then((r) => r.json()),
    ),
  );
  await session.page.evaluate(() => window.dispatchEvent(new CustomEvent('voronka:filterbar')));
  const [clients, sources] = await answers;
  await session.page.waitForFunction(() => !document.querySelector('.widget-body.loading'));

  const plate = session.page.locator('[data-widget="clients"] .kpi');
  assert.equal(await plate.getAttribute('data-value'), String(clients.total));
  assert.equal((await plate.locator('.number-link').textContent()).replace(/\D/g, ''), String(clients.total));
  // The same request through the tests' own session: the route answers the plate's question,
  // and new_client_count (the number's drill-down and export) agrees with it.
  const again = await session.api.post('/clients', { period: PERIOD, filters: {}, compare: 'previous_period' });
  assert.equal(again.companies + again.contacts, again.total);
  const metric = await session.api.report({ metric: 'new_client_count', period: PERIOD, filters: {} });
  assert.equal(metric.total, again.total);
  // The number opens the list of the new clients' first deals, exactly that many.
  await plate.locator('.number-link').click();
  await session.page.locator('.modal .drill-count').waitFor();
  assert.equal(await session.page.locator('.modal .drill-count').getAttribute('data-total'), await plate.getAttribute('data-value'));
  await session.page.keyboard.press('Escape');
  await session.page.locator('.modal').waitFor({ state: 'detached' });
  assert.equal(await session.page.locator('[data-widget="clients"] [data-export="xlsx"]').count(), 1, 'the plate exports');

  assert.ok(sources.total > 0, 'the demo has activities this month');
  // The pie's slices, read from the chart itself: the sources and counts of the answer.
  const slices = await session.page.$eval('[data-widget="activity-sources"] .chart', (element) =>
    window.echarts.getInstanceByDom(element).getOption().series[0].data.map((d) => [d.id, d.value]),
  );
  const expected = sources.rows.slice(0, 12).map((row) => [row.group.source, row.value]);
  assert.deepEqual(slices, expected);

  // Stage movement with the deals created in the period beside it.
  const created = await session.api.report({ metric: 'created_count', period: PERIOD, filters: {} });
  const beside = await session.page.locator('[data-widget="movement"] .beside[data-metric="created_count"] .number-link').getAttribute('data-value');
  assert.equal(beside, String(created.total));
});

test('a saved filter makes a desktop widget: the deals in work matching it and the change since the period began', async () => {
  const meta = await session.api.get('/meta');
  const pipeline = meta.pipelines.find((p) => p.entity === 'deal');
  const filters = { pipeline: [pipeline.id] };
  const saved = await session.api.post('/filters', { name: 'E2E in work of one pipeline', filters, period: PERIOD });
  try {
    await session.page.goto(`${BASE_URL}/#/desktop`);
    await session.page.reload();
    await waitForPage(session.page, 'desktop');
    const plate = session.page.locator(`[data-widget="saved-${saved.id}"] .kpi`);
    await plate.waitFor();
    await session.page.waitForFunction(() => !document.querySelector('.widget-body.loading'));
    // The same question to the API: in work now, and at the end of the previous period (the
    // start of this one).
    const answer = await session.api.report({ metric: 'in_work_count', period: PERIOD, filters, compare: 'previous_period' });
    assert.equal(await plate.getAttribute('data-value'), String(answer.total));
    assert.equal(await session.page.locator(`[data-widget="saved-${saved.id}"] h3`).textContent(), 'E2E in work of one pipeline');
    if (answer.total_compare > 0 && answer.total !== answer.total_compare) {
      // Fewer in work than at the start is a fall, shown as one.
      const direction = answer.total < answer.total_compare ? 'down' : 'up';
      assert.match(await plate.locator('.kpi-change').getAttribute('class'), new RegExp(direction));
    }
  } finally {
    await session.api.del(`/filters/${saved.id}`);
  }
});

// The columns of the overview's manager table, as in web/js/pages/overview.js.
const MANAGER_METRICS = ['created_count', 'won_count', 'won_amount', 'conversion_rate', 'avg_check', 'avg_cycle_days', 'in_work_count', 'forgotten_count'];

// Switches the interface language and waits until the manager table is headed in it.
async function switchLanguage(language, texts) {
  await session.page.selectOption('select[name="language"]', language);
  await session.page.waitForFunction((name) => document.querySelector('[data-widget="managers"] th')?.textContent === name, texts['group.responsible']);
  await waitForPage(session.page, 'overview');
}

// Downloads the export of widget `id` as `format`; answers the saved file's path.
async function download(id, format, dir) {
  await session.page.hover(`[data-widget="${id}"]`);
  const [file] = await Promise.all([session.page.waitForEvent('download'), session.page.click(`[data-widget="${id}"] [data-export="${format}"]`)]);
  const target = path.join(dir, `${id}-${Date.now()}.${format}`);
  await file.saveAs(target);
  return target;
}

test('a table exports all its columns, headed in the interface language; CSV dialect follows it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'voronka-export-'));
  try {
    await session.page.goto(`${BASE_URL}/#/overview`);
    await waitForPage(session.page, 'overview');
    const won = await session.api.report({ metric: 'won_amount', period: PERIOD, filters: {}, group_by: ['responsible'] });
    const top = [...won.rows].sort((a, b) => Number(b.value) - Number(a.value))[0];
    const name = won.labels.responsible[top.group.responsible];

    // Russian: ';' between cells, a decimal comma, every column of the table by its name.
    const ru = await (await fetch(`${BASE_URL}/i18n/ru.json`)).json();
    const en = await (await fetch(`${BASE_URL}/i18n/en.json`)).json();
    await switchLanguage('ru', ru);
    let csv = readFileSync(await download('managers', 'csv', dir), 'utf8').replace(/^\uFEFF/, '');
    let lines = csv.trim().split('\r\n').map((line) => line.split(';'));
    assert.deepEqual(lines[0], [ru['group.responsible'], ...MANAGER_METRICS.map((m) => ru[`metric.${m}`])]);
    const row = lines.find((cells) => cells[0] === name);
    assert.ok(row, `${name} is in the file:\n${csv}`);
    assert.equal(row[1 + MANAGER_METRICS.indexOf('won_amount')], top.value.replace('.', ','), 'the amount with a decimal comma');
    assert.equal(lines.at(-1)[0], ru['export.total']);

    // English: ',' and a decimal point.
    await switchLanguage('en', en);
    csv = readFileSync(await download('managers', 'csv', dir), 'utf8').replace(/^\uFEFF/, '');
    lines = csv.trim().split('\r\n');
    // A name holding the separator is quoted ("Sales cycle, days").
    const quoted = (text) => (text.includes(',') ? `"${text}"` : text);
    assert.equal(lines[0], [en['group.responsible'], ...MANAGER_METRICS.map((m) => en[`metric.${m}`])].map(quoted).join(','));
    assert.ok(lines.some((line) => line.startsWith(`${name},`) && line.includes(top.value)), `${name} ${top.value}`);

    // XLSX: LibreOffice shows the won amounts in the workspace currency.
    await switchLanguage('ru', ru);
    const xlsx = await download('managers', 'xlsx', dir);
    const asShown = 'csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true';
    execFileSync('libreoffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', asShown, '--outdir', path.join(dir, 'shown'), xlsx], { stdio: 'pipe', timeout: 120000 });
    const shownDir = path.join(dir, 'shown');
    const shown = readFileSync(path.join(shownDir, readdirSync(shownDir).find((f) => f.endsWith('.csv'))), 'utf8');
    const me = await session.api.get('/me');
    const sign = { RUB: '₽', EUR: '€', PLN: 'zł', USD: '$' }[me.workspace.currency] || me.workspace.currency;
    const shownRow = shown.split('\n').find((line) => line.startsWith(name) || line.startsWith(`"${name}"`));
    assert.ok(shownRow && shownRow.includes(sign), `money in ${sign}: ${shownRow}`);
    assert.ok(shown.split('\n')[2].startsWith('Менеджер'), `the header row: ${shown.split('\n')[2]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the activity sources export as a table of source and count, headed in the language', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'voronka-export-'));
  try {
    const ru = await (await fetch(`${BASE_URL}/i18n/ru.json`)).json();
    await session.page.goto(`${BASE_URL}/#/desktop`);
    await waitForPage(session.page, 'desktop');
    assert.equal(await session.page.evaluate(() => document.documentElement.lang), 'ru');
    const csv = readFileSync(await download('activity-sources', 'csv', dir), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n').map((line) => line.split(';'));
    assert.deepEqual(lines[0], [ru['group.source'], ru['metric.activity_count']]);
    const total = lines.at(-1);
    assert.equal(total[0], ru['export.total']);
    // Every activity of the period is under one source: the rows add up to the total.
    const sum = lines.slice(1, -1).reduce((acc, cells) => acc + Number(cells[1]), 0);
    assert.equal(sum, Number(total[1]));
    assert.ok(sum > 0, 'the demo has activities this month');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the event feed exports its events, one row each, as the API lists them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'voronka-export-'));
  try {
    // One deal created just now: news for the feed whenever the last visit was.
    await sendNewDeal(session.api, { id: 'e2e-feed-export', title: 'Feed export deal', amount: '1200.00' });
    const ru = await (await fetch(`${BASE_URL}/i18n/ru.json`)).json();
    await session.page.goto(`${BASE_URL}/#/desktop`);
    await session.page.reload();
    await waitForPage(session.page, 'desktop');
    const since = await session.page.locator('[data-widget="feed"] .feed').getAttribute('data-since');
    const answer = await session.api.get(`/feed?since=${encodeURIComponent(since)}&limit=500`);
    assert.ok(answer.events.some((e) => e.deal_id === 'e2e-feed-export'), 'the API lists the new deal');
    const csv = readFileSync(await download('feed', 'csv', dir), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n').map((line) => line.split(';'));
    const header = lines[0];
    assert.ok(header.includes(ru['col.kind']) && header.includes(ru['col.at']), `the header: ${header}`);
    // The demo runs up to now: events may arrive between the two asks, never leave.
    assert.ok(lines.length - 1 >= Math.min(answer.total, 500), `${lines.length - 1} rows for ${answer.total} events`);
    assert.ok(lines.some((cells) => cells.includes('Feed export deal')), 'the new deal is a row');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a widget whose request fails says so and offers to retry', async () => {
  await session.page.goto(`${BASE_URL}/#/overview`);
  await waitForPage(session.page, 'overview');
  // The next report request of the trend answers an error, as a broken server would.
  let failed = false;
  await session.page.route('**/api/v1/report', async (route) => {
    const body = route.request().postDataJSON();
    if (!failed && body.granularity) {
      failed = true;
      return route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'disk on fire' }) });
    }
    return route.continue();
  });
  try {
    // The metric selector redraws the trend through the dashboard, which catches the failure.
    await session.page.selectOption('[data-widget="trend"] select', 'won_count');
    const error = session.page.locator('[data-widget="trend"] .error');
    await error.waitFor();
    assert.match(await error.textContent(), /disk on fire/);
    await session.page.click('[data-widget="trend"] [data-retry]');
    await session.page.locator('[data-widget="trend"] .chart').waitFor();
    assert.equal(await session.page.locator('[data-widget="trend"] .error').count(), 0);
  } finally {
    await session.page.unroute('**/api/v1/report');
  }
  assert.deepEqual(
    session.browser.problems.filter((p) => !p.includes('500')),
    [],
    'no console errors besides the failed request itself',
  );
});
