import { optionValues, splitOptions } from '../../../../lambda/domain/inspection/options.js';

describe('splitOptions', () => {
  it.each([
    ['--a --b', ['--a', '--b']],
    ['  --a\t\n--b  ', ['--a', '--b']],
    ['--require "/opt/my dir/x.js"', ['--require', '/opt/my dir/x.js']],
    ["-r '/opt/a b.js'", ['-r', '/opt/a b.js']],
    ['--require=/opt/a\\ b.js', ['--require=/opt/a b.js']],
    ['"--require=/opt/q\\"x.js"', ['--require=/opt/q"x.js']],
    ['--x ""', ['--x', '']],
    ['"unclosed value', ['unclosed value']],
    ['', []],
  ])('splits %j', (value, args) => {
    expect(splitOptions(value)).toEqual(args);
  });
});

describe('optionValues', () => {
  const names = ['--require', '-r'];
  it('reads --name value, --name=value and -rvalue', () => {
    expect(optionValues(['--require', 'a', '--require=b', '-r', 'c', '-rd', '--other', 'e'], names)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('gives an empty value for an option at the end', () => {
    expect(optionValues(['--require'], names)).toEqual(['']);
  });

  it('does not read long options as short ones', () => {
    expect(optionValues(['--report-on-signal', '--redirect-warnings=x'], names)).toEqual([]);
  });
});
