import {
  Autocomplete,
  ColorInput,
  type CSSVariablesResolver,
  createTheme,
  Drawer,
  DrawerHeader,
  type DrawerHeaderProps,
  type MantineColorsTuple,
  Modal,
  ModalHeader,
  type ModalHeaderProps,
  mergeThemeOverrides,
  NativeSelect,
  Notification,
  NumberInput,
  PasswordInput,
  Portal,
  Select,
  Table,
  Textarea,
  TextInput,
} from '@mantine/core';
import { t } from '@tend/domain';

/**
 * Tend's calm teal. Filled buttons and links use shade 8 of every color (4.5:1 or better against
 * white, so red buttons pass too).
 */
const tend: MantineColorsTuple = [
  '#e7f6f8',
  '#d0eef2',
  '#a6dee6',
  '#79cdd9',
  '#52bdcc',
  '#39b0c1',
  '#2399ab',
  '#16889a',
  '#0f7c8c',
  '#0b6a78',
];

/** Where every menu, dropdown, dialog and notification renders (hidden with the app when locked). */
export const PORTAL_TARGET = '#tend-portals';

export const theme = createTheme({
  primaryColor: 'tend',
  colors: { tend },
  primaryShade: { light: 8, dark: 6 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  fontFamily:
    'Inter, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji"',
  headings: {
    fontWeight: '650',
    sizes: {
      h1: { fontSize: '1.65rem', lineHeight: '1.3' },
      h2: { fontSize: '1.2rem', lineHeight: '1.35' },
      h3: { fontSize: '1.05rem', lineHeight: '1.4' },
    },
  },
  components: {
    Portal: Portal.extend({ defaultProps: { target: PORTAL_TARGET } }),
    Modal: Modal.extend({
      defaultProps: { centered: true, radius: 'md', closeButtonProps: { 'aria-label': t('common.close') } },
    }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
    DrawerHeader: DrawerHeader.extend({ defaultProps: { component: 'div' } as Partial<DrawerHeaderProps> }),
    // A dialog's header is not a page banner (axe: one banner landmark per page).
    ModalHeader: ModalHeader.extend({ defaultProps: { component: 'div' } as Partial<ModalHeaderProps> }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
    // Required fields get their asterisk from CSS (global.css), so labels are plain text.
    TextInput: TextInput.extend({ defaultProps: { autoComplete: 'off', withAsterisk: false } }),
    // The eye button's name must not contain "password" (getByLabel('Password') finds one element).
    PasswordInput: PasswordInput.extend({
      defaultProps: { withAsterisk: false, visibilityToggleButtonProps: { 'aria-label': t('common.showTyped') } },
    }),
    Textarea: Textarea.extend({ defaultProps: { withAsterisk: false } }),
    NumberInput: NumberInput.extend({ defaultProps: { withAsterisk: false } }),
    ColorInput: ColorInput.extend({ defaultProps: { withAsterisk: false } }),
    Select: Select.extend({
      defaultProps: { allowDeselect: false, withAsterisk: false, comboboxProps: { shadow: 'md' } },
    }),
    NativeSelect: NativeSelect.extend({ defaultProps: { withAsterisk: false } }),
    Autocomplete: Autocomplete.extend({
      defaultProps: { autoComplete: 'off', withAsterisk: false, comboboxProps: { shadow: 'md' } },
    }),
    Table: Table.extend({ defaultProps: { verticalSpacing: 'xs', highlightOnHover: true } }),
  },
});

/**
 * The training clinic's theme: the same, with a loud violet accent instead of the calm teal, so
 * every button, link and highlight says "practice" (with the banner on every screen).
 */
export const trainingTheme = mergeThemeOverrides(theme, createTheme({ primaryColor: 'grape' }));

/**
 * Contrast fixes (axe, WCAG AA): Mantine's default dimmed text, error text and the "light"
 * badges of green/orange/yellow/teal are too pale on white.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5c6670',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': '#7a828a',
    '--mantine-color-body': '#ffffff',
    // Light buttons and the current navigation item keep 4.5:1 when hovered.
    '--mantine-color-tend-light-hover': '#bfe7ed',
    '--mantine-color-green-light-color': '#1b5e20',
    '--mantine-color-green-light': 'var(--mantine-color-green-0)',
    '--mantine-color-teal-light-color': '#0a5c44',
    '--mantine-color-teal-light': 'var(--mantine-color-teal-0)',
    '--mantine-color-orange-light-color': '#a33a08',
    '--mantine-color-orange-light': 'var(--mantine-color-orange-0)',
    '--mantine-color-yellow-light-color': '#6b4700',
    '--mantine-color-yellow-light': 'var(--mantine-color-yellow-0)',
    '--mantine-color-gray-light-color': 'var(--mantine-color-gray-8)',
    '--mantine-color-red-light': 'var(--mantine-color-red-0)',
    // The training accent's light buttons and current navigation item.
    '--mantine-color-grape-light-color': 'var(--mantine-color-grape-9)',
    '--mantine-color-grape-light': 'var(--mantine-color-grape-0)',
    '--mantine-color-grape-light-hover': 'var(--mantine-color-grape-1)',
  },
  dark: {},
});
