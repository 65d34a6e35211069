// The provisioning settings page: the webhook to the partner's product (URL, timeout, whether the
// product calls back), its signing secret shown once when generated, the callback address, and
// that only administrators see it. Runs hydrated and with JavaScript off (plain form posts); both
// projects share one server, so nothing here assumes the page is still unconfigured.
import type { Locator, Page } from '@playwright/test';
import { ADMIN, expect, expectFormPostsTo, field, saveScreenshot, SUPPORT, test, unique, urlIs } from './fixtures';

const PAGE = '/settings/provisioning';

function formWithButton(page: Page, name: string): Locator {
  return page.locator('form').filter({ has: page.getByRole('button', { name, exact: true }) });
}

function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1, name: 'Provisioning settings', exact: true });
}

test.describe('provisioning settings', () => {
  test('admin sets the webhook, then sees a new signing secret once', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await page.getByRole('link', { name: 'Provisioning settings', exact: true }).click();
    await expect(page).toHaveURL(urlIs(PAGE));
    await expect(heading(page)).toBeVisible();
    await app.settle();
    const port = process.env.FLEETDESK_E2E_PORT ?? '3210';
    await expect(page.getByTestId('callback-base')).toHaveText(`http://127.0.0.1:${port}/provisioning/v1`);

    // A URL that is not https is refused, with the reason.
    const settings = formWithButton(page, 'Save provisioning settings');
    await expectFormPostsTo(settings, '/console/settings/provisioning');
    await field(settings, 'Webhook URL').fill('http://product.example/hook');
    await settings.getByRole('button', { name: 'Save provisioning settings', exact: true }).click();
    await expect(app.alert('The provisioning settings were not saved')).toContainText(
      'The webhook URL must start with https://',
    );
    await expect(page).toHaveURL(urlIs(PAGE));
    await app.settle();

    const url = `https://product.example/${unique(testInfo)}`;
    const again = formWithButton(page, 'Save provisioning settings');
    await field(again, 'Webhook URL').fill(url);
    await field(again, 'Request timeout (seconds)').fill('12');
    await again.getByLabel('When the product calls back').check();
    await again.getByRole('button', { name: 'Save provisioning settings', exact: true }).click();
    await expect(app.status('Provisioning settings saved.')).toBeVisible();
    await app.settle();
    await expect(field(formWithButton(page, 'Save provisioning settings'), 'Webhook URL')).toHaveValue(url);
    await expect(field(formWithButton(page, 'Save provisioning settings'), 'Request timeout (seconds)')).toHaveValue(
      '12',
    );
    await expect(page.getByLabel('When the product calls back')).toBeChecked();

    // A new secret, the old one (if any) stopping at once: shown in the answer, with a warning.
    const rotate = formWithButton(page, 'Generate a new signing secret');
    await expectFormPostsTo(rotate, PAGE);
    await expect(field(rotate, 'Overlap (minutes)')).toHaveValue('1440');
    await field(rotate, 'Overlap (minutes)').fill('0');
    await rotate.getByRole('button', { name: 'Generate a new signing secret', exact: true }).click();
    await expect(app.status('A new signing secret was generated.')).toBeVisible();
    await app.settle();
    const panel = page.getByTestId('generated-secret');
    await expect(panel).toContainText('it is shown only this once');
    const secret = ((await page.getByTestId('generated-secret-value').textContent()) ?? '').trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await expect(page.getByTestId('provisioning-state')).toContainText('Configured.');
    await expect(page.getByTestId('webhook-secret-state')).toHaveText('(set)');
    await expect(page.getByTestId('previous-until')).toHaveCount(0);

    // Shown once: a new load of the page no longer has it.
    await app.visit(PAGE);
    await expect(heading(page)).toBeVisible();
    await expect(page.getByTestId('generated-secret')).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);

    // With an overlap, the page says until when the previous secret still signs.
    const overlap = formWithButton(page, 'Generate a new signing secret');
    await overlap.getByRole('button', { name: 'Generate a new signing secret', exact: true }).click();
    await expect(app.status('A new signing secret was generated.')).toBeVisible();
    await app.settle();
    const newer = ((await page.getByTestId('generated-secret-value').textContent()) ?? '').trim();
    expect(newer).not.toBe(secret);
    await expect(page.getByTestId('previous-until')).toContainText('The previous secret still signs');
    await saveScreenshot(page, testInfo, 'provisioning-settings');
  });

  test('a support user neither sees nor opens the provisioning settings', async ({ app, page }) => {
    await app.signIn(SUPPORT);
    await expect(page.getByRole('link', { name: 'Provisioning settings', exact: true })).toHaveCount(0);
    const response = await app.visit(PAGE);
    expect(response?.status()).toBe(403);
    await expect(page.getByText('You do not have permission to see this page.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save provisioning settings' })).toHaveCount(0);
  });
});
