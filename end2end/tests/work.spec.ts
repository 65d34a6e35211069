// The dashboard, the global search, the stuck-work page and the keyboard shortcuts, in both
// projects (hydrated and JavaScript off). Data comes in through the Orange API, as in production.
import { ADMIN, SUPPORT, expect, field, orange, saveDocScreenshot, saveScreenshot, sql, test, unique, urlIs } from './fixtures';

const LONG_AGO = '2020-01-01T00:00:00.000Z';

test.describe('dashboard, search and stuck work', () => {
  test('the dashboard counts what Orange created and each number leads to its list', async ({ app, page }, testInfo) => {
    const tag = unique(testInfo);
    const created = await orange('POST', '/productOrder', {
      externalReference: { type: 'orange', id: `DASH-CUS-${tag}` },
      customer: { externalReference: { type: 'orange', id: `DASH-${tag}` }, name: `Dashboard ${tag} SAS` },
      orderItem: [
        {
          id: '1',
          action: 'add',
          productOffering: { name: 'Pro', externalReference: { type: 'orange', id: 'OFFER-PRO-M' } },
          productRef: { userServiceQuantity: 2 },
        },
      ],
    });
    expect(created.status(), await created.text()).toBe(201);

    await app.signIn(ADMIN);
    const customers = Number(await page.getByTestId('count-customers').innerText());
    expect(customers).toBeGreaterThanOrEqual(1);
    const active = Number(await page.getByTestId('dashboard-licences-active').innerText());
    expect(active).toBeGreaterThanOrEqual(2);
    const placeholders = Number(await page.getByTestId('count-placeholders').innerText());
    expect(placeholders).toBeGreaterThanOrEqual(2);
    await saveScreenshot(page, testInfo, 'dashboard');
    await saveDocScreenshot(page, testInfo, 'overview');

    await page.getByRole('link', { name: /Stuck work/ }).first().click();
    await expect(page).toHaveURL(urlIs('/stuck'));
    await expect(page.getByRole('heading', { level: 1, name: 'Stuck work' })).toBeVisible();
    await app.settle();
  });

  test('the search box finds a customer by name, an order by reference and a licence by login', async ({ app, page }, testInfo) => {
    const tag = unique(testInfo);
    const name = `Searchable ${tag} SARL`;
    const created = await orange('POST', '/productOrder', {
      externalReference: { type: 'orange', id: `SRCH-ORD-${tag}` },
      customer: { externalReference: { type: 'orange', id: `SRCH-${tag}` }, name },
      orderItem: [
        {
          id: '1',
          action: 'add',
          productOffering: { name: 'Basic', externalReference: { type: 'orange', id: 'OFFER-BASIC' } },
          productRef: { userServiceQuantity: 1 },
        },
      ],
    });
    expect(created.status(), await created.text()).toBe(201);
    const order = await created.json();
    const customerId = order.customer.id as string;
    const login = order.orderItem[0].productRef.userService[0].login.login as string;

    await app.signIn(SUPPORT);
    const box = page.getByRole('searchbox', { name: 'Search' });
    if (app.js) {
      // `/` focuses the box from anywhere on the page.
      await page.locator('h1').click();
      await page.keyboard.press('/');
      await expect(box).toBeFocused();
      await page.keyboard.type(name.toLowerCase());
    } else {
      await box.fill(name.toLowerCase());
    }
    await box.press('Enter');
    await expect(page).toHaveURL((url) => url.pathname === '/search');
    await app.settle();
    const results = page.getByTestId('search-results');
    await expect(results.getByRole('link', { name: customerId })).toHaveAttribute('href', `/customers/${customerId}`);
    await saveScreenshot(page, testInfo, 'search');

    await app.visit(`/search?q=SRCH-ORD-${tag}`);
    await expect(page.getByTestId('search-results').getByRole('link', { name: order.id })).toHaveAttribute(
      'href',
      `/orders/${order.id}`,
    );
    await app.visit(`/search?q=${encodeURIComponent(login)}`);
    await expect(page.getByTestId('search-results')).toContainText(login);
    await app.visit('/search?q=nothing-matches-this-at-all');
    await expect(page.getByRole('status').filter({ hasText: 'Nothing matches' })).toBeVisible();
  });

  test('an administrator sets the stuck thresholds; support sees the queue but not the form', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await app.visit('/stuck');
    const form = page.locator('form[action="/console/settings/stuck"]');
    const minutes = testInfo.project.name === 'no-js' ? '41' : '42';
    await field(form, 'Orders, after (minutes)').fill(minutes);
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await expect(page).toHaveURL(urlIs('/stuck'));
    await expect(app.status('Thresholds saved.')).toBeVisible();
    await expect(page.getByTestId('stuck-thresholds')).toContainText(`orders ${minutes} min`);
    await app.settle();
    await saveScreenshot(page, testInfo, 'stuck');
    await app.signOut();

    await app.signIn(SUPPORT);
    await app.visit('/stuck');
    await expect(page.getByTestId('stuck-thresholds')).toBeVisible();
    await expect(page.locator('form[action="/console/settings/stuck"]')).toHaveCount(0);
  });

  test('support fails a stuck order, resends a failed event and retries it from the stuck-work page', async ({ app, page }, testInfo) => {
    const tag = unique(testInfo);
    const created = await orange('POST', '/productOrder', {
      externalReference: { type: 'orange', id: `STUCK-ORD-${tag}` },
      customer: { externalReference: { type: 'orange', id: `STUCK-${tag}` }, name: `Stuck ${tag} SAS` },
      orderItem: [
        {
          id: '1',
          action: 'add',
          productOffering: { name: 'Pro', externalReference: { type: 'orange', id: 'OFFER-PRO-M' } },
          productRef: { userServiceQuantity: 1 },
        },
      ],
    });
    expect(created.status(), await created.text()).toBe(201);
    const order = await created.json();
    const orderId = order.id as string;
    const licence = order.orderItem[0].productRef.userService[0].id as string;
    // As a crash would leave them: the order in progress for years, its licence pending, and an
    // event Orange never took.
    sql("UPDATE product_orders SET state = 'inProgress', created_at = ? WHERE id = ?", [LONG_AGO, orderId]);
    sql("UPDATE licences SET state = 'pending', pending_operation = 'add', pending_since = ? WHERE id = ?", [LONG_AGO, licence]);
    const eventId = `evt_stuck${tag}`;
    sql(
      `INSERT INTO outbox_events (id, event_type, resource_kind, resource_id, ordering_key, target,
         payload_json, state, attempt_count, last_error, created_at, updated_at, failed_at)
       VALUES (?, 'userServiceStateChangeEvent', 'userService', ?, ?, 'orange_user_service', '{}',
         'failed', 7, 'connection refused', ?, ?, ?)`,
      [eventId, licence, `licence:${licence}`, LONG_AGO, LONG_AGO, LONG_AGO],
    );

    await app.signIn(SUPPORT);
    await app.visit('/stuck');
    const stuckOrder = page.getByTestId(`stuck-${orderId}`);
    const stuckEvent = page.getByTestId(`stuck-${eventId}`);
    await expect(stuckOrder).toBeVisible();
    await expect(stuckEvent).toContainText('connection refused');
    // Work in progress can only be failed from here, not completed.
    await expect(stuckOrder.getByRole('button', { name: 'Complete now' })).toHaveCount(0);
    await saveScreenshot(page, testInfo, 'stuck-items');

    await stuckEvent.getByLabel('I understand').check();
    await stuckEvent.getByRole('button', { name: 'Resend' }).click();
    await expect(page).toHaveURL(urlIs('/stuck'));
    await expect(app.status(`Event ${eventId} will be sent again.`)).toBeVisible();
    // Due again at once; it stays listed as waiting, counted from when it was made.
    await expect(page.getByTestId(`stuck-${eventId}`).getByRole('cell').nth(1)).toHaveText('Pending');
    await app.settle();
    await page.getByTestId(`stuck-${eventId}`).getByRole('button', { name: 'Retry now' }).click();
    await expect(app.status(`Event ${eventId} will be tried now.`)).toBeVisible();
    await app.settle();

    const fail = page.getByTestId(`stuck-${orderId}`);
    await fail.getByLabel('Error code').selectOption('INVALID_VALUE');
    await fail.getByLabel('Message for Orange').fill('The numbers could not be reserved');
    await fail.getByLabel('I understand').check();
    await fail.getByRole('button', { name: 'Fail' }).click();
    await expect(page).toHaveURL(urlIs('/stuck'));
    await expect(app.status(/is now failed \(INVALID_VALUE\)/)).toBeVisible();
    await expect(page.getByTestId(`stuck-${orderId}`)).toHaveCount(0);
    await app.settle();

    await app.visit(`/orders/${orderId}`);
    await expect(page.getByRole('main')).toContainText('The numbers could not be reserved');
    await app.visit(`/licences/${licence}`);
    await expect(page.getByTestId('licence-state')).toHaveText('Terminated');
  });

  test('support completes acknowledged work now from the stuck-work page', async ({ app, page }, testInfo) => {
    test.slow(); // may take a few tries, see below
    await app.signIn(SUPPORT);
    // The background completion takes acknowledged work too, every few seconds: should it take an
    // order first, the row is gone or the page says so, and the next try uses a fresh order.
    let completed: string | undefined;
    for (let attempt = 0; attempt < 5 && completed === undefined; attempt++) {
      const tag = `${unique(testInfo)}n${attempt}`;
      const created = await orange('POST', '/productOrder', {
        externalReference: { type: 'orange', id: `ACK-ORD-${tag}` },
        customer: { externalReference: { type: 'orange', id: `ACK-${tag}` }, name: `Acknowledged ${tag} SAS` },
        orderItem: [
          {
            id: '1',
            action: 'add',
            productOffering: { name: 'Basic', externalReference: { type: 'orange', id: 'OFFER-BASIC' } },
            productRef: { userServiceQuantity: 1 },
          },
        ],
      });
      expect(created.status(), await created.text()).toBe(201);
      const order = await created.json();
      const orderId = order.id as string;
      const licence = order.orderItem[0].productRef.userService[0].id as string;
      // As an asynchronous order before its completion: acknowledged, its licence pending.
      sql("UPDATE product_orders SET state = 'acknowledged', completed_at = NULL, created_at = ? WHERE id = ?", [LONG_AGO, orderId]);
      sql("UPDATE licences SET state = 'pending', pending_operation = 'add', pending_since = ? WHERE id = ?", [LONG_AGO, licence]);
      await app.visit('/stuck');
      const row = page.getByTestId(`stuck-${orderId}`);
      if ((await row.count()) === 0) {
        continue;
      }
      await row.getByRole('button', { name: 'Complete now' }).click();
      await expect(page).toHaveURL(urlIs('/stuck'));
      const message = page.locator('.flash-area').getByRole('status').or(page.locator('.flash-area').getByRole('alert'));
      await expect(message).toBeVisible();
      if ((await message.innerText()).includes(`Order ${orderId} is completed; Orange gets its event.`)) {
        completed = orderId;
      } else {
        await expect(message).toContainText('it may have been completed meanwhile');
      }
      await app.settle();
    }
    expect(completed, 'an order completed from the console').toBeDefined();
    await expect(page.getByTestId(`stuck-${completed}`)).toHaveCount(0);
    await app.visit(`/orders/${completed}`);
    await expect(page.getByRole('main')).toContainText('Completed');
  });

  test('? lists the keyboard shortcuts', async ({ app, page }) => {
    await app.signIn(ADMIN);
    const help = page.getByRole('region', { name: 'Keyboard shortcuts' });
    await expect(help).toBeHidden();
    if (app.js) {
      await page.locator('h1').click();
      await page.keyboard.press('?');
      await expect(help).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(help).toBeHidden();
      // g then s goes to the stuck-work page.
      await page.keyboard.press('g');
      await page.keyboard.press('s');
      await expect(page).toHaveURL(urlIs('/stuck'));
    } else {
      await page.locator('summary[aria-keyshortcuts="?"]').click();
      await expect(help).toBeVisible();
    }
  });

  test.describe('in French', () => {
    test.use({ locale: 'fr-FR' });

    test('the dashboard and the stuck-work page speak French', async ({ app, page }, testInfo) => {
      await app.visit('/login');
      await page.getByLabel('Identifiant').fill(ADMIN.login);
      await page.getByLabel('Mot de passe').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
      await app.settle();
      await saveScreenshot(page, testInfo, 'dashboard-fr');
      await app.visit('/stuck');
      await expect(page.getByRole('heading', { level: 1, name: 'Travaux bloqués' })).toBeVisible();
    });
  });
});
