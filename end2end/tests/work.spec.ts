// The dashboard, the global search, the stuck-work page and the keyboard shortcuts, in both
// projects (hydrated and JavaScript off). Data comes in through the Orange API, as in production.
import { ADMIN, SUPPORT, expect, field, orange, saveScreenshot, test, unique, urlIs } from './fixtures';

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
