// Goals set from the goals page in a real browser against the demo server of scripts/e2e.sh:
// an admin sets a company goal for this month, sees its progress equal what the goal_progress
// report says, changes its target, and withdraws it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE_URL, loggedInBrowser, waitForPage, workspaceMonth } from './browser.mjs';

const session = loggedInBrowser({
  // Leave no goal of this test behind for the other tests.
  cleanUp: async (api) => {
    for (const goal of await api.get('/goals')) {
      if (goal.scope === 'workspace' && goal.metric === 'created_count') await api.del(`/goals/${goal.id}`);
    }
  },
});

const thisMonth = () => workspaceMonth();

async function companyGoal() {
  return (await session.api.get('/goals')).find((goal) => goal.scope === 'workspace' && goal.metric === 'created_count');
}

// Waits (bounded) until `check` answers true.
async function eventually(check, what) {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`never happened: ${what}`);
}

test('an admin sets, changes and withdraws a goal on the goals page', async () => {
  const { page } = session;
  await page.goto(`${BASE_URL}/#/goals`);
  await waitForPage(page, 'goals');
  const widget = page.locator('[data-widget="goals"]');
  await widget.locator('button[name="new-goal"]').click();
  const form = widget.locator('form.goal-form');
  await form.locator('select[name="scope"]').selectOption('workspace');
  await form.locator('select[name="metric"]').selectOption('created_count');
  await form.locator('input[name="period"]').fill(thisMonth());
  await form.locator('input[name="target"]').fill('4000');
  await form.locator('button[name="save-goal"]').click();
  await eventually(async () => (await companyGoal()) !== undefined, 'the goal is stored');
  const goal = await companyGoal();
  assert.equal(goal.target, 4000);
  assert.equal(goal.period, thisMonth());

  // The row shows the goal_progress report's numbers for it: created this month of 4000.
  const progress = (await session.api.report({ metric: 'goal_progress', period: { preset: 'this_month' }, filters: {} })).rows.find(
    (row) => row.group.goal === goal.id,
  );
  assert.ok(progress, 'goal_progress has a row for the new goal');
  const created = (await session.api.report({ metric: 'created_count', period: { preset: 'this_month' }, filters: {} })).total;
  assert.equal(progress.value, created);
  const actions = widget.locator(`.goal-actions[data-goal="${goal.id}"]`);
  await actions.waitFor({ timeout: 30000 });

  // A new target through the row's Edit.
  await actions.locator('button[name="edit-goal"]').click();
  await form.locator('input[name="target"]').fill('5000');
  await form.locator('button[name="save-goal"]').click();
  await eventually(async () => (await companyGoal())?.target === 5000, 'the target is changed');

  // Withdrawn through the row's Withdraw (the confirmation accepted).
  page.once('dialog', (dialog) => dialog.accept());
  await actions.locator('button[name="delete-goal"]').click();
  await eventually(async () => (await companyGoal()) === undefined, 'the goal is withdrawn');
  assert.deepEqual(session.browser.problems, []);
});
