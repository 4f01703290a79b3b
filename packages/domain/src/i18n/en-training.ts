/** The training clinic: the switch, the banner, the reset, the fresh install's demo. */
export const enTraining = {
  'training.banner': 'Training clinic — practice data; nothing here is real and no message leaves',
  'training.bannerLabel': 'Training mode',
  'training.leave': 'Leave training',
  'training.enter': 'Practise in the training clinic',
  'training.entering':
    'Opening the training clinic… The first time, it is filled with practice data: this takes up to a minute.',
  'training.switchFailed': 'Could not switch: {message}',
  'training.resetTitle': 'Reset the training clinic?',
  'training.resetBody':
    'Everything in the training clinic is replaced with fresh practice data: all practice patients, appointments, visits and payments anyone entered there are deleted. People practising stay signed in. The real clinic is not touched.',
  'training.reset': 'Reset training clinic',
  'training.resetDone': 'The training clinic has fresh practice data ({patients} patients).',
  'setup.demoTitle': 'Just looking? Explore the training clinic',
  'setup.demoBody':
    'A clinic full of made-up patients, appointments, visits, invoices and claims, to try every screen. Nothing there is real and no message leaves. When you set up your own clinic below, it becomes your staff’s training clinic.',
  'setup.demoButton': 'Explore the training clinic',
  'setup.demoSignIns': 'Sign in with any of these accounts. Their password: ',
  'setup.demoSignInAs': 'Sign in as {role}',
  'setup.demoCodeFirst': 'Enter the setup code (at the bottom of this page) first.',
} as const;
