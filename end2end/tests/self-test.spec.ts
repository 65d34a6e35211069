// The self-test page: an administrator switches the sandbox on (a banner then shows on every page),
// runs Orange's side of the contract against this installation in asynchronous mode, watches it
// pass step by step with the events the sandbox received, opens a step to read its request and
// answer, and switches the sandbox off again. Runs hydrated and with JavaScript off (plain form
// posts, the page refreshing itself while the run goes on); support staff do not get the page.
import type { Locator, Page } from '@playwright/test';
import { ADMIN, SUPPORT, expect, expectFormPostsTo, makeOrangeAsync, saveDocScreenshot, saveScreenshot, sql, test, urlIs } from './fixtures';

const PAGE = '/settings/self-test';

function formWithButton(page: Page, name: string): Locator {
  return page.locator('form').filter({ has: page.getByRole('button', { name, exact: true }) });
}

test.describe('self-test', () => {
  // The next tests find the defaults: every operation synchronous, and (should a test stop half-way)
  // the sandbox off with the delivery settings it put aside back in place.
  test.afterEach(() => {
    sql("DELETE FROM settings WHERE key = 'orange_api'");
    sql(
      "UPDATE settings SET value = (SELECT COALESCE(json(json_extract(value, '$.saved')), '{}') FROM settings WHERE key = 'delivery_sandbox') " +
        "WHERE key = 'orange_delivery' AND EXISTS (SELECT 1 FROM settings WHERE key = 'delivery_sandbox' AND json_extract(value, '$.on') = 1)",
    );
    sql("DELETE FROM settings WHERE key = 'delivery_sandbox'");
  });

  test('admin runs the self-test in the sandbox and it passes', async ({ app, page }, testInfo) => {
    // The run waits for its events; a few minutes at most.
    test.setTimeout(300_000);
    await app.signIn(ADMIN);
    await makeOrangeAsync(app, page);

    await app.visit(PAGE);
    await expect(page.getByRole('heading', { level: 1, name: 'Self-test', exact: true })).toBeVisible();
    const sandbox = page.getByTestId('sandbox');
    await expect(sandbox.getByTestId('sandbox-state')).toContainText('Sandbox off:');

    // Asynchronous operations need the sandbox: the page says so instead of running.
    const run = formWithButton(page, 'Run the self-test');
    await expectFormPostsTo(run, '/console/self-test/run');
    await run.getByRole('button', { name: 'Run the self-test', exact: true }).click();
    await expect(app.alert('switch the sandbox on first')).toBeVisible();
    await app.settle();

    const on = formWithButton(page, 'Switch the sandbox on');
    await expectFormPostsTo(on, '/console/self-test/sandbox/on');
    await on.getByLabel('I understand: no event reaches Orange').check();
    await on.getByRole('button', { name: 'Switch the sandbox on', exact: true }).click();
    await expect(app.status('Sandbox on: events now go to the built-in sink')).toBeVisible();
    await expect(page).toHaveURL(urlIs(PAGE));
    await app.settle();
    await expect(page.getByTestId('sandbox-banner')).toContainText('Sandbox on: events go to the built-in sink, not to Orange.');

    await formWithButton(page, 'Run the self-test').getByRole('button', { name: 'Run the self-test', exact: true }).click();
    await expect(app.status('The self-test started')).toBeVisible();
    // The page refreshes itself while the run goes on, with JavaScript or without.
    const state = page.getByTestId('self-test-state');
    await expect(state).toHaveAttribute('data-state', /running|passed/);
    await expect(state).toHaveAttribute('data-state', 'passed', { timeout: 240_000 });
    await app.settle();
    await expect(state).toHaveText('Passed');
    await expect(page.getByTestId('self-test-counts')).toContainText(/\d+ steps: \d+ passed, 0 failed/);

    // The events the sandbox received, retries included.
    const events = page.getByTestId('sandbox-events');
    await expect(events.getByRole('cell', { name: 'productOrderStateChangeEvent' }).first()).toBeVisible();
    await expect(events.getByRole('cell', { name: '503', exact: true }).first()).toBeVisible();
    await saveDocScreenshot(page, testInfo, 'self-test');

    // Every step is listed; one opens on its request and answer.
    const steps = page.getByTestId('self-test-steps').locator('li');
    expect(await steps.count()).toBeGreaterThan(60);
    await expect(page.getByTestId('self-test-steps').locator('li[data-passed="false"]')).toHaveCount(0);
    const ordered = steps.filter({ hasText: 'licence order, new fleet' }).first();
    await ordered.locator('summary').click();
    await expect(ordered.locator('pre').first()).toContainText('POST /orange/v2/productOrder');
    await expect(ordered.locator('pre').nth(1)).toContainText('"state": "acknowledged"');
    await saveScreenshot(page, testInfo, 'self-test');

    // Off again: the banner goes.
    const off = formWithButton(page, 'Switch the sandbox off');
    await expectFormPostsTo(off, '/console/self-test/sandbox/off');
    await off.getByRole('button', { name: 'Switch the sandbox off', exact: true }).click();
    await expect(app.status('Sandbox off: the delivery settings in use before are back')).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('sandbox-banner')).toHaveCount(0);
    await expect(sandbox.getByTestId('sandbox-state')).toContainText('Sandbox off:');
  });

  test('support staff do not get the self-test page', async ({ app, page }) => {
    await app.signIn(SUPPORT);
    await expect(page.getByRole('link', { name: 'Self-test', exact: true })).toHaveCount(0);
    const response = await page.goto(PAGE);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('button', { name: 'Run the self-test' })).toHaveCount(0);
  });
});
