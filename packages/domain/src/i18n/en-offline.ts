/** The browser's offline copy: the banner, the read-only schedule and what happens without one. */
export const enOffline = {
  'offline.banner': 'Offline — as of {time}',
  'offline.bannerNoCopy': 'Offline',
  'offline.bannerBody':
    'Tend cannot reach the server. This is a read-only copy of today’s and tomorrow’s schedule taken at {time} (clinic time): changes made since are not in it. Write new bookings and changes on paper until Tend is back.',
  'offline.bannerBodyNoCopy':
    'Tend cannot reach the server, and this device holds no offline copy of the schedule. Use the printed schedule until Tend is back.',
  'offline.retry': 'Try again now',
  'offline.signOut': 'Sign out and remove the copy',
  'offline.checking': 'Trying again every {seconds} seconds.',
  'offline.title': 'Offline schedule',
  'offline.clinic': '{clinic} — {timezone}',
  'offline.dayToday': 'Today, {date}',
  'offline.dayTomorrow': 'Tomorrow, {date}',
  'offline.chooseDay': 'Day',
  'offline.noAppointments': 'No appointments on this day.',
  'offline.appointmentCount': '{count} appointments',
  'offline.appointmentCountOne': '1 appointment',
  'offline.column.time': 'Time',
  'offline.column.patient': 'Patient',
  'offline.column.birthDate': 'Born',
  'offline.column.phones': 'Phone',
  'offline.column.type': 'Type',
  'offline.column.room': 'Room',
  'offline.column.status': 'Status',
  'offline.mrn': 'MRN {mrn}',
  'offline.noPhone': 'No phone',
  'offline.lockedTitle': 'Tend is locked on this device',
  'offline.lockedBody':
    'The server cannot be reached to check a password, so the offline copy stays hidden. Use the printed schedule until Tend is back.',
} as const;
