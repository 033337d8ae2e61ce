import { compiledBy } from '../../../lambda/domain/compiled.js';
import { globMatch } from '../../../lambda/domain/settings.js';

describe('compiledBy', () => {
  it('builds each pattern once and answers the same expression after', () => {
    const built: string[] = [];
    const get = compiledBy((p) => {
      built.push(p);
      return new RegExp(p);
    });
    const first = get('^a$');
    expect(get('^a$')).toBe(first);
    get('^b$');
    expect(built).toEqual(['^a$', '^b$']);
  });

  it('starts again empty when full, so patterns from records cannot grow it without end', () => {
    const built: string[] = [];
    const get = compiledBy((p) => {
      built.push(p);
      return new RegExp(p);
    });
    for (let i = 0; i < 513; i++) get(`^${i}$`);
    get('^0$');
    expect(built).toHaveLength(514);
    expect(built.at(-1)).toBe('^0$');
  });

  it.each([
    ['arn:aws:iam::*:role/deploy-*', 'arn:aws:iam::111122223333:role/deploy-ci', true],
    ['arn:aws:iam::*:role/deploy-*', 'arn:aws:iam::111122223333:role/other', false],
    ['a.b', 'axb', false],
  ])('a remembered glob %s still matches %s as before: %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
    expect(globMatch(pattern, value)).toBe(expected);
  });
});
