/** English strings of messaging: the patient's link page, reminders and texts settings. */
export const enMessaging = {
  'link.title': 'Your appointment',
  'link.loading': 'Looking up your appointment…',
  'link.with': 'with {provider}',
  'link.confirm': 'Confirm my appointment',
  'link.cancel': 'Cancel my appointment',
  'link.anotherTime': 'Please contact me to find another time',
  'link.failed': 'Something went wrong. Please try again, or call the clinic.',
} as const;
