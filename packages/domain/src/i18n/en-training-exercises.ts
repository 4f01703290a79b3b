/** English strings of the training clinic's guided exercises (issue 9). Spread into `en`. */
export const enTrainingExercises = {
  // ---- The exercises (packages/domain/src/training/exercises.ts)
  'training.exercise.findYourWay.title': 'Find your way around the dashboard',
  'training.exercise.findYourWay.why':
    'Tend keeps scheduling, patient records and billing one click from the home page. Knowing where each lives makes every other task quicker.',
  'training.exercise.findYourWay.home': 'Open Home, the dashboard for your role',
  'training.exercise.findYourWay.schedule': 'Open the schedule',
  'training.exercise.findYourWay.search': 'Search for a patient (Patients, or Ctrl+K)',
  'training.exercise.findYourWay.record': 'Open a patient’s record from the search results',

  'training.exercise.book.title': 'Book an appointment',
  'training.exercise.book.why':
    'Booking is what the front desk does most: find the patient, pick an open slot, done. Tend never lets a provider be double-booked.',
  'training.exercise.book.find': 'Find the patient (search by name, birth date or phone)',
  'training.exercise.book.book': 'Book them into an open slot on the schedule',

  'training.exercise.walkIn.title': 'Register a walk-in',
  'training.exercise.walkIn.why':
    'A patient walks in without an appointment: make their profile in two minutes, take their insurance card and fit them into today.',
  'training.exercise.walkIn.register': 'Register a new patient with their contact details',
  'training.exercise.walkIn.insurance': 'Add their insurance card',
  'training.exercise.walkIn.book': 'Book the same patient into an open slot',

  'training.exercise.checkIn.title': 'Check a patient in',
  'training.exercise.checkIn.why':
    'Check-in is the moment to confirm the phone number and insurance are still right, and it tells the provider the patient is here.',
  'training.exercise.checkIn.schedule': 'Open today’s schedule',
  'training.exercise.checkIn.details': 'Confirm a booked patient’s details: update their phone number or address',
  'training.exercise.checkIn.checkIn': 'Check that patient in',

  'training.exercise.copay.title': 'Post a copay',
  'training.exercise.copay.why':
    'The copay is taken at the desk. Posting it right away keeps the patient’s balance true and gives them a receipt.',
  'training.exercise.copay.balance': 'Open a patient’s balance (their Balance tab)',
  'training.exercise.copay.post': 'Post that patient’s copay payment',
  'training.exercise.copay.receipt': 'Print the receipt of that payment',

  'training.exercise.seeWalkIn.title': 'See a walk-in patient',
  'training.exercise.seeWalkIn.why':
    'Not every patient has an appointment: open a visit for a patient who walked in, and record their vitals.',
  'training.exercise.seeWalkIn.open': 'Start a walk-in visit from a patient’s Clinical tab',
  'training.exercise.seeWalkIn.vitals': 'Record that patient’s vitals',

  'training.exercise.signNote.title': 'Write and sign a note',
  'training.exercise.signNote.why':
    'A signed note is locked and turns its services into charges for billing. Practise the whole round here.',
  'training.exercise.signNote.write': 'Write in a visit’s note',
  'training.exercise.signNote.sign': 'Sign that visit',

  // ---- The exercises page and the checklist panel (apps/web/src/training)
  'training.exercises.nav': 'Exercises',
  'training.exercises.title': 'Guided exercises',
  'training.exercises.intro':
    'Practise the everyday tasks in the training clinic: nothing here touches real patients. Start an exercise, then do it anywhere in Tend — each step ticks itself as you do it.',
  'training.exercises.start': 'Start',
  'training.exercises.restart': 'Start again',
  'training.exercises.continue': 'Show checklist',
  'training.exercises.notStarted': 'Not started',
  'training.exercises.inProgress': '{done} of {total} steps done',
  'training.exercises.completed': 'Done',
  'training.exercises.stepDone': 'done',
  'training.exercises.stepToDo': 'to do',
  'training.exercises.empty': 'There are no exercises for your role yet.',
  'training.exercises.notTraining':
    'Exercises are only available in the training clinic. Switch to training from your user menu.',
  'training.panel.label': 'Exercise checklist',
  'training.panel.heading': 'Exercise',
  'training.panel.allDone': 'Well done: every step is done.',
  'training.panel.hide': 'Hide checklist',
  'training.panel.show': 'Show the exercise checklist',
  'training.panel.all': 'All exercises',

  // ---- Server messages
  'training.error.notTraining':
    'Exercises are only available in a training clinic: switch to training from your user menu to practise.',
  'training.error.unknownExercise': 'There is no exercise "{id}" for your role.',
};
