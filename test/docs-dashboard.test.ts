/**
 * README's picture of the operations dashboard is drawn from the synthesized dashboard body, and its
 * table explains exactly the widgets the body has, so neither can drift from what is deployed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardOf, layoutPicture, titleOf } from './support/dashboard-body.js';
import { allDeployments, MODES, type ModeCase, synthesizeDeployment } from './support/deployments.js';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('README: the operations dashboard', () => {
  it('pictures the layout of the synthesized dashboard', () => {
    const block =
      /<!-- dashboard-layout:start -->\n```text\n([\s\S]*?)\n```\n<!-- dashboard-layout:end -->/.exec(readme);
    const { widgets } = dashboardOf(synthesizeDeployment(MODES[0] as ModeCase).detector);
    expect(block?.[1]).toBe(layoutPicture(widgets));
  });

  it('says what each widget means, for every widget of every mode and no other', () => {
    const table =
      /<!-- dashboard-widgets:start -->\n([\s\S]*?)\n<!-- dashboard-widgets:end -->/.exec(readme)?.[1] ?? '';
    const rows = table
      .split('\n')
      .filter((l) => l.startsWith('|') && !/^\|\s*(Widget|---)/.test(l))
      .map((l) => l.split('|').map((c) => c.trim()));
    const explained = rows.map(([, title]) => title);
    expect(rows.every(([, , meaning]) => (meaning ?? '').length > 20)).toBe(true);
    for (const d of allDeployments()) {
      const titles = dashboardOf(d.detector)
        .widgets.filter((w) => w.type !== 'text')
        .map(titleOf);
      expect({ mode: d.name, titles }).toEqual({ mode: d.name, titles: explained });
    }
  });
});
