import { test, expect } from '@playwright/test';
import { signIn, useEnglish, waitForHydration } from './helpers';

const HEADER = 'building_code,building_name,building_floors,unit_number,floor,area_m2,unit_status,resident_name,phone,relation,id_doc_type,id_doc_number,payment_standing,move_in_date';

test('a supervisor imports units from CSV; bad rows are named by line', async ({ page }) => {
  await useEnglish(page);
  await signIn(page, 'super');
  await page.goto('/estate/import');
  await waitForHydration(page);
  const template = await page.request.get('/api/v1/import/template.csv');
  expect(template.status()).toBe(200);
  expect((await template.text()).split('\n')[0]).toBe(HEADER);

  const csv = [HEADER,
    'Q,Building Q,5,101,1,80,occupied,Ma Li,13911112222,owner,id_card,110101199001019999,good,2024-02-01',
    'Q,,,102,two,80,vacant,,,,,,,',
  ].join('\n') + '\n';
  const file = { name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const report = page.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-committed', 'false');
  await expect(report).toContainText('Line 3: floor');

  await page.getByText('Skip bad rows and import the rest').click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(report).toHaveAttribute('data-committed', 'true');

  await page.goto('/estate/units?q=Q-101');
  await waitForHydration(page);
  await expect(page.getByTestId('unit-table')).toContainText('Ma Li');
  await page.goto('/estate/units?q=Q-102');
  await expect(page.getByText('Nothing found.')).toBeVisible();
});
