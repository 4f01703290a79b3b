/** English strings of email: settings, the test message, the outbox. Spread into `en`. */
export const enEmail = {
  'validation.smtpHost': 'Enter the SMTP server’s host name, e.g. smtp.example.com.',
  'validation.smtpPort': 'Enter a port number between 1 and 65535 (usually 587, 465 or 25).',
  'validation.smtpSecurity': 'Choose TLS, STARTTLS or none.',

  // ---- The test message (sent by the server)
  'email.test.subject': 'Test email from {clinic}',
  'email.test.body':
    'This is a test email from Tend, sent by {user} to check {clinic}’s email settings.\n\nIf you can read it, email works: invoices and statements will be sent the same way.',
} as const;
