// Bulk changes from a CSV file, in both projects (hydrated and JavaScript off): the placeholder
// download filled in and uploaded, the preview with each line's problem, the apply and its
// progress, a discard in French, and support limited to looking. Licences come in through the
// Orange API, as in production.
import { ADMIN, SUPPORT, expect, orange, saveScreenshot, test, unique, urlIs } from './fixtures';

/** Orders `quantity` licences of `offer` for a new customer; returns the customer and licence ids. */
async function seedLicences(tag: string, offer: string, quantity: number): Promise<{ customer: string; licences: string[] }> {
  const created = await orange('POST', '/productOrder', {
    externalReference: { type: 'orange', id: `BULK-ORD-${tag}` },
    customer: { externalReference: { type: 'orange', id: `BULK-${tag}` }, name: `Bulk ${tag} SAS` },
    orderItem: [
      {
        id: '1',
        action: 'add',
        productOffering: { name: 'Offer', externalReference: { type: 'orange', id: offer } },
        productRef: { userServiceQuantity: quantity },
      },
    ],
  });
  expect(created.status(), await created.text()).toBe(201);
  const order = await created.json();
  const licences = (order.orderItem[0].productRef.userService as { id: string }[]).map((u) => u.id);
  return { customer: order.customer.id as string, licences };
}

test.describe('bulk changes from a CSV file', () => {
  test('the placeholder download, filled in, is checked line by line and then applied', async ({ app, page }, testInfo) => {
    const tag = unique(testInfo);
    const { customer, licences } = await seedLicences(tag, 'OFFER-PRO-M', 2);

    await app.signIn(ADMIN);
    await app.visit('/licences');
    await page.getByRole('link', { name: 'Bulk changes from a CSV file' }).click();
    await expect(page).toHaveURL(urlIs('/licences/bulk'));
    await expect(page.getByRole('heading', { level: 1, name: 'Bulk changes' })).toBeVisible();
    await app.settle();
    await saveScreenshot(page, testInfo, 'bulk');

    // The download lists the customer's licences with an empty value column to fill in.
    const download = await page.request.get(`/console/licences/placeholders.csv?customer=${customer}`);
    expect(download.status()).toBe(200);
    const lines = (await download.text()).trim().split('\n');
    expect(lines[0]).toBe('licence,login,customer,customer_name,type,placeholder,value');
    expect(lines).toHaveLength(3);
    const first = lines.findIndex((line) => line.startsWith(licences[0]));
    const second = first === 1 ? 2 : 1;
    lines[first] += '+33 6 12 34 56 78';
    lines[second] += '0612';

    const form = page.getByTestId('upload-resources');
    await form.getByLabel('CSV file').setInputFiles({
      name: 'placeholders-filled.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n')),
    });
    await form.getByRole('button', { name: 'Check the file' }).click();
    await expect(page).toHaveURL(/\/licences\/bulk\/blk_/);
    await expect(app.status('File checked. Nothing has changed yet')).toBeVisible();
    await expect(page.getByTestId('bulk-file-name')).toHaveText('placeholders-filled.csv');
    await expect(page.getByTestId('bulk-counts')).toHaveText('2 lines: 1 ready, 1 with a problem');
    await expect(page.getByTestId(`bulk-line-${second + 1}`)).toContainText('Not a valid value.');
    await expect(page.getByTestId(`bulk-line-${first + 1}`)).toContainText('+33612345678');
    await app.settle();
    await saveScreenshot(page, testInfo, 'bulk-preview');

    // Only the lines with a problem.
    await page.getByRole('link', { name: 'Problems only' }).click();
    await expect(page).toHaveURL((url) => url.searchParams.get('show') === 'problems');
    await expect(page.getByTestId(`bulk-line-${second + 1}`)).toBeVisible();
    await expect(page.getByTestId(`bulk-line-${first + 1}`)).toHaveCount(0);
    await app.settle();

    // Applying asks for confirmation, then the page follows the work until it is done.
    const apply = page.getByTestId('bulk-apply');
    await apply.getByLabel('I understand 1 licence will change and Orange is told of each').check();
    await apply.getByRole('button', { name: 'Apply 1 ready line' }).click();
    await expect(page.getByTestId('bulk-banner')).toContainText('Applied by admin: 1 changed, 0 refused', { timeout: 20_000 });
    await expect(page.getByTestId('bulk-apply')).toHaveCount(0);
    await app.settle();
    await saveScreenshot(page, testInfo, 'bulk-applied');

    await app.visit(`/licences/${licences[0]}`);
    await expect(page.getByTestId('resource-msisdn').getByTestId('resource-value')).toHaveText('+33612345678');
    await app.visit(`/licences/${licences[1]}`);
    await expect(page.getByTestId('resource-msisdn')).toContainText('placeholder');
  });

  test.describe('in French', () => {
    test.use({ locale: 'fr-FR' });

    test('an end-user file is checked in French, then discarded', async ({ app, page }, testInfo) => {
      const tag = unique(testInfo);
      const { licences } = await seedLicences(tag, 'OFFER-BASIC', 2);

      await app.visit('/login');
      await page.getByLabel('Identifiant').fill(ADMIN.login);
      await page.getByLabel('Mot de passe').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' })).toBeVisible();
      await app.settle();

      await app.visit('/licences/bulk');
      await expect(page.getByRole('heading', { level: 1, name: 'Modifications en masse' })).toBeVisible();
      const csv = `licence;given_name;family_name;email\n${licences[0]};Claire;Lefebvre;claire.${tag}@example.fr\n${licences[1]};Marc;;marc@example.fr\n`;
      const form = page.getByTestId('upload-end-users');
      await form.getByLabel('Fichier CSV').setInputFiles({ name: 'utilisateurs.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await form.getByRole('button', { name: 'Vérifier le fichier' }).click();
      await expect(page).toHaveURL(/\/licences\/bulk\/blk_/);
      await expect(app.status('Fichier vérifié.')).toBeVisible();
      await expect(page.getByTestId('bulk-line-3')).toContainText('Le nom de famille est obligatoire.');
      await expect(page.getByTestId('bulk-line-2')).toContainText('Prête');
      await app.settle();
      await saveScreenshot(page, testInfo, 'bulk-preview-fr');

      const discard = page.getByTestId('bulk-discard');
      await discard.getByLabel('Je comprends que rien de ce fichier ne sera appliqué').check();
      await discard.getByRole('button', { name: 'Abandonner le fichier' }).click();
      await expect(page).toHaveURL(urlIs('/licences/bulk'));
      await expect(app.status('Fichier abandonné')).toBeVisible();
      await expect(page.getByTestId('bulk-files').getByRole('row').filter({ hasText: 'utilisateurs.csv' }).first()).toContainText('Abandonné');
      await app.settle();

      await app.visit(`/licences/${licences[0]}`);
      await expect(page.getByTestId('end-user')).toContainText('Pas encore d’utilisateur final');
    });
  });

  test('support sees the files but no form, and the server refuses its changes', async ({ app, page }) => {
    await app.signIn(SUPPORT);
    await app.visit('/licences/bulk');
    await expect(page.getByRole('heading', { level: 1, name: 'Bulk changes' })).toBeVisible();
    await expect(page.getByRole('note')).toContainText('Your role lets you look at the files');
    await expect(page.getByTestId('upload-resources')).toHaveCount(0);
    await expect(page.getByTestId('upload-end-users')).toHaveCount(0);
    const refused = await page.request.post('/console/licences/bulk/blk_any/discard', { form: { confirm: 'yes' } });
    expect(refused.status()).toBe(403);
  });
});
