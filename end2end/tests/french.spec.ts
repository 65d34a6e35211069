// The console in French: the switch on the sign-in page and in the top bar (a form, so it works
// with JavaScript off), the choice kept across pages and sign-ins, and a French browser getting
// French at once. English stays the default (playwright.config.ts runs with locale en-US).
import { type Page } from '@playwright/test';
import { ADMIN, type Console, expect, field, orange, saveScreenshot, test, unique, urlIs } from './fixtures';

function h1(page: Page, name: string): ReturnType<Page['getByRole']> {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

/** Signs in through the French form; lands on the overview. */
async function seConnecter(app: Console, page: Page): Promise<void> {
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Se connecter', exact: true }) });
  await field(form, 'Identifiant').fill(ADMIN.login);
  await field(form, 'Mot de passe').fill(ADMIN.password);
  await form.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await expect(page).toHaveURL(urlIs('/'));
  await app.settle();
}

test.describe('French', () => {
  test('the sign-in page offers Français; the choice stays across pages and sign-ins', async ({ app, page }) => {
    await app.visit('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    const switchTo = page.getByTestId('lang-switch');
    await expect(switchTo).toHaveText('Français');
    await switchTo.click();
    await expect(h1(page, 'Connexion à Fleetdesk')).toBeVisible();
    await expect(page).toHaveURL(urlIs('/login'));
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await app.settle();

    await seConnecter(app, page);
    const nav = page.getByRole('navigation', { name: 'Principale' });
    await expect(nav.getByRole('link', { name: 'Événements', exact: true })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Journal d’audit', exact: true })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Opérateurs', exact: true })).toBeVisible();

    // Another page, reached through the navigation.
    await nav.getByRole('link', { name: 'Événements', exact: true }).click();
    await expect(h1(page, 'Événements envoyés à Orange')).toBeVisible();
    await app.settle();
    await expect(page.getByRole('button', { name: 'Filtrer', exact: true })).toBeVisible();

    // Signed out and in again: still French.
    await page.getByRole('button', { name: 'Se déconnecter', exact: true }).click();
    await expect(h1(page, 'Connexion à Fleetdesk')).toBeVisible();
    await expect(page.getByRole('status')).toHaveText('Vous êtes déconnecté.');
    await app.settle();
    await seConnecter(app, page);
    await expect(page.getByRole('button', { name: 'Se déconnecter', exact: true })).toBeVisible();

    // And back to English from the top bar, on the page one is on.
    await app.visit('/offerings');
    await expect(h1(page, 'Offres')).toBeVisible();
    await page.getByTestId('lang-switch').click();
    await expect(h1(page, 'Offerings')).toBeVisible();
    await expect(page).toHaveURL(urlIs('/offerings'));
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });

  test.describe('a browser set to French', () => {
    test.use({ locale: 'fr-FR' });

    test('gets the console in French directly: events and offerings', async ({ app, page }, testInfo) => {
      await app.visit('/login');
      await expect(h1(page, 'Connexion à Fleetdesk')).toBeVisible();
      await expect(page.getByTestId('lang-switch')).toHaveText('English');
      await seConnecter(app, page);

      await app.visit('/events');
      await expect(h1(page, 'Événements envoyés à Orange')).toBeVisible();
      const states = page.getByRole('navigation', { name: 'Événements par état' });
      await expect(states).toContainText('En attente');
      await expect(states).toContainText('En échec');
      const filter = page.getByRole('main').getByRole('search');
      await expect(field(filter, 'État')).toBeVisible();
      await expect(field(filter, 'Type d’événement')).toBeVisible();
      await expect(page.getByRole('link', { name: 'Renvoyer la sélection…', exact: true })).toBeVisible();
      await saveScreenshot(page, testInfo, 'events-fr');

      await app.visit('/offerings');
      await expect(h1(page, 'Offres')).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Ajouter une offre', exact: true })).toBeVisible();
      await expect(page.getByRole('columnheader', { name: 'Code d’offre', exact: true })).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Importer un catalogue', exact: true })).toBeVisible();
      await saveScreenshot(page, testInfo, 'offerings-fr');

      // Refusals read in French too.
      const missing = await app.visit('/events/evt_does_not_exist');
      expect(missing?.status()).toBe(404);
      await expect(app.alert('Il n’y a rien à cette adresse.')).toBeVisible();
    });

    test('one event in French: its page, and a resend confirmed in French', async ({ app, page }, testInfo) => {
      const tag = unique(testInfo);
      const created = await orange('POST', '/productOrder', {
        externalReference: { type: 'orange', id: `FR-ORD-${tag}` },
        customer: { externalReference: { type: 'orange', id: `FR-${tag}` }, name: `Français ${tag} SARL` },
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
      const licence = (await created.json()).orderItem[0].productRef.userService[0].id as string;

      await app.visit('/login');
      await seConnecter(app, page);
      // The partner's own change queues an event for Orange.
      await app.visit(`/licences/${licence}`);
      const form = page.getByTestId('end-user-form');
      await field(form, 'Prénom').fill('Claire');
      await field(form, 'Nom de famille').fill('Lefebvre');
      await field(form, 'Adresse e-mail').fill(`claire.${tag}@example.fr`);
      await form.getByRole('button').click();
      await expect(page.getByRole('status')).toContainText('Utilisateur final enregistré.');
      await app.settle();

      await app.visit(`/events?resource=${licence}`);
      const event = page.getByRole('main').getByRole('link', { name: /^evt_/ }).first();
      const eventId = await event.innerText();
      await event.click();
      await expect(h1(page, eventId)).toBeVisible();
      await expect(page.getByRole('link', { name: '← Événements envoyés à Orange' })).toBeVisible();
      await expect(page.getByRole('heading', { level: 2, name: 'Contenu', exact: true })).toBeVisible();
      await app.settle();
      await saveScreenshot(page, testInfo, 'event-fr');
      await page.getByLabel('Je comprends qu’Orange recevra de nouveau cet événement (même eventId)').check();
      await page.getByRole('button', { name: 'Renvoyer', exact: true }).click();
      await expect(page.getByRole('status')).toContainText('sera renvoyé.');
    });
  });
});
