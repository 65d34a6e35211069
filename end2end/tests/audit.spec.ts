// The audit log: an administrator's change found by filter with its diff; change of role and
// password reset from /operators, both confirmed; support reads the log but administers nobody.
// Every spec runs hydrated and with JavaScript off.
import { type Locator, type Page } from '@playwright/test';
import {
  ADMIN,
  type Account,
  expect,
  expectFormPostsTo,
  field,
  saveScreenshot,
  SUPPORT,
  test,
  unique,
  uniqueLogin,
  urlIs,
} from './fixtures';

function formWithButton(page: Page, name: string): Locator {
  return page.locator('form').filter({ has: page.getByRole('button', { name, exact: true }) });
}

function h1(page: Page, name: string): Locator {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

test.describe('audit log', () => {
  test('an admin renames an offering and finds the change, with its diff, by filter', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await app.visit('/offerings');
    const code = `AUD-${unique(testInfo)}`.toUpperCase();
    const add = formWithButton(page, 'Add offering');
    await field(add, 'Offer code').fill(code);
    await field(add, 'Name').fill('Audit before');
    await add.getByRole('button', { name: 'Add offering', exact: true }).click();
    await expect(app.status(`Offering ${code} added.`)).toBeVisible();
    await app.settle();
    await page.getByRole('link', { name: `Edit ${code}`, exact: true }).click();
    await expect(h1(page, `Edit offering ${code}`)).toBeVisible();
    await app.settle();
    const offeringId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const edit = formWithButton(page, 'Save changes');
    await field(edit, 'Name').fill('Audit after');
    await edit.getByRole('button', { name: 'Save changes', exact: true }).click();
    await expect(app.status(`Offering ${code} saved.`)).toBeVisible();
    await app.settle();

    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await expect(h1(page, 'Audit log')).toBeVisible();
    await app.settle();
    const filter = page.getByRole('main').getByRole('search');
    await expect(filter).toHaveAttribute('method', /^get$/i);
    await field(filter, 'Actor').fill(ADMIN.login);
    await field(filter, 'Action').fill('offering.update');
    await field(filter, 'Object type').fill('offering');
    await field(filter, 'Object id').fill(offeringId);
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(
      urlIs('/audit', { actor: ADMIN.login, action: 'offering.update', object_type: 'offering', object_id: offeringId }),
    );
    await app.settle();

    const rows = page.locator('table.audit-log > tbody > tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('offering.update');
    await expect(rows.first()).toContainText(offeringId);
    const name = rows.first().getByTestId('change-name');
    await expect(name.locator('del.diff-old')).toHaveText('"Audit before"');
    await expect(name.locator('ins.diff-new')).toHaveText('"Audit after"');
    await expect(rows.first().getByTestId('change-offer_code')).toHaveCount(0);

    // The creation is there too once the action is left out; nothing from before today is.
    await app.visit(`/audit?object_id=${offeringId}`);
    await expect(page.locator('table.audit-log > tbody > tr')).toHaveCount(2);
    await app.visit(`/audit?object_id=${offeringId}&to=2001-01-01`);
    await expect(page.getByText('No entry matches these filters.')).toBeVisible();

    await app.visit(`/audit?object_id=${offeringId}`);
    await saveScreenshot(page, testInfo, 'audit');
  });

  test('an admin changes a role and resets a password from /operators', async ({ app, page }, testInfo) => {
    test.slow(); // several password hashes and sign-ins

    const account: Account = {
      login: uniqueLogin('aud', testInfo),
      password: 'e2e-first-password-1',
      displayName: `Audit ${testInfo.project.name}`,
      role: 'operator',
    };
    await app.signIn(ADMIN);
    await app.createOperator(account);

    const row = page.getByTestId(`operator-${account.login}`);
    await row.getByText('Role, password…').click();
    const roleForm = row.getByTestId(`role-form-${account.login}`);
    const operatorId = /^\/console\/operators\/(opr_[^/]+)\/role$/.exec((await roleForm.getAttribute('action')) ?? '')?.[1];
    expect(operatorId, 'the role form posts to the operator').toBeTruthy();
    await expectFormPostsTo(roleForm, `/console/operators/${operatorId}/role`);
    await roleForm.getByLabel('New role', { exact: true }).selectOption('support');
    await roleForm.getByRole('checkbox').check();
    await roleForm.getByRole('button', { name: 'Change role', exact: true }).click();
    await expect(app.status(`${account.login} is now support.`)).toBeVisible();
    await app.settle();
    await expect(page.getByTestId(`operator-${account.login}`).locator('.badge')).toHaveText('support');

    const again = page.getByTestId(`operator-${account.login}`);
    await again.getByText('Role, password…').click();
    const passwordForm = again.getByTestId(`password-form-${account.login}`);
    await expectFormPostsTo(passwordForm, `/console/operators/${operatorId}/password`);
    const newPassword = 'e2e-second-password-2';
    await passwordForm.getByLabel('New password', { exact: true }).fill(newPassword);
    await passwordForm.getByRole('checkbox').check();
    await passwordForm.getByRole('button', { name: 'Reset password', exact: true }).click();
    await expect(app.status(`Password of ${account.login} reset; their sessions have ended.`)).toBeVisible();
    await app.settle();

    await app.visit(`/audit?actor=${ADMIN.login}&action=operator.role_change`);
    const change = page.locator('table.audit-log > tbody > tr').filter({ hasText: operatorId ?? '' }).first();
    await expect(change.getByTestId('change-role').locator('del')).toHaveText('"operator"');
    await expect(change.getByTestId('change-role').locator('ins')).toHaveText('"support"');

    await app.signOut();
    await app.failLogin(account.login, account.password, 'Invalid username or password');
    await app.submitLogin(account.login, newPassword);
    await app.expectOverview({ ...account, role: 'support' });
  });

  test('support reads the audit log but administers no operator', async ({ app, page }) => {
    await app.signIn(SUPPORT);
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await expect(h1(page, 'Audit log')).toBeVisible();
    await app.settle();
    await expect(page.locator('table.audit-log')).toBeVisible();
    // The only form is the GET filter.
    await expect(page.locator('main form[method="post"]')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Operators', exact: true })).toHaveCount(0);
    const refused = await app.visit('/operators');
    expect(refused?.status()).toBe(403);
    await expect(page.getByTestId(`operator-${ADMIN.login}`)).toHaveCount(0);
  });
});
