// Makes a data folder whose clinic is a training clinic, for e2e/exercises.spec.ts and for
// screenshots, until the training switch (issue 9) can be driven from the user menu:
//   npx tsx e2e/training-clinic.ts <data dir> <admin email> <password> <receptionist email>
// The folder must not be in use by a running server (the embedded database has one owner).
import { migrate, openDatabase, schema } from '@tend/db';
import { runCommand } from '../apps/server/src/cli/commands';

const [dataDir, adminEmail, password, receptionistEmail] = process.argv.slice(2);
if (!dataDir || !adminEmail || !password || !receptionistEmail) {
  console.error('usage: training-clinic.ts <data dir> <admin email> <password> <receptionist email>');
  process.exit(2);
}
const database = await openDatabase({ dataDir });
try {
  await migrate(database);
  const args = ['--timezone', 'America/New_York', '--admin-email', adminEmail, '--admin-password', password];
  console.log(
    await runCommand(database, ['setup', '--clinic', 'Practice Clinic', '--admin-name', 'Ada Admin', ...args]),
  );
  console.log(
    await runCommand(database, [
      'user',
      'add',
      '--email',
      receptionistEmail,
      '--name',
      'Rita Reception',
      '--role',
      'receptionist',
      '--password',
      password,
    ]),
  );
  // What the training switch will do for real: this clinic is a training clinic.
  await database.db.update(schema.clinics).set({ isTraining: true });
  console.log('The clinic is a training clinic.');
} finally {
  await database.close();
}
