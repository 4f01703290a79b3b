/** English strings of two-step sign-in (TOTP): enrolment, the sign-in step, admin reset. Spread into `en`. */
export const enMfa = {
  'validation.totpCode': 'Enter the 6-digit code your authenticator app shows.',
  'validation.recoveryCode': 'Enter a recovery code as printed, e.g. abcd-efgh-ijkl-mnop.',
  'validation.mfaCodeOrRecovery': 'Enter either the code from the app or a recovery code.',

  // ---- Sign-in, second step
  'mfa.signIn.title': 'Two-step sign-in',
  'mfa.signIn.subtitle': 'Enter the 6-digit code your authenticator app shows for Tend.',
  'mfa.signIn.recoverySubtitle': 'Enter one of your recovery codes. Each code works once.',
  'mfa.signIn.code': 'Code',
  'mfa.signIn.recoveryCode': 'Recovery code',
  'mfa.signIn.useRecovery': 'Lost your phone? Use a recovery code',
  'mfa.signIn.useCode': 'Use the code from the app',
  'mfa.signIn.submit': 'Verify',
  'mfa.signIn.back': 'Back to email and password',

  // ---- Lock screen
  'lock.code': 'Code from your authenticator app',
  'lock.codeRequired': 'Enter the 6-digit code from your authenticator app.',

  // ---- The person's own two-step sign-in
  'nav.accountSecurity': 'Two-step sign-in',
  'mfa.title': 'Two-step sign-in',
  'mfa.description':
    'Signing in asks for a code from an authenticator app on your phone as well as your password, so a stolen password alone does not open Tend.',
  'mfa.statusOn': 'On',
  'mfa.statusOff': 'Off',
  'mfa.requiredByClinic': 'Your clinic requires two-step sign-in for your role.',
  'mfa.recoveryLeft': 'Recovery codes left: {count}',
  'mfa.setUp': 'Set up two-step sign-in',
  'mfa.requiredTitle': 'Set up two-step sign-in to continue',
  'mfa.requiredBody':
    'Your clinic requires two-step sign-in for your role. Set it up now; until then Tend shows nothing else.',
  'mfa.stepScan':
    'Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, FreeOTP…).',
  'mfa.qrAlt': 'QR code to add Tend to your authenticator app',
  'mfa.manualKey': 'Cannot scan? Enter this key in the app by hand (time-based, 6 digits):',
  'mfa.stepConfirm': 'Then enter the 6-digit code the app shows to turn two-step sign-in on.',
  'mfa.code': 'Code from the app',
  'mfa.confirm': 'Turn on',
  'mfa.cancel': 'Cancel',
  'mfa.enabled': 'Two-step sign-in is on. Your other sessions were signed out.',
  'mfa.recoveryTitle': 'Your recovery codes',
  'mfa.recoveryHint':
    'Each code signs you in once without your phone. Copy or print them now and keep them somewhere safe: Tend shows them only this once.',
  'mfa.copy': 'Copy codes',
  'mfa.copied': 'Copied',
  'mfa.print': 'Print',
  'mfa.recoveryDone': 'I have saved my codes',
  'mfa.disable': 'Turn off two-step sign-in',
  'mfa.disableTitle': 'Turn off two-step sign-in',
  'mfa.disableBody':
    'Confirm with your password and a current code from the app. Your other sessions will be signed out.',
  'mfa.password': 'Password',
  'mfa.disabled': 'Two-step sign-in is off.',

  // ---- Admin: staff and clinic settings
  'staff.mfa': 'Two-step sign-in',
  'staff.mfaOn': 'On',
  'staff.mfaOff': 'Not set up',
  'staff.mfaReset': 'Reset two-step sign-in',
  'staff.mfaResetTitle': 'Reset two-step sign-in of {name}?',
  'staff.mfaResetBody':
    'For a lost or replaced phone. Their two-step sign-in and recovery codes are cleared and they are signed out everywhere; they can set it up again at their next sign-in.',
  'staff.mfaResetDone': 'Two-step sign-in of {name} was reset.',
  'clinic.mfaRequiredRoles': 'Require two-step sign-in for',
  'clinic.mfaRequiredRolesHint':
    'People in these roles must set up an authenticator app at their next sign-in. Choose every role to require it for all staff.',
} as const;
