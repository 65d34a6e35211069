// Webhook provisioning seen from the stuck-work page, in both projects (hydrated and JavaScript
// off): an administrator makes Orange's operations asynchronous and adds an offering provisioned
// by webhook; Orange orders it; the order goes to the product and waits there (no product is
// reachable); once it has waited long enough, support sees why on the stuck-work page and fails it.
import { ADMIN, SUPPORT, addOffering, expect, makeOrangeAsync, orange, saveDocScreenshot, sql, test, unique, urlIs } from './fixtures';

const LONG_AGO = '2020-01-01T00:00:00.000Z';

test.describe('webhook provisioning and stuck work', () => {
  // The next tests find the defaults: no webhook offering, every operation synchronous.
  test.afterEach(() => {
    sql("UPDATE offerings SET provisioning_mode = 'none' WHERE provisioning_mode = 'webhook'");
    sql("DELETE FROM settings WHERE key = 'orange_api'");
  });

  test('support fails an order that waits on the product', async ({ app, page }, testInfo) => {
    test.slow(); // settings, an offering, two sign-ins
    const tag = unique(testInfo);
    const code = `OFFER-HOOK-${tag}`.toUpperCase();
    await app.signIn(ADMIN);

    await makeOrangeAsync(app, page);
    await addOffering(app, page, code, 'Webhook E2E', 'webhook');
    await expect(page.getByRole('row').filter({ hasText: code })).toContainText('Webhook to the product');

    const created = await orange('POST', '/productOrder', {
      externalReference: { type: 'orange', id: `HOOK-ORD-${tag}` },
      customer: { externalReference: { type: 'orange', id: `HOOK-${tag}` }, name: `Hook ${tag} SAS` },
      orderItem: [
        {
          id: '1',
          action: 'add',
          productOffering: { name: 'Hooked', externalReference: { type: 'orange', id: code } },
          productRef: { userServiceQuantity: 1 },
        },
      ],
    });
    expect(created.status(), await created.text()).toBe(201);
    const order = (await created.json()).id as string;
    // The worker sends it to the product: in progress from then on, waiting on the product.
    await expect
      .poll(async () => (await (await orange('GET', `/productOrder/${order}`)).json()).state, { timeout: 15_000 })
      .toBe('inProgress');

    sql('UPDATE product_orders SET created_at = ? WHERE id = ?', [LONG_AGO, order]);
    await app.signOut();
    await app.signIn(SUPPORT);
    await app.visit('/stuck');
    const row = page.getByTestId(`stuck-${order}`);
    // Not yet sent (no product configured) or failing (one configured by another test): either way it says so.
    await expect(row).toContainText(/Waits on the product: webhook (not yet delivered|failing)/);
    await app.settle();
    await saveDocScreenshot(page, testInfo, 'stuck-work');
    await row.getByLabel('Error code').selectOption('SERVICE_UNAVAILABLE');
    await row.getByLabel('Message for Orange').fill('The product never answered');
    await row.getByLabel('I understand').check();
    await row.getByRole('button', { name: 'Fail' }).click();
    await expect(page).toHaveURL(urlIs('/stuck'));
    await expect(app.status(/is now failed \(SERVICE_UNAVAILABLE\)/)).toBeVisible();
    await expect(page.getByTestId(`stuck-${order}`)).toHaveCount(0);
    await app.settle();

    const read = await orange('GET', `/productOrder/${order}`);
    expect((await read.json()).state).toBe('failed');
  });
});
