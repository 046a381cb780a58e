import type { Theme } from '@material-ui/core/styles';
import {
  darken,
  decomposeColor,
  getContrastRatio,
  lighten,
  makeStyles,
} from '@material-ui/core/styles';

/** `color` as it shows over `background`, without transparency. */
function opaqueOn(color: string, background: string): string {
  const { values } = decomposeColor(color);
  const alpha = values[3] ?? 1;
  if (alpha >= 1) {
    return color;
  }
  const under = decomposeColor(background).values;
  const mixed = [0, 1, 2].map(i =>
    Math.round(values[i] * alpha + under[i] * (1 - alpha)),
  );
  return `rgb(${mixed.join(', ')})`;
}

/** WCAG AA's least contrast for body text. */
export const AA_TEXT_CONTRAST = 4.5;

/**
 * `color`, darkened in a light theme or lightened in a dark one until text in it reaches
 * WCAG AA contrast on the theme's backgrounds, also under the pointer's hover tint. Backstage's
 * status colours are made for icons and bars: its light theme's success green, for one, is
 * too pale for words.
 */
export function readableColor(color: string, theme: Theme): string {
  const { background, type } = theme.palette;
  // The hover tint is 4% black in the light theme and 8% white in the dark one.
  const hovered =
    type === 'dark'
      ? lighten(background.paper, 0.08)
      : darken(background.paper, 0.04);
  const backgrounds = [background.default, background.paper, hovered];
  const readable = (c: string) =>
    backgrounds.every(bg => getContrastRatio(c, bg) >= AA_TEXT_CONTRAST);
  // A translucent colour (the theme's secondary text is 54% black) is judged, and changed,
  // as it shows on paper.
  let result = opaqueOn(color, background.paper);
  // Ten steps of 10% reach black or white, which always pass on a theme's own background.
  for (let step = 0; step < 10 && !readable(result); step++) {
    result = type === 'dark' ? lighten(result, 0.1) : darken(result, 0.1);
  }
  return result;
}

/**
 * Classes for words in status colours (`error`, `success`), readable in both themes. Use
 * instead of `color="error"`: the theme's error red on white is 3.7:1, under WCAG AA.
 */
export const useStatusTextStyles = makeStyles(theme => ({
  error: { color: readableColor(theme.palette.error.main, theme) },
  success: { color: readableColor(theme.palette.success.main, theme) },
  // The theme's secondary grey is 4.47:1 under the hover tint: just short of AA.
  secondary: { color: readableColor(theme.palette.text.secondary, theme) },
}));
