// An automated accessibility audit (axe-core, WCAG 2 A and AA rules) of every console page, in
// English and in French: labelled controls, names for links and buttons, landmarks, headings,
// contrast. Any violation fails the test and is listed with the elements it was found on. axe
// runs as a script inside the page, so only in the hydrated project; the server sends the same
// HTML to both.
import AxeBuilder from '@axe-core/playwright';
import { type Page } from '@playwright/test';
import { ADMIN, type Console, expect, orange, test, unique } from './fixtures';

const PAGES = [
  '/',
  '/customers',
  '/licences',
  '/licences/bulk',
  '/orders',
  '/tasks',
  '/events',
  '/events/resend',
  '/stuck',
  '/activation',
  '/offerings',
  '/exchanges',
  '/audit',
  '/search?q=a',
  '/settings/credentials',
  '/settings/orange',
  '/settings/delivery',
  '/settings/provisioning',
  '/operators',
  '/reference',
];

/** The WCAG 2 A and AA violations on the current page, one line per rule and element. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')} — ${violation.help}`),
  );
}

async function audit(app: Console, page: Page, paths: string[], already: string[] = []): Promise<void> {
  const found = [...already];
  for (const path of paths) {
    await app.visit(path);
    for (const line of await violations(page)) {
      found.push(`${path}: ${line}`);
    }
  }
  expect(found, found.join('\n')).toEqual([]);
}

test.describe('accessibility', () => {
  test.beforeEach(({ app }) => {
    test.skip(!app.js, 'axe runs as a script inside the page');
  });

  test('the sign-in page and every console page pass the WCAG 2 AA rules', async ({ app, page }, testInfo) => {
    test.slow();
    const tag = unique(testInfo);
    const created = await orange('POST', '/productOrder', {
      externalReference: { type: 'orange', id: `A11Y-ORD-${tag}` },
      customer: { externalReference: { type: 'orange', id: `A11Y-${tag}` }, name: `Accessible ${tag} SAS` },
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
    const detail = [
      `/customers/${order.customer.id}`,
      `/fleets/${order.orderItem[0].productRef.id}`,
      `/licences/${order.orderItem[0].productRef.userService[0].id}`,
      `/orders/${order.id}`,
    ];

    await app.visit('/login');
    const login = await violations(page);
    await app.signIn(ADMIN);
    await audit(app, page, [...PAGES, ...detail], login.map((line) => `/login: ${line}`));
  });

  test.describe('in French', () => {
    test.use({ locale: 'fr-FR' });

    test('the main pages pass the WCAG 2 AA rules in French too', async ({ app, page }) => {
      test.slow(); // axe takes a second or two a page
      await app.visit('/login');
      const login = await violations(page);
      await page.getByLabel('Identifiant').fill(ADMIN.login);
      await page.getByLabel('Mot de passe').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' })).toBeVisible();
      await app.settle();
      await audit(app, page, ['/', '/licences', '/licences/bulk', '/stuck', '/events', '/audit'], login);
    });
  });
});
