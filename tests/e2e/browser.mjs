// What the browser tests share: the server under test (from scripts/e2e.sh), Chromium started
// through playwright-core with a fresh profile, a logged-in page, and API calls made directly
// with a session of their own to get the numbers a page must show.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.VORONKA_URL || 'http://127.0.0.1:8080';
export const LOGIN = process.env.VORONKA_LOGIN || 'admin';
export const PASSWORD = process.env.VORONKA_PASSWORD || 'demo';
export const SCREENSHOTS = process.env.VORONKA_SCREENSHOTS || path.resolve('build/screenshots');
// The demo company's time zone: the browser runs in it, and "this month" is its month, not UTC's.
export const WORKSPACE_TZ = 'Europe/Moscow';
// The period the pages open on and the tests ask the API for. The demo's history ends today,
// so the last thirty days always hold a month of it; this month holds a day on the 1st, which
// may have no won deal at all.
export const PERIOD = { preset: 'last_30_days' };
const FILTER_KEY = 'voronka.filter';
export const workspaceMonth = (date = new Date()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: WORKSPACE_TZ, year: 'numeric', month: '2-digit' }).format(date);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// A browser with a fresh profile and one page; `problems` collects console errors and
// uncaught exceptions of every page it opens.
export async function openBrowser({ width = 1366, height = 768 } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'voronka-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    acceptDownloads: true,
    locale: 'ru-RU',
    timezoneId: WORKSPACE_TZ,
  });
  // The page-wide filter starts on PERIOD; what a test then chooses is kept as a user's is.
  await context.addInitScript(
    ({ key, value }) => {
      try {
        if (localStorage.getItem(key) === null) localStorage.setItem(key, value);
      } catch (_) {
        // about:blank has no storage
      }
    },
    { key: FILTER_KEY, value: JSON.stringify({ period: PERIOD, filters: {} }) },
  );
  const problems = [];
  const watch = (page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Asking /me without a session is how the page learns it must show the login form;
      // the browser logs that 401 as a failed resource. Nothing else is let through.
      const url = message.location()?.url || '';
      if (url.endsWith('/api/v1/me') && message.text().includes('401')) return;
      problems.push(`console: ${message.text()} (${url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  };
  context.on('page', watch);
  const page = context.pages()[0] || (await context.newPage());
  watch(page);
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Waits until page `id` has drawn all its widgets.
export async function waitForPage(page, id = 'overview') {
  await page.waitForSelector(`main[data-page="${id}"][data-ready]`, { timeout: 30000 });
  await page.waitForFunction(() => !document.querySelector('.widget-body.loading'), null, { timeout: 30000 });
}

// Logs in through the login form (as the demo's admin unless told) and waits for the overview.
export async function logIn(page, { login = LOGIN, password = PASSWORD } = {}) {
  await page.goto(BASE_URL + '/');
  await page.waitForSelector('form.login-form input[name="login"]');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', password);
  await page.click('form.login-form button[type="submit"]');
  await waitForPage(page, 'overview');
}

// A session of the tests' own for calling the API directly.
export async function apiSession() {
  const response = await fetch(`${BASE_URL}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: LOGIN, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') || '').split(';')[0];
  const { csrf_token: csrf } = await response.json();
  const send = (method, route, body) =>
    fetch(`${BASE_URL}/api/v1${route}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const call = async (method, route, body) => {
    // A kept-alive connection the server closed while idle fails once; a new one is made.
    const answer = await send(method, route, body).catch(() => send(method, route, body));
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${route}: ${answer.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    report: (request) => call('POST', '/report', request),
    drilldown: (request) => call('POST', '/drilldown', request),
    get: (route) => call('GET', route),
    post: (route, body) => call('POST', route, body),
    put: (route, body) => call('PUT', route, body),
    del: (route) => call('DELETE', route),
  };
}

// The set-up of a test file: before its tests, an API session and a browser logged in on the
// overview; after them, the browser closed. Returns {api, browser, page}, filled in by `before`.
// `cleanUp(api)` runs before the browser closes (to put back what the file changed).
export function loggedInBrowser({ cleanUp } = {}) {
  const session = { api: null, browser: null, page: null };
  before(async () => {
    session.api = await apiSession();
    session.browser = await openBrowser();
    session.page = session.browser.page;
    await logIn(session.page);
  });
  after(async () => {
    if (cleanUp && session.api) await cleanUp(session.api);
    await session.browser?.close();
  });
  return session;
}

// Sends one new deal through the ingest route (the token of scripts/e2e.sh): in the first
// pipeline of deals, its first stage, of the first CRM user, created at `createdAt`.
export async function sendNewDeal(api, { id, title, amount, createdAt = new Date() }) {
  const token = process.env.VORONKA_INGEST_TOKEN;
  if (!token) throw new Error('VORONKA_INGEST_TOKEN is set by scripts/e2e.sh');
  const meta = await api.get('/meta');
  const pipeline = meta.pipelines.find((p) => p.entity !== 'lead');
  const deal = {
    type: 'deal',
    id,
    entity: 'deal',
    title,
    pipeline_id: pipeline.id,
    stage_id: pipeline.stages[0].id,
    amount,
    responsible_id: meta.users[0].id,
    created_at: createdAt.toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const response = await fetch(`${BASE_URL}/api/v1/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
    body: JSON.stringify(deal) + '\n',
  });
  if (response.status !== 200) throw new Error(`ingest: ${response.status} ${await response.text()}`);
}

// Opens XLSX `file` with LibreOffice (its profile and output in `dir`) and answers the first
// sheet's cells row by row, as raw values: numbers plainly (482417.64), not in their cell format.
export function xlsxRows(file, dir) {
  // CSV as UTF-8 (filter options: comma, double quote, character set 76 = UTF-8, from line 1,
  // default formats and language, no quoting of numbers, detect numbers, the raw values
  // rather than as shown: money cells carry a currency format).
  const csvFilter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false';
  const out = path.join(dir, 'converted');
  execFileSync('libreoffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', csvFilter, '--outdir', out, file], { stdio: 'pipe', timeout: 120000 });
  const csv = readFileSync(path.join(out, readdirSync(out).find((f) => f.endsWith('.csv'))), 'utf8');
  return { csv, rows: csv.split('\n').map((line) => line.split(',').map((cell) => cell.replace(/"/g, '').trim())) };
}
