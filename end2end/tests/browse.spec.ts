// Browsing what Orange created: search a customer, open it, its fleet and its order with the raw
// request Orange sent; export the customers as CSV; and the same pages in French. Every spec runs
// hydrated and with JavaScript off. Data is seeded through the Orange API, as Orange does.
import { readFileSync } from 'node:fs';
import type { Page, TestInfo } from '@playwright/test';
import { ADMIN, SUPPORT, expect, orange, saveScreenshot, sql, test, unique, urlIs } from './fixtures';

interface Seeded {
  name: string;
  customerId: string;
  customerRef: string;
  orderId: string;
  orderRef: string;
}

/** A customer with an awkward name and an order of two licences. */
async function seed(testInfo: TestInfo): Promise<Seeded> {
  const u = unique(testInfo);
  const name = `Boulangerie "Au Pain", ${u}`;
  const customerRef = `C-${u}`;
  const created = await orange('POST', '/productOrder', {
    externalReference: { type: 'orange', id: `O-${u}-1` },
    customer: {
      externalReference: { type: 'orange', id: customerRef },
      name,
      legalId: '41234567800019',
      address: { street: '3 place du Marché', postcode: '69002', city: 'Lyon', country: 'FR' },
    },
    relatedContact: [
      { role: 'customerFleetManager', givenName: 'Inès', familyName: 'Martin', email: 'ines.martin@example.fr' },
    ],
  });
  expect(created.status(), 'customer created').toBe(201);
  const customerId = (await created.json()).customer.id as string;
  const orderRef = `O-${u}-2`;
  const ordered = await orange('POST', '/productOrder', {
    externalReference: { type: 'orange', id: orderRef },
    customer: { id: customerId },
    orderItem: [
      {
        id: '1',
        action: 'add',
        productOffering: { name: 'Pro', externalReference: { type: 'orange', id: 'OFFER-PRO-M' } },
        productRef: { userServiceQuantity: 2 },
      },
    ],
  });
  expect(ordered.status(), 'licences ordered').toBe(201);
  const orderId = (await ordered.json()).id as string;
  return { name, customerId, customerRef, orderId, orderRef };
}

function heading(page: Page, name: string | RegExp) {
  return page.getByRole('heading', { level: 1, name });
}

test('search a customer, open it, its fleet and its order with Orange’s raw request', async ({ app, page }, testInfo) => {
  const seeded = await seed(testInfo);
  await app.signIn(ADMIN);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers', exact: true }).click();
  await expect(heading(page, 'Customers')).toBeVisible();
  await app.settle();

  // The page's own search form (the top bar has the global one).
  const main = page.getByRole('main');
  await main.getByLabel('Search', { exact: true }).fill(seeded.customerRef);
  await main.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(urlIs('/customers', { q: seeded.customerRef }));
  const row = page.getByTestId(`customer-${seeded.customerId}`);
  await expect(row).toBeVisible();
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(row.locator('td').nth(3)).toHaveText('1'); // one fleet
  await expect(row.locator('td').nth(4)).toHaveText('2'); // two licences
  await app.settle();
  await saveScreenshot(page, testInfo, 'customers');

  await row.getByRole('link', { name: seeded.name }).click();
  await expect(page).toHaveURL(urlIs(`/customers/${seeded.customerId}`));
  await expect(heading(page, seeded.name)).toBeVisible();
  await expect(page.getByTestId('contacts')).toContainText('Inès Martin');
  await expect(page.getByTestId('orders').getByRole('link', { name: seeded.orderId })).toBeVisible();
  await app.settle();
  await saveScreenshot(page, testInfo, 'customer');

  await page.getByTestId('fleets').locator('a[href^="/fleets/"]').first().click();
  await expect(page).toHaveURL(/\/fleets\/flt_/);
  await expect(page.getByTestId('fleet-total')).toHaveText('2');
  await expect(page.getByTestId('fleet-customer')).toHaveText(seeded.name);
  await expect(page.getByTestId('fleet-licences').locator('a[href^="/licences/"]')).toHaveCount(2);
  await app.settle();
  await saveScreenshot(page, testInfo, 'fleet');

  await page.getByTestId('fleet-customer').click();
  await expect(heading(page, seeded.name)).toBeVisible();
  await app.settle();
  await page.getByTestId('orders').getByRole('link', { name: seeded.orderId }).click();
  await expect(page).toHaveURL(urlIs(`/orders/${seeded.orderId}`));
  await expect(heading(page, seeded.orderId)).toBeVisible();
  await expect(page.getByTestId('raw-request')).toContainText(seeded.orderRef);
  await expect(page.getByTestId('raw-request')).toContainText('"userServiceQuantity": 2');
  await expect(page.getByTestId('raw-response')).toContainText(seeded.orderId);
  await expect(page.getByTestId('licences').locator('a[href^="/licences/"]')).toHaveCount(2);
  await app.settle();
  await saveScreenshot(page, testInfo, 'order');

  await page.getByRole('link', { name: '← Orders' }).click();
  await expect(heading(page, 'Orders')).toBeVisible();
  await expect(page.getByTestId(`order-${seeded.orderId}`)).toBeVisible();
});

test('support exports the searched customers as CSV', async ({ app, page }, testInfo) => {
  const seeded = await seed(testInfo);
  await app.signIn(SUPPORT);
  await app.visit(`/customers?q=${encodeURIComponent(seeded.customerRef)}`);
  const exportLink = page.getByTestId('export-csv');
  const href = await exportLink.getAttribute('href');
  expect(href).toBe(`/console/customers.csv?q=${encodeURIComponent(seeded.customerRef)}`);

  const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync((await download.path()) ?? '', 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toBe('id,orange_reference,name,legal_id,street,postcode,city,country,created_at,fleets,licences');
  expect(lines).toHaveLength(2);
  const escaped = `"${seeded.name.replace(/"/g, '""')}"`;
  expect(lines[1]).toContain(`${seeded.customerId},${seeded.customerRef},${escaped},41234567800019,`);
  expect(lines[1]).toMatch(/,1,2$/);

  // The same address fetched with the signed-in context.
  const response = await page.request.get(href ?? '');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(response.headers()['content-disposition']).toMatch(/^attachment; filename="customers-/);
  expect(await response.text()).toBe(text);
});

test('the browsing pages read in French', async ({ app, page }, testInfo) => {
  const seeded = await seed(testInfo);
  await app.signIn(ADMIN);
  await page.context().addCookies([{ name: 'fleetdesk_lang', value: 'fr', url: `http://127.0.0.1:${process.env.FLEETDESK_E2E_PORT ?? '3210'}` }]);

  await app.visit('/customers');
  await expect(heading(page, 'Clients')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Exporter en CSV' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Principale' }).getByRole('link', { name: 'Commandes' })).toBeVisible();

  await app.visit(`/customers/${seeded.customerId}`);
  await expect(heading(page, seeded.name)).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Parcs' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Dernières commandes' })).toBeVisible();

  await app.visit(`/orders/${seeded.orderId}`);
  await expect(
    page.getByRole('heading', { level: 2, name: 'Demande d’Orange et réponse de Fleetdesk' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Licences créées' })).toBeVisible();

  await app.visit('/orders');
  await expect(heading(page, 'Commandes')).toBeVisible();
  await expect(page.getByTestId('tab-completed')).toHaveText('Terminée');
});

test('support adds a note on a customer; Orange’s task shows on the task pages and, once stuck, support fails it', async ({ app, page }, testInfo) => {
  const tag = unique(testInfo);
  const created = await orange('POST', '/productOrder', {
    externalReference: { type: 'orange', id: `NOTE-ORD-${tag}` },
    customer: { externalReference: { type: 'orange', id: `NOTE-${tag}` }, name: `Noted ${tag} SAS` },
    orderItem: [
      {
        id: '1',
        action: 'add',
        productOffering: { name: 'Basic', externalReference: { type: 'orange', id: 'OFFER-BASIC' } },
        productRef: { userServiceQuantity: 2 },
      },
    ],
  });
  expect(created.status(), await created.text()).toBe(201);
  const order = await created.json();
  const customerId = order.customer.id as string;
  const licences = (order.orderItem[0].productRef.userService as { id: string }[]).map((u) => u.id);
  const task = await orange('POST', '/userServiceTask', {
    externalReference: { type: 'orange', id: `NOTE-TSK-${tag}` },
    action: 'changeState',
    state: 'suspended',
    userService: licences.map((id) => ({ id })),
  });
  expect(task.status(), await task.text()).toBe(201);
  const taskId = (await task.json()).id as string;

  await app.signIn(SUPPORT);
  await app.visit(`/customers/${customerId}`);
  const notes = page.getByTestId('notes');
  await notes.getByLabel('Add a note').fill(`Called the customer about ${tag}: the numbers come on Monday.`);
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(page).toHaveURL(urlIs(`/customers/${customerId}`));
  await expect(page.getByTestId('notes')).toContainText(`Called the customer about ${tag}`);
  await expect(page.getByTestId('notes')).toContainText(SUPPORT.displayName);
  await app.settle();

  await app.visit('/tasks');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.getByRole('main').getByRole('link', { name: taskId }).click();
  await expect(page).toHaveURL(urlIs(`/tasks/${taskId}`));
  await expect(page.getByRole('main')).toContainText(`NOTE-TSK-${tag}`);
  for (const id of licences) {
    await expect(page.getByRole('main')).toContainText(id);
  }
  await app.settle();
  await saveScreenshot(page, testInfo, 'task');

  // As a crash would leave it: in progress for years, its items unanswered.
  sql("UPDATE user_service_tasks SET state = 'inProgress', completed_at = NULL, created_at = '2020-01-01T00:00:00.000Z' WHERE id = ?", [taskId]);
  sql('UPDATE user_service_task_items SET result = NULL, error_code = NULL, error_message = NULL, completed_at = NULL WHERE task_id = ?', [taskId]);
  await app.visit('/stuck');
  const stuck = page.getByTestId(`stuck-${taskId}`);
  await stuck.getByLabel('Error code').selectOption('INVALID_VALUE');
  await stuck.getByLabel('Message for Orange').fill('The licences could not be suspended');
  await stuck.getByLabel('I understand').check();
  await stuck.getByRole('button', { name: 'Fail' }).click();
  await expect(app.status(/is now failed \(INVALID_VALUE\)/)).toBeVisible();
  await expect(page.getByTestId(`stuck-${taskId}`)).toHaveCount(0);
  await app.settle();
  await app.visit(`/tasks/${taskId}`);
  await expect(page.getByRole('main')).toContainText('The licences could not be suspended');
});
