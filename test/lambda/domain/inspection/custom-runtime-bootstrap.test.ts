import { customRuntimeBootstrap } from '../../../../lambda/domain/inspection/custom-runtime-bootstrap.js';
import { executable, file, view } from './entries.js';

describe('custom-runtime-bootstrap', () => {
  it('reports an executable bootstrap at the root', () => {
    expect(customRuntimeBootstrap.evaluate(view([executable('bootstrap')]))).toEqual([
      expect.objectContaining({ id: 'custom-runtime-bootstrap', severity: 'medium', path: 'bootstrap' }),
    ]);
  });

  it('reports a bootstrap without execute permission at low, and ./bootstrap as bootstrap', () => {
    const [s] = customRuntimeBootstrap.evaluate(view([file('./bootstrap')]));
    expect(s?.severity).toBe('low');
    expect(s?.reason).toMatch(/no execute permission/);
  });

  it('ignores a bootstrap below the root and a directory named bootstrap', () => {
    expect(
      customRuntimeBootstrap.evaluate(
        view([executable('bin/bootstrap'), { ...file('bootstrap/'), mode: 0o040755 }]),
      ),
    ).toEqual([]);
  });
});
