import { stateForZip } from '../../functions/domain/us-zip-states';

describe('stateForZip', () => {
  test.each([
    ['00501', 'NY'], ['10001', 'NY'], ['14925', 'NY'],
    ['00601', 'PR'], ['00802', 'VI'], ['00901', 'PR'], ['96910', 'GU'],
    ['01001', 'MA'], ['02790', 'MA'], ['05501', 'MA'], ['02903', 'RI'], ['03301', 'NH'],
    ['04101', 'ME'], ['05401', 'VT'], ['06103', 'CT'], ['07102', 'NJ'], ['08901', 'NJ'],
    ['19103', 'PA'], ['19901', 'DE'], ['20001', 'DC'], ['20500', 'DC'], ['56901', 'DC'],
    ['20101', 'VA'], ['21201', 'MD'], ['23219', 'VA'], ['25301', 'WV'], ['27601', 'NC'],
    ['29201', 'SC'], ['30303', 'GA'], ['39901', 'GA'], ['32801', 'FL'], ['33101', 'FL'],
    ['35203', 'AL'], ['37203', 'TN'], ['39201', 'MS'], ['40202', 'KY'], ['43215', 'OH'],
    ['46204', 'IN'], ['48226', 'MI'], ['50309', 'IA'], ['53202', 'WI'], ['55401', 'MN'],
    ['57501', 'SD'], ['58501', 'ND'], ['59601', 'MT'], ['62701', 'IL'], ['63101', 'MO'],
    ['66603', 'KS'], ['68502', 'NE'], ['70112', 'LA'], ['72201', 'AR'],
    ['73102', 'OK'], ['73301', 'TX'], ['74103', 'OK'], ['75001', 'TX'], ['79901', 'TX'],
    ['88510', 'TX'], ['80202', 'CO'], ['82001', 'WY'], ['83702', 'ID'], ['84101', 'UT'],
    ['85001', 'AZ'], ['87501', 'NM'], ['89501', 'NV'], ['90210', 'CA'], ['96150', 'CA'],
    ['96813', 'HI'], ['97201', 'OR'], ['98101', 'WA'], ['99501', 'AK'], ['99950', 'AK'],
  ])('%s is in %s', (zip, state) => {
    // Prepare: a real ZIP from a known prefix range.
    // Act
    const result = stateForZip(zip);
    // Assess
    expect(result).toBe(state);
  });

  test.each([
    ['00000', 'unassigned prefix 000'],
    ['09012', 'military AE prefix'],
    ['34002', 'military AA prefix'],
    ['96201', 'military AP prefix'],
    ['21301', 'unassigned prefix 213'],
    ['1000', 'too short'],
    ['100011', 'too long'],
    ['1000a', 'not digits'],
    ['', 'empty'],
  ])('%s has no state (%s)', (zip) => {
    // Prepare: input outside every civilian range, or not a 5-digit ZIP.
    // Act
    const result = stateForZip(zip);
    // Assess
    expect(result).toBeUndefined();
  });
});
