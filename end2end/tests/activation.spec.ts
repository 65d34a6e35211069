// Manual provisioning and the activation queue, in both projects (hydrated and JavaScript off):
// an administrator makes Orange's operations asynchronous and adds an offering whose work waits
// for approval; Orange orders it three times; an operator approves one order and rejects another
// from the queue; support fails the third once it is stuck, from the stuck-work page.
import { ADMIN, SUPPORT, addOffering, expect, formWithButton, expectFormPostsTo, field, makeOrangeAsync, orange, saveScreenshot, sql, test, unique, urlIs } from './fixtures';

const LONG_AGO = '2020-01-01T00:00:00.000Z';

test.describe('activation queue', () => {
  // Whatever happens in the test, the next ones find the defaults: no manual offering, every
  // operation synchronous (the stored Orange settings removed read as the defaults).
  test.afterEach(() => {
    sql("UPDATE offerings SET provisioning_mode = 'none' WHERE provisioning_mode = 'manual'");
    sql("DELETE FROM settings WHERE key = 'orange_api'");
  });

  test('an operator approves one order and rejects another; support fails a stuck one', async ({ app, page }, testInfo) => {
    test.slow(); // a dozen pages, two sign-ins
    const tag = unique(testInfo);
    const code = `OFFER-MAN-${tag}`.toUpperCase();
    await app.signIn(ADMIN);

    await makeOrangeAsync(app, page);
    await addOffering(app, page, code, 'Manual E2E', 'manual');
    await expect(page.getByRole('row').filter({ hasText: code })).toContainText('Manual approval');

    const orders: string[] = [];
    for (const n of [1, 2, 3]) {
      const created = await orange('POST', '/productOrder', {
        externalReference: { type: 'orange', id: `MAN-ORD-${tag}-${n}` },
        customer: { externalReference: { type: 'orange', id: `MAN-${tag}-${n}` }, name: `Manual ${tag} ${n} SAS` },
        orderItem: [
          {
            id: '1',
            action: 'add',
            productOffering: { name: 'Manual', externalReference: { type: 'orange', id: code } },
            productRef: { userServiceQuantity: 1 },
          },
        ],
      });
      expect(created.status(), await created.text()).toBe(201);
      const order = await created.json();
      expect(order.state).toBe('acknowledged');
      orders.push(order.id as string);
    }
    const [approved, rejected, stuck] = orders;

    await page.getByRole('link', { name: 'Activation queue', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/activation'));
    await app.settle();
    await expectFormPostsTo(page.getByTestId('activation-form'), '/console/activation');
    for (const id of orders) {
      await expect(page.getByTestId(`waiting-${id}`)).toContainText(code);
    }
    await saveScreenshot(page, testInfo, 'activation-queue');

    await page.getByRole('button', { name: `Approve ${approved}`, exact: true }).click();
    await expect(page).toHaveURL(urlIs('/activation'));
    await expect(app.status('1 order or task approved: Orange will be told.')).toBeVisible();
    await expect(page.getByTestId(`waiting-${approved}`)).toHaveCount(0);
    await app.settle();

    await page.getByLabel(`Select ${rejected}`).check();
    await field(page.getByTestId('activation-form'), 'Error code').selectOption('SERVICE_UNAVAILABLE');
    await page.getByLabel('Message for Orange').fill('The product refused the account');
    await page.getByTestId('activation-form').getByLabel('I understand').check();
    await page.getByRole('button', { name: 'Reject selected', exact: true }).click();
    await expect(app.status('1 order or task rejected: Orange will be told.')).toBeVisible();
    await expect(page.getByTestId(`waiting-${rejected}`)).toHaveCount(0);
    await expect(page.getByTestId(`waiting-${stuck}`)).toBeVisible();
    await app.settle();

    await app.visit(`/orders/${approved}`);
    await expect(page.getByRole('main')).toContainText('Completed');
    await app.visit(`/orders/${rejected}`);
    await expect(page.getByRole('main')).toContainText('The product refused the account');

    // The third waits long enough to be stuck: support fails it from the stuck-work page.
    sql('UPDATE product_orders SET created_at = ? WHERE id = ?', [LONG_AGO, stuck]);
    await app.signOut();
    await app.signIn(SUPPORT);
    await app.visit('/activation');
    await expect(page.getByTestId(`waiting-${stuck}`)).toBeVisible();
    await expect(page.getByLabel(`Select ${stuck}`)).toHaveCount(0);
    await app.visit('/stuck');
    const row = page.getByTestId(`stuck-${stuck}`);
    await expect(row).toContainText('Waits for manual approval');
    await row.getByLabel('Error code').selectOption('INVALID_VALUE');
    await row.getByLabel('Message for Orange').fill('No account could be made');
    await row.getByLabel('I understand').check();
    await row.getByRole('button', { name: 'Fail' }).click();
    await expect(page).toHaveURL(urlIs('/stuck'));
    await expect(app.status(/is now failed \(INVALID_VALUE\)/)).toBeVisible();
    await app.settle();
    await app.visit('/activation');
    await expect(page.getByTestId('activation-none')).toBeVisible();
  });

  test("an operator approves an order with the logins and numbers the product made", async ({ app, page }, testInfo) => {
    const tag = unique(testInfo);
    const code = `OFFER-VAL-${tag}`.toUpperCase();
    await app.signIn(ADMIN);
    await makeOrangeAsync(app, page);
    // An offering whose licences carry an MSISDN, waiting for approval.
    await app.visit('/offerings');
    const form = formWithButton(page, 'Add offering');
    await field(form, 'Offer code').fill(code);
    await field(form, 'Name').fill('Values E2E');
    await field(form, 'Realizing resource').selectOption('msisdn');
    await field(form, 'Provisioning').selectOption('manual');
    await form.getByRole('button', { name: 'Add offering', exact: true }).click();
    await expect(app.status(`Offering ${code} added.`)).toBeVisible();
    await app.settle();

    const created = await orange('POST', '/productOrder', {
      externalReference: { type: 'orange', id: `VAL-ORD-${tag}` },
      customer: { externalReference: { type: 'orange', id: `VAL-${tag}` }, name: `Values ${tag} SAS` },
      orderItem: [
        {
          id: '1',
          action: 'add',
          productOffering: { name: 'Values', externalReference: { type: 'orange', id: code } },
          productRef: { userServiceQuantity: 1 },
        },
      ],
    });
    expect(created.status(), await created.text()).toBe(201);
    const order = (await created.json()).id as string;

    await app.visit('/activation');
    await page.getByTestId(`waiting-${order}`).getByRole('link', { name: 'Values from the product' }).click();
    await expect(page).toHaveURL(new RegExp(`/orders/${order}`));
    await app.settle();
    const values = page.getByTestId('by-hand');
    await expectFormPostsTo(values.locator('form'), `/console/orders/${order}/complete`);
    const login = `values-${tag}`;
    await values.getByLabel('Login').fill(login);
    // A number that is not one is refused, and nothing changes.
    await values.getByLabel('MSISDN (mobile number)').fill('not a number');
    await values.getByRole('button', { name: 'Approve with these values' }).click();
    await expect(app.alert(/Not a valid MSISDN/)).toBeVisible();
    await app.settle();
    await page.getByTestId('by-hand').getByLabel('Login').fill(login);
    await page.getByTestId('by-hand').getByLabel('MSISDN (mobile number)').fill('+33612345678');
    await page.getByTestId('by-hand').getByRole('button', { name: 'Approve with these values' }).click();
    await expect(app.status('1 order or task approved: Orange will be told.')).toBeVisible();
    await expect(page.getByTestId('by-hand')).toHaveCount(0);
    await app.settle();
    await expect(page.getByTestId('licences')).toContainText(login);
    await page.getByTestId('licences').getByRole('link').first().click();
    await expect(page).toHaveURL(/\/licences\/lic_/);
    await app.settle();
    await expect(page.getByRole('main')).toContainText('+33612345678');
    await expect(page.getByTestId('timeline')).toContainText('Values entered by hand');
  });
});
