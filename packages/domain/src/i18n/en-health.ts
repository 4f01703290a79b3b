/** Admin → System health (GET /api/admin/health). */
export const enHealth = {
  'nav.health': 'System health',
  'health.title': 'System health',
  'health.description':
    'Whether Tend’s database, migrations, outgoing messages and backups are in order, for the whole installation.',
  'health.refresh': 'Check again',
  'health.checkedAt': 'Checked {time}',
  'health.server':
    'Answered by server process {pid}, running for {uptime}: {rss} MB of memory, of which the JavaScript heap {heapUsed} MB in use of {heapTotal} MB.',
  'health.level.ok': 'OK',
  'health.level.warn': 'Needs attention',
  'health.level.fail': 'Not working',
  'health.database': 'Database',
  'health.database.detail': '{engine}, answered in {ms} ms.',
  'health.database.embedded': 'Embedded database',
  'health.database.postgres': 'PostgreSQL',
  'health.migrations': 'Database migrations',
  'health.migrations.detail': '{applied} of {expected} applied; latest {latest}.',
  'health.migrations.pending': 'Not yet applied: {names}. Restart Tend to apply them.',
  'health.migrations.unknown':
    'The database has migrations this version of Tend does not know ({names}): it was used by a newer Tend. Run that version, or restore a backup taken before the upgrade.',
  'health.outbox': 'Outgoing messages',
  'health.outbox.detail': '{due} waiting to be sent, {inDelivery} being sent, {failed} failed in the last 24 hours.',
  'health.outbox.oldest': 'The oldest has waited {minutes} min.',
  'health.outbox.stale':
    'Messages are waiting longer than 15 minutes: check the email and text message settings, and that Tend’s outbox worker runs (the server log says why a pass failed).',
  'health.outbox.failed': 'Some messages could not be sent: open Admin → Outbox to see why and send them again.',
  'health.backup': 'Backups',
  'health.backup.lastOk': 'Last good backup: {time}, {size}.',
  'health.backup.file': 'File: {file}',
  'health.backup.none': 'No backup has been taken yet.',
  'health.backup.lastFailed': 'A backup failed at {time}: {error}',
  'health.backup.advice':
    'No good backup in the last {hours} hours. Run “tend backup” and see docs/operations.md (Backups) for scheduled backups.',
  'health.backup.failedAdvice':
    'The latest backup failed: fix its cause and run “tend backup”; see docs/operations.md.',
  'health.replica': 'Read replica (reports)',
  'health.replica.serving': 'Reports read the replica. It is {seconds} s ({size}) behind the primary.',
  'health.replica.asOf': 'Its data is as of {time}.',
  'health.replica.unavailable':
    'The replica does not answer ({error}): reports read the primary. Check the replica server and DATABASE_READ_URL (docs/scaling.md).',
  'health.replica.behind':
    'The replica is {seconds} s behind, more than {max} s: reports read the primary until it catches up.',
  'health.replica.notStandby':
    'DATABASE_READ_URL names a server that is not a replica (it is not in recovery: a primary, a promoted standby or a restored copy): reports read the primary. Point it at a streaming standby.',
} as const;
