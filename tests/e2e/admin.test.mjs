// The admin page in a real browser against the demo server of scripts/e2e.sh: a changed
// forgotten threshold reaches the Forgotten deals page, and a CRM user given an account logs in.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { BASE_URL, PERIOD, SCREENSHOTS, logIn, loggedInBrowser, openBrowser, waitForPage } from './browser.mjs';


const session = loggedInBrowser({
  // The other tests expect the workspace as the demo made it.
  cleanUp: (api) => api.put('/settings', { forgotten_days: null }),
});

async function openAdmin() {
  await session.page.goto(`${BASE_URL}/#/admin`);
  await session.page.waitForSelector('main[data-page="admin"][data-ready] form.admin-settings', { timeout: 30000 });
}

test('the admin page is in an admin\'s menu', async () => {
  await openAdmin();
  assert.ok(await session.page.$('nav.main-nav a[data-page="admin"]'), 'the menu links the admin page');
  await session.page.screenshot({ path: path.join(SCREENSHOTS, 'admin.png'), fullPage: true });
});

test('a new forgotten threshold changes the count on the Forgotten deals page', async () => {
  const count = async (days) => (await session.api.report({ metric: 'forgotten_count', period: PERIOD, filters: {}, forgotten_days: days })).total;
  const me = await session.api.get('/me');
  const before = await count(me.workspace.forgotten_days);
  // A threshold whose count differs from today's (the demo's open deals are touched at many ages).
  let threshold = null;
  for (const days of [3, 7, 30, 60, 120, 1]) {
    if (days !== me.workspace.forgotten_days && (await count(days)) !== before) {
      threshold = days;
      break;
    }
  }
  assert.notEqual(threshold, null, 'some threshold changes the count');
  const expected = await count(threshold);

  await openAdmin();
  await session.page.fill('form.admin-settings input[name="forgotten_days"]', String(threshold));
  await session.page.click('form.admin-settings button[name="save-settings"]');
  // The page says how the save went once the dashboard has the new settings too.
  await session.page.locator('.toast').first().waitFor({ timeout: 30000 });
  assert.equal((await session.api.get('/settings')).forgotten_days, threshold);
  assert.equal((await session.api.get('/me')).workspace.forgotten_days, threshold);

  await session.page.goto(`${BASE_URL}/#/forgotten`);
  await waitForPage(session.page, 'forgotten');
  assert.equal(await session.page.inputValue('input[name="forgotten_days"]'), String(threshold));
  await session.page.waitForFunction(
    (value) => document.querySelector('.kpi[data-metric="forgotten_count"]')?.dataset.value === value,
    String(expected),
    { timeout: 30000 },
  );
  assert.notEqual(String(expected), String(before), `the count moved from ${before} to ${expected}`);
});

test('an admin gives a CRM user an account, and that person logs in', async () => {
  const users = await session.api.get('/crm-users');
  const user = users.find((u) => u.account === null && u.active);
  assert.ok(user, 'the demo has a CRM user without an account');
  const login = `e2e-${user.id}`.replace(/[^A-Za-z0-9._@-]/g, '-');
  const password = 'e2e-password-1';

  await openAdmin();
  const row = `tr[data-crm-user="${user.id}"]`;
  await session.page.fill(`${row} input[name="login.${user.id}"]`, login);
  await session.page.fill(`${row} input[name="password.${user.id}"]`, password);
  await session.page.click(`${row} button[name="invite"]`);
  await session.page.waitForSelector(`tr[data-account="${login}"]`, { timeout: 30000 });
  const accounts = await session.api.get('/accounts');
  const account = accounts.find((a) => a.login === login);
  assert.equal(account.crm_user_id, user.id);
  assert.equal(account.role, user.default_role);

  const other = await openBrowser();
  try {
    await logIn(other.page, { login, password });
    // Not an admin: no admin page in the menu.
    assert.equal(await other.page.$('nav.main-nav a[data-page="admin"]'), null);
    assert.deepEqual(other.problems, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(session.browser.problems, []);
});

test('an admin renames the workspace and changes its time zone; a bad zone is named', async () => {
  const { page, api } = session;
  const original = (await api.get('/me')).workspace;
  try {
    await openAdmin();
    await page.fill('form.admin-settings input[name="workspace.time_zone"]', 'Mars/Olympus');
    await page.click('form.admin-settings button[name="save-settings"]');
    const toast = page.locator('.toast', { hasText: 'workspace.time_zone' });
    await toast.waitFor({ timeout: 30000 });
    assert.match(await toast.textContent(), /Mars\/Olympus/);
    assert.equal((await api.get('/me')).workspace.time_zone, original.time_zone, 'nothing changed');
    // The browser logs the refused PUT as a failed resource; that one is expected here.
    const refused = session.browser.problems.findIndex((p) => p.includes('400') && p.includes('/api/v1/settings'));
    if (refused >= 0) session.browser.problems.splice(refused, 1);

    await openAdmin();
    await page.fill('form.admin-settings input[name="workspace.name"]', 'ООО Тест e2e');
    await page.fill('form.admin-settings input[name="workspace.time_zone"]', 'Asia/Yekaterinburg');
    await page.selectOption('form.admin-settings select[name="workspace.locale"]', 'pl');
    await page.click('form.admin-settings button[name="save-settings"]');
    for (let i = 0; i < 300 && (await api.get('/me')).workspace.name !== 'ООО Тест e2e'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const workspace = (await api.get('/me')).workspace;
    assert.equal(workspace.name, 'ООО Тест e2e');
    assert.equal(workspace.time_zone, 'Asia/Yekaterinburg');
    assert.equal(workspace.locale, 'pl');
    // The form is drawn again from the stored settings.
    await openAdmin();
    assert.equal(await page.inputValue('form.admin-settings input[name="workspace.time_zone"]'), 'Asia/Yekaterinburg');
  } finally {
    const { name, time_zone, locale } = original;
    await api.put('/settings', { workspace: { name, time_zone, locale } });
  }
  assert.deepEqual(session.browser.problems, []);
});
