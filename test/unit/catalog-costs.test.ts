import { validateCatalog } from '../../functions/domain/catalog';
import { costWarnings } from '../../functions/domain/catalog-costs';

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');

function programWith(extra: Record<string, unknown>[]) {
  return validateCatalog([...demoItems, ...extra]).catalog.programs[0]!;
}

describe('segment costs of catalog copy', () => {
  test('the demo welcome with its disclosures is measured as two GSM-7 segments', () => {
    // Prepare
    const program = programWith([]);

    // Act
    const warnings = costWarnings(program);

    // Assess
    expect(warnings).toContainEqual({
      key: 'PROGRAM#krusty-burger / TEMPLATE#welcome',
      field: 'body',
      reason: 'renders to 2 segments (183 GSM-7 units): each send costs 2× a one-segment text',
    });
  });

  test('an emoji in an offer switches its coupon text to UCS-2 and is reported on the offer', () => {
    // Prepare
    const program = programWith([{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch', kind: 'lunch', copy: '🍔 $2 off any combo at lunch today.', validDays: 1 }]);

    // Act
    const warnings = costWarnings(program);

    // Assess
    const lunch = warnings.find((w) => w.key === 'PROGRAM#krusty-burger / OFFER#lunch');
    expect(lunch?.reason).toMatch(/^renders to 2 segments \(\d+ UCS-2 /);
  });

  test('copy that fits one segment is not mentioned', () => {
    // Prepare
    const program = programWith([]);

    // Act
    const keys = costWarnings(program).map((w) => w.key);

    // Assess
    expect(keys).not.toContain('PROGRAM#krusty-burger / OFFER#lunch');
    expect(keys).not.toContain('PROGRAM#krusty-burger / TEMPLATE#fallback');
  });
});
