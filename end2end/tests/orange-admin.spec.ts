// The console pages that administer the Orange API: credentials (secret shown once), the
// offering catalogue and its CSV import, the API settings, the raw exchanges and the API
// reference, and what a support user may not do. Every spec runs hydrated and with JavaScript off.
import type { Locator, Page, TestInfo } from '@playwright/test';
import { ADMIN, expect, expectFormPostsTo, field, saveScreenshot, SUPPORT, test, urlIs } from './fixtures';

/** Unique per project and run, in upper case: offer codes and labels nobody else uses. */
function unique(prefix: string, testInfo: TestInfo): string {
  const project = testInfo.project.name.replace(/[^a-z0-9]/gi, '').toUpperCase();
  return `${prefix}-${project}-${Date.now().toString(36).toUpperCase()}`;
}

function formWithButton(page: Page, name: string): Locator {
  return page.locator('form').filter({ has: page.getByRole('button', { name, exact: true }) });
}

function rowWith(page: Page, text: string): Locator {
  return page.getByRole('row').filter({ hasText: text });
}

function heading(page: Page, name: string | RegExp): Locator {
  return page.getByRole('heading', { level: 1, name });
}

const CSV_HEADER = 'offer_code,name,resource_type,resource_scope,login_format\n';

test.describe('Orange API administration', () => {
  test('admin issues a credential, sees its secret once, then revokes it', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await page.getByRole('link', { name: 'Credentials', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/settings/credentials'));
    await expect(heading(page, 'API credentials')).toBeVisible();
    await app.settle();

    const label = unique('E2E', testInfo);
    const form = formWithButton(page, 'Issue credential');
    await expectFormPostsTo(form, '/settings/credentials');
    await field(form, 'Label').fill(label);
    await form.getByRole('button', { name: 'Issue credential', exact: true }).click();
    await expect(app.status(`Credential “${label}” issued.`)).toBeVisible();
    await app.settle();

    const panel = page.getByTestId('issued-credential');
    await expect(panel).toBeVisible();
    const secret = ((await page.getByTestId('issued-secret').textContent()) ?? '').trim();
    const clientId = ((await page.getByTestId('issued-client-id').textContent()) ?? '').trim();
    expect(secret.length, 'a secret of 32 random bytes').toBeGreaterThanOrEqual(43);
    await expect(page.getByTestId('issued-bearer')).toHaveText(`Authorization: Bearer ${secret}`);
    const basic = Buffer.from(`${clientId}:${secret}`).toString('base64');
    await expect(page.getByTestId('issued-basic')).toHaveText(`Authorization: Basic ${basic}`);
    await saveScreenshot(page, testInfo, 'credential-issued');

    // Shown once: a new load of the page no longer has it.
    await app.visit('/settings/credentials');
    await expect(page.getByTestId('issued-credential')).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);
    const row = rowWith(page, label);
    await expect(row).toContainText(clientId);
    await expect(row).toContainText('active');

    // Revoking asks for a ticked confirmation.
    await row.getByLabel('I understand').check();
    await row.getByRole('button', { name: `Revoke ${label}`, exact: true }).click();
    await expect(app.status(`Credential “${label}” revoked.`)).toBeVisible();
    await app.settle();
    await expect(rowWith(page, label)).toContainText('revoked');
    await expect(rowWith(page, label).getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
    await saveScreenshot(page, testInfo, 'credentials');
  });

  test('admin adds, edits and retires an offering', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await page.getByRole('link', { name: 'Offerings', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/offerings'));
    await expect(heading(page, 'Offerings')).toBeVisible();
    await app.settle();

    const code = unique('OFFER', testInfo);
    const add = formWithButton(page, 'Add offering');
    await expectFormPostsTo(add, '/console/offerings');
    await field(add, 'Offer code').fill(code);
    await field(add, 'Name').fill('E2E offer');
    await field(add, 'Realizing resource').selectOption('msisdn');
    await field(add, 'Resource scope').selectOption('per_licence');
    await add.getByRole('button', { name: 'Add offering', exact: true }).click();
    await expect(app.status(`Offering ${code} added.`)).toBeVisible();
    await app.settle();
    let row = rowWith(page, code);
    await expect(row).toContainText('E2E offer');
    await expect(row).toContainText('{customer}-{seq:4}');
    await expect(row).toContainText('active');

    await row.getByRole('link', { name: `Edit ${code}`, exact: true }).click();
    await expect(heading(page, `Edit offering ${code}`)).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname.startsWith('/offerings/off_'));
    await app.settle();
    const edit = formWithButton(page, 'Save changes');
    await expect(field(edit, 'Name')).toHaveValue('E2E offer');
    await field(edit, 'Name').fill('E2E offer renamed');
    await field(edit, 'Realizing resource').selectOption('email');
    await field(edit, 'Resource scope').selectOption('per_customer');
    await field(edit, 'Login format').fill('{customer}.{seq:3}');
    await edit.getByRole('button', { name: 'Save changes', exact: true }).click();
    await expect(app.status(`Offering ${code} saved.`)).toBeVisible();
    await expect(page).toHaveURL(urlIs('/offerings'));
    await app.settle();
    row = rowWith(page, code);
    await expect(row).toContainText('E2E offer renamed');
    await expect(row).toContainText('email');
    await expect(row).toContainText('per customer');
    await expect(row).toContainText('{customer}.{seq:3}');

    await row.getByRole('button', { name: `Retire ${code}`, exact: true }).click();
    await expect(app.status(`Offering ${code} retired.`)).toBeVisible();
    await app.settle();
    row = rowWith(page, code);
    await expect(row).toContainText('retired');
    await expect(row.getByRole('button', { name: `Bring back ${code}`, exact: true })).toBeVisible();
    await saveScreenshot(page, testInfo, 'offerings');
  });

  test('admin imports a CSV catalogue: a wrong line imports nothing, a good file does', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await app.visit('/offerings');
    const good = unique('IMP-A', testInfo);
    const other = unique('IMP-B', testInfo);

    const form = formWithButton(page, 'Import CSV');
    await expectFormPostsTo(form, '/console/offerings/import');
    await expect(form).toHaveAttribute('enctype', 'multipart/form-data');
    await expect(page.getByText('resource_scope', { exact: true })).toBeVisible();

    const bad = `${CSV_HEADER}${good},Imported,imei,per_licence,\n${other},Broken,fax,per_licence,\n`;
    await field(form, 'CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await form.getByRole('button', { name: 'Import CSV', exact: true }).click();
    await expect(app.alert('Nothing was imported: 1 line of the file is wrong.')).toBeVisible();
    await expect(app.alert('Line 3: the realizing resource type must be one of')).toBeVisible();
    await expect(page).toHaveURL(urlIs('/offerings'));
    await app.settle();
    await expect(rowWith(page, good)).toHaveCount(0);

    const fine = `${CSV_HEADER}${good},Imported,imei,per_licence,\n${other},Shared docs,url,per_customer,{customer}-{seq}\n`;
    const again = formWithButton(page, 'Import CSV');
    await field(again, 'CSV file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(fine) });
    await again.getByRole('button', { name: 'Import CSV', exact: true }).click();
    await expect(app.status('Catalogue imported: 2 created, 0 updated.')).toBeVisible();
    await expect(app.status(`Created: ${good}, ${other}`)).toBeVisible();
    await app.settle();
    await expect(rowWith(page, good)).toContainText('imei');
    await expect(rowWith(page, other)).toContainText('per customer');
    await saveScreenshot(page, testInfo, 'offerings-import');
  });

  test('admin changes the answer modes, the fleet policy and the retention', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await page.getByRole('link', { name: 'Orange settings', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/settings/orange'));
    await expect(heading(page, 'Orange API settings')).toBeVisible();
    await app.settle();

    let form = formWithButton(page, 'Save settings');
    await expectFormPostsTo(form, '/console/settings/orange');
    await field(form, 'Licence order').selectOption('async');
    await field(form, 'Deletion').selectOption('async');
    await form.getByRole('radio', { name: /^Per order/ }).check();
    await field(form, 'Raw Orange exchanges').fill('45');
    await field(form, 'Delivery attempts').fill('60');
    await field(form, 'Audit details').fill('400');
    await form.getByRole('button', { name: 'Save settings', exact: true }).click();
    await expect(app.status('Orange API settings saved.')).toBeVisible();
    await app.settle();

    form = formWithButton(page, 'Save settings');
    await expect(field(form, 'Licence order')).toHaveValue('async');
    await expect(field(form, 'Deletion')).toHaveValue('async');
    await expect(field(form, 'Customer creation')).toHaveValue('sync');
    await expect(form.getByRole('radio', { name: /^Per order/ })).toBeChecked();
    await expect(field(form, 'Raw Orange exchanges')).toHaveValue('45');
    await expect(field(form, 'Delivery attempts')).toHaveValue('60');
    await expect(field(form, 'Audit details')).toHaveValue('400');
    // The background purge runs at start: the page says what it last removed.
    await expect(page.getByTestId('last-purge')).toContainText('Last purge');
    await saveScreenshot(page, testInfo, 'orange-settings');

    // Back to the defaults, so that the next project starts from them too.
    await field(form, 'Licence order').selectOption('sync');
    await field(form, 'Deletion').selectOption('sync');
    await form.getByRole('radio', { name: /^Per customer/ }).check();
    await field(form, 'Raw Orange exchanges').fill('30');
    await field(form, 'Delivery attempts').fill('90');
    await field(form, 'Audit details').fill('365');
    await form.getByRole('button', { name: 'Save settings', exact: true }).click();
    await expect(app.status('Orange API settings saved.')).toBeVisible();
    await app.settle();
    await expect(formWithButton(page, 'Save settings').getByRole('radio', { name: /^Per customer/ })).toBeChecked();
  });

  test('admin reads the exchanges and the API reference', async ({ app, page }, testInfo) => {
    // An Orange call without a credential: refused, and recorded like every call.
    const orderId = `ord_e2e_${unique('X', testInfo).toLowerCase().replace(/-/g, '_')}`;
    const call = await page.request.get(`/orange/v2/productOrder/${orderId}`, {
      headers: { Authorization: 'Bearer not-a-real-secret' },
    });
    expect(call.status()).toBe(401);

    await app.signIn(ADMIN);
    await page.getByRole('link', { name: 'Exchanges', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/exchanges'));
    await expect(heading(page, 'Orange exchanges')).toBeVisible();
    await app.settle();
    const row = rowWith(page, orderId);
    await expect(row).toContainText('GET');
    await expect(row).toContainText('401');
    await saveScreenshot(page, testInfo, 'exchanges');

    await row.getByRole('link').first().click();
    await expect(heading(page, `GET /orange/v2/productOrder/${orderId}`)).toBeVisible();
    await expect(page).toHaveURL((url) => url.pathname.startsWith('/exchanges/xch_'));
    await app.settle();
    // Refused before anything was read: kept as its request line, status and source only, never
    // its headers or body (so never the secret it presented).
    await expect(page.getByTestId('request-headers')).toContainText('peer-address: 127.0.0.1');
    await expect(page.getByTestId('request-headers')).not.toContainText('authorization');
    await expect(page.getByRole('main')).not.toContainText('not-a-real-secret');
    await expect(page.getByTestId('request-body')).toHaveText('(empty)');
    await saveScreenshot(page, testInfo, 'exchange');

    await app.visit('/exchanges');
    const filter = page.getByRole('main').getByRole('search');
    await expect(filter).toHaveAttribute('method', 'get');
    await field(filter, 'Object id').fill('ord_nothing');
    await field(filter, 'Errors only').check();
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/exchanges', { object_id: 'ord_nothing', errors: '1' }));
    await expect(page.getByText('No exchange matches these filters.')).toBeVisible();
    await app.settle();
    await expect(field(page.getByRole('main').getByRole('search'), 'Errors only')).toBeChecked();
    await expect(field(page.getByRole('main').getByRole('search'), 'Object id')).toHaveValue('ord_nothing');
    await page.getByRole('link', { name: 'Clear', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/exchanges'));
    await expect(rowWith(page, orderId)).toBeVisible();
    await app.settle();

    await page.getByRole('link', { name: 'API reference', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/reference'));
    await expect(heading(page, 'API reference')).toBeVisible();
    await app.settle();
    const download = page.getByRole('link', { name: 'Download the OpenAPI document (JSON)' });
    await expect(download).toHaveAttribute('href', '/reference/openapi.json');
    const raw = await page.request.get('/reference/openapi.json');
    expect(raw.status()).toBe(200);
    const document = await raw.json();
    expect(document.openapi).toMatch(/^3\./);
    const paths = Object.keys(document.paths ?? {});
    if (paths.length === 0) {
      await expect(page.getByText('No operations documented.')).toBeVisible();
    } else {
      for (const path of paths) {
        await expect(page.locator('.operation-title code', { hasText: path }).first()).toBeVisible();
      }
    }
    await saveScreenshot(page, testInfo, 'reference');
  });

  test('support reads the catalogue and the exchanges but no admin page or form', async ({ app, page }) => {
    await app.signIn(SUPPORT);
    for (const name of ['Offerings', 'Exchanges']) {
      await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
    }
    for (const name of ['Credentials', 'Orange settings', 'API reference']) {
      await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
    }

    const offerings = await app.visit('/offerings');
    expect(offerings?.status()).toBe(200);
    await expect(heading(page, 'Offerings')).toBeVisible();
    await expect(formWithButton(page, 'Add offering')).toHaveCount(0);
    await expect(formWithButton(page, 'Import CSV')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^(Retire|Bring back) / })).toHaveCount(0);
    await expect(page.getByRole('link', { name: /^Edit / })).toHaveCount(0);

    const exchanges = await app.visit('/exchanges');
    expect(exchanges?.status()).toBe(200);
    await expect(heading(page, 'Orange exchanges')).toBeVisible();

    for (const path of ['/settings/orange', '/settings/credentials', '/reference']) {
      const response = await app.visit(path);
      expect(response?.status(), `HTTP status of ${path} for support`).toBe(403);
      await expect(app.alert('You do not have permission')).toBeVisible();
      await expect(page.locator('form[action^="/console/"]')).toHaveCount(0);
    }
  });
});
