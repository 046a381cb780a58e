import { getContrastRatio, type Theme } from '@material-ui/core/styles';
import { themes } from '@backstage/theme';
import { AA_TEXT_CONTRAST, readableColor } from './readableColor';

/** Backstage's own theme, as the MUI v4 components on the page get it. */
const v4 = (name: 'light' | 'dark') => themes[name].getTheme('v4') as Theme;

describe('readableColor', () => {
  for (const name of ['light', 'dark'] as const) {
    const theme = v4(name);
    const { background } = theme.palette;

    it.each(['error', 'info', 'success', 'warning'] as const)(
      `makes the ${name} theme's %s colour readable as text on its backgrounds`,
      key => {
        const color = readableColor(theme.palette[key].main, theme);
        for (const bg of [background.default, background.paper]) {
          expect(getContrastRatio(color, bg)).toBeGreaterThanOrEqual(
            AA_TEXT_CONTRAST,
          );
        }
      },
    );
  }

  it("darkens the light theme's success green, too pale for words as it is", () => {
    const theme = v4('light');
    const green = theme.palette.success.main;
    expect(
      getContrastRatio(green, theme.palette.background.paper),
    ).toBeLessThan(AA_TEXT_CONTRAST);
    expect(readableColor(green, theme)).not.toBe(green);
  });

  it("darkens the light theme's translucent secondary grey, short of AA under the hover tint", () => {
    const theme = v4('light');
    const hovered = '#f5f5f5';
    const grey = readableColor(theme.palette.text.secondary, theme);
    expect(getContrastRatio(grey, hovered)).toBeGreaterThanOrEqual(
      AA_TEXT_CONTRAST,
    );
  });

  it('keeps a colour that is already readable', () => {
    const theme = v4('light');
    expect(readableColor('#000000', theme)).toBe('#000000');
  });
});
