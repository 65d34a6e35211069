// Licences: the filtered list, one licence, and the partner's own changes (assign the end user,
// replace the placeholder MSISDN, renew the login, remove the end user), an end user's personal
// data exported then erased by an administrator, what support may not do, and the pages in French. Every spec runs hydrated and with JavaScript off.
//
// Licences are made the way Orange makes them: a customer, then an order of OFFER-PRO-M licences
// (an MSISDN placeholder each), through the Orange API in synchronous mode.
import type { Locator, Page, TestInfo } from '@playwright/test';
import { ADMIN, expect, expectFormPostsTo, field, orange, saveDocScreenshot, saveScreenshot, SUPPORT, test, unique, urlIs } from './fixtures';

interface Seeded {
  customerId: string;
  licences: string[];
}

/** A customer of its own with three OFFER-PRO-M licences. */
async function seed(testInfo: TestInfo): Promise<Seeded> {
  const tag = unique(testInfo);
  const created = await orange('POST', '/productOrder', {
    externalReference: { type: 'orange', id: `LIC-C-${tag}` },
    customer: { externalReference: { type: 'orange', id: `CUS-${tag}` }, name: `Licences ${tag}` },
  });
  expect(created.status(), 'customer created').toBe(201);
  const customerId: string = (await created.json()).customer.id;
  const ordered = await orange('POST', '/productOrder', {
    externalReference: { type: 'orange', id: `LIC-O-${tag}` },
    customer: { id: customerId },
    orderItem: [
      {
        id: '1',
        action: 'add',
        productOffering: { externalReference: { type: 'orange', id: 'OFFER-PRO-M' } },
        productRef: { userServiceQuantity: 3 },
      },
    ],
  });
  expect(ordered.status(), 'licences ordered').toBe(201);
  const order = await ordered.json();
  const licences: string[] = order.orderItem[0].productRef.userService.map((l: { id: string }) => l.id);
  expect(licences).toHaveLength(3);
  return { customerId, licences };
}

function formWithButton(page: Page, name: string | RegExp): Locator {
  return page.locator('form').filter({ has: page.getByRole('button', { name, exact: true }) });
}

test.describe('licences', () => {
  test('an operator filters the list, opens a licence and changes it', async ({ app, page }, testInfo) => {
    // Five page loads and four form posts: hydrated, this takes most of the default 30 s.
    test.slow();
    const seeded = await seed(testInfo);
    await app.signIn(ADMIN);

    await app.visit('/licences');
    await expect(page.getByRole('heading', { level: 1, name: 'Licences' })).toBeVisible();
    const filter = page.getByRole('main').getByRole('search');
    await expect(filter).toHaveAttribute('method', 'get');
    await expect(filter).toHaveAttribute('action', '/licences');
    await field(filter, 'Customer id').fill(seeded.customerId);
    await field(filter, 'Offering').selectOption('OFFER-PRO-M');
    await field(filter, 'Resources').selectOption('placeholder');
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/licences', { customer: seeded.customerId, offering: 'OFFER-PRO-M' }));
    await app.settle();
    await expect(page.getByTestId('licence-count')).toHaveText('3 licences');
    const rows = page.locator('tbody tr');
    await expect(rows).toHaveCount(3);
    for (const id of seeded.licences) {
      await expect(page.getByTestId(`licence-${id}`)).toContainText('placeholder');
    }
    await saveScreenshot(page, testInfo, 'licences');

    const id = seeded.licences[0];
    await page.getByTestId(`licence-${id}`).getByRole('link').first().click();
    await expect(page).toHaveURL(urlIs(`/licences/${id}`));
    await app.settle();
    const oldLogin = (await page.getByTestId('licence-login').textContent())?.trim() ?? '';
    expect(oldLogin).not.toBe('');
    await expect(page.getByTestId('licence-state')).toHaveText('Active');
    await expect(page.getByTestId('customer-link')).toHaveAttribute('href', `/customers/${seeded.customerId}`);
    await expect(page.getByTestId('fleet-link')).toHaveAttribute('href', /^\/fleets\/flt_/);
    await expect(page.getByTestId('end-user')).toHaveText('No end user yet.');

    // Assign the end user.
    const endUser = page.getByTestId('end-user-form');
    await expectFormPostsTo(endUser, `/console/licences/${id}/end-user`);
    await field(endUser, 'Given name').fill('Claire');
    await field(endUser, 'Family name').fill('Lefebvre');
    await field(endUser, 'E-mail address').fill('claire.lefebvre@example.fr');
    await field(endUser, 'Mobile country code').fill('33');
    await field(endUser, 'Mobile number').fill('612345678');
    await endUser.getByRole('button', { name: 'Assign the end user', exact: true }).click();
    await expect(app.status('End user saved.')).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('end-user')).toContainText('Claire Lefebvre');
    await expect(page.getByTestId('end-user')).toContainText('+33 612345678');

    // An invalid MSISDN is refused; a valid one replaces the placeholder.
    const msisdn = page.getByTestId('resource-msisdn');
    const placeholder = (await msisdn.getByTestId('resource-value').textContent())?.trim() ?? '';
    expect(placeholder).toMatch(/^\+3363998\d{4}$/);
    await expect(msisdn).toContainText('placeholder');
    await expect(msisdn).toContainText('International format: + then 8 to 15 digits');
    const replace = page.getByTestId('replace-msisdn');
    await field(replace, 'New value').fill('0612345678');
    await replace.getByRole('button', { name: 'Replace', exact: true }).click();
    await expect(app.alert('Not a valid MSISDN')).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('resource-msisdn').getByTestId('resource-value')).toHaveText(placeholder);
    await field(page.getByTestId('replace-msisdn'), 'New value').fill('+33 6 11 22 33 44');
    await page.getByTestId('replace-msisdn').getByRole('button', { name: 'Replace', exact: true }).click();
    await expect(app.status('Realizing resource replaced.')).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('resource-msisdn').getByTestId('resource-value')).toHaveText('+33611223344');
    await expect(page.getByTestId('resource-msisdn')).not.toContainText('placeholder');

    // Renew the login, confirmed.
    const renew = page.getByTestId('renew-login');
    await expectFormPostsTo(renew, `/console/licences/${id}/login/renew`);
    await renew.getByLabel(/I understand the login changes/).check();
    await renew.getByRole('button', { name: 'Renew the login', exact: true }).click();
    await expect(app.status(/^New login: /)).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('licence-login')).not.toHaveText(oldLogin);

    // Remove the end user, confirmed.
    const remove = formWithButton(page, 'Remove the end user');
    await expectFormPostsTo(remove, `/console/licences/${id}/end-user/remove`);
    await remove.getByLabel(/I understand the licence will have no end user/).check();
    await remove.getByRole('button', { name: 'Remove the end user', exact: true }).click();
    await expect(app.status('End user removed.')).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('end-user')).toHaveText('No end user yet.');

    const timeline = page.getByTestId('timeline');
    for (const text of ['End user assigned', 'Realizing resource replaced', 'Login renewed', 'End user removed']) {
      await expect(timeline).toContainText(text);
    }
    await expect(timeline.getByText('userServiceAttributeValueChangeEvent')).toHaveCount(4);
    await saveScreenshot(page, testInfo, 'licence');
    await saveDocScreenshot(page, testInfo, 'licence');
  });

  test('an administrator exports, then erases, an end user’s personal data', async ({ app, page }, testInfo) => {
    test.slow();
    const seeded = await seed(testInfo);
    const id = seeded.licences[2];
    await app.signIn(ADMIN);
    await app.visit(`/licences/${id}`);
    await expect(page.getByTestId('personal-data'), 'nothing personal without an end user').toHaveCount(0);

    const endUser = page.getByTestId('end-user-form');
    await field(endUser, 'Given name').fill('Zéphyrine');
    await field(endUser, 'Family name').fill('Quatremare');
    await field(endUser, 'E-mail address').fill('zephyrine.quatremare@example.invalid');
    await field(endUser, 'Mobile country code').fill('33');
    await field(endUser, 'Mobile number').fill('639981234');
    await endUser.getByRole('button', { name: 'Assign the end user', exact: true }).click();
    await expect(app.status('End user saved.')).toBeVisible();
    await app.settle();

    // Export: everything held about the person, as a JSON download.
    const panel = page.getByTestId('personal-data');
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('link', { name: 'Export as JSON', exact: true })).toHaveAttribute(
      'href',
      `/console/licences/${id}/personal-data`,
    );
    const exported = await page.request.get(`/console/licences/${id}/personal-data`);
    expect(exported.status()).toBe(200);
    expect(exported.headers()['content-disposition']).toContain('attachment');
    expect(exported.headers()['cache-control']).toBe('no-store');
    const document = await exported.json();
    expect(document.endUser.email).toBe('zephyrine.quatremare@example.invalid');
    expect(document.licence.id).toBe(id);
    await saveScreenshot(page, testInfo, 'personal-data');

    // Erase, once confirmed.
    const erase = formWithButton(page, 'Erase the personal data');
    await expectFormPostsTo(erase, `/console/licences/${id}/personal-data/erase`);
    await erase.getByLabel(/I understand the end user's details are erased/).check();
    await erase.getByRole('button', { name: 'Erase the personal data', exact: true }).click();
    await expect(app.status(/Personal data erased/)).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('end-user')).toHaveText('No end user yet.');
    await expect(page.getByTestId('personal-data')).toHaveCount(0);
    await expect(page.getByRole('main')).not.toContainText('Quatremare');
    await expect(page.getByRole('main')).not.toContainText('zephyrine.quatremare');
    expect((await page.request.get(`/console/licences/${id}/personal-data`)).status()).toBe(404);
  });

  test('support sees licences but no action form', async ({ app, page }, testInfo) => {
    const seeded = await seed(testInfo);
    await app.signIn(SUPPORT);
    await app.visit(`/licences?customer=${seeded.customerId}`);
    await expect(page.locator('tbody tr')).toHaveCount(3);
    await app.visit(`/licences/${seeded.licences[1]}`);
    await expect(page.getByTestId('licence-login')).toBeVisible();
    await expect(page.getByTestId('resource-msisdn')).toContainText('placeholder');
    await expect(page.locator('form[action^="/console/licences/"]')).toHaveCount(0);
  });

  test('the licence pages read in French', async ({ app, page }, testInfo) => {
    const seeded = await seed(testInfo);
    await app.signIn(ADMIN);
    await page.context().addCookies([{ name: 'fleetdesk_lang', value: 'fr', url: `http://127.0.0.1:${process.env.FLEETDESK_E2E_PORT ?? '3210'}` }]);

    await app.visit(`/licences?customer=${seeded.customerId}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Licences' })).toBeVisible();
    const filter = page.getByRole('main').getByRole('search');
    await expect(field(filter, 'Identifiant ou e-mail')).toBeVisible();
    await expect(filter.getByRole('button', { name: 'Filtrer', exact: true })).toBeVisible();
    await expect(page.getByTestId('licence-count')).toHaveText('3 licences');
    await expect(page.getByRole('columnheader', { name: 'Utilisateur final' })).toBeVisible();

    await app.visit(`/licences/${seeded.licences[2]}`);
    await expect(page.getByRole('heading', { level: 2, name: 'Utilisateur final' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Ressources de réalisation' })).toBeVisible();
    await expect(page.getByTestId('licence-state')).toHaveText('Active');
    await expect(page.getByTestId('resource-msisdn')).toContainText('provisoire');
    await expect(page.getByTestId('resource-msisdn')).toContainText('Format international');

    const replace = page.getByTestId('replace-msisdn');
    await field(replace, 'Nouvelle valeur').fill('12');
    await replace.getByRole('button', { name: 'Remplacer', exact: true }).click();
    await expect(app.alert('MSISDN non valide')).toBeVisible();
    await app.settle();
    await expect(page.getByRole('link', { name: 'Licences', exact: true })).toBeVisible();
  });
});
