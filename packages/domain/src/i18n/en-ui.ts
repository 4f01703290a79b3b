/** English UI strings of the web app, grouped by screen. Placeholders are `{name}`. */
export const enUi = {
  'app.name': 'Tend',
} as const;
