import { t } from '../i18n';

/**
 * Message templates: what a reminder, a booking notice, a recall or a waitlist offer says, per
 * clinic, channel and language, with {variables}. Tend's defaults are plain and say nothing
 * clinical (no visit type, no reason): a text can be read by anyone holding the phone.
 */

export const MESSAGE_KINDS = [
  'reminder',
  'booked',
  'rescheduled',
  'cancelled',
  'recall',
  'waitlist_offer',
  'balance',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

const APPOINTMENT = ['firstName', 'clinic', 'clinicPhone', 'date', 'time', 'provider', 'location'] as const;

/** The variables each kind of message may use. */
export const TEMPLATE_VARIABLES: Record<MessageKind, readonly string[]> = {
  reminder: [...APPOINTMENT, 'confirmLink', 'cancelLink'],
  booked: [...APPOINTMENT, 'cancelLink'],
  rescheduled: [...APPOINTMENT, 'cancelLink'],
  cancelled: [...APPOINTMENT],
  recall: ['firstName', 'clinic', 'clinicPhone', 'dueDate', 'bookLink'],
  waitlist_offer: [...APPOINTMENT, 'acceptLink', 'holdUntil'],
  balance: ['firstName', 'clinic', 'clinicPhone', 'amount', 'invoiceNumber'],
};

/**
 * What a message of each kind must say to be of use, each entry one variable or a choice of
 * several: when the appointment is, how to take an offered time, how to book a recall.
 */
export const REQUIRED_VARIABLES: Record<MessageKind, readonly (readonly string[])[]> = {
  reminder: [['date'], ['time']],
  booked: [['date'], ['time']],
  rescheduled: [['date'], ['time']],
  cancelled: [['date'], ['time']],
  recall: [['bookLink', 'clinicPhone']],
  waitlist_offer: [['date'], ['time'], ['acceptLink']],
  balance: [['amount']],
};

export interface Template {
  /** Email only. */
  subject: string;
  body: string;
}

/** Tend's English wording, used until a clinic writes its own. */
export const DEFAULT_TEMPLATES: Record<MessageKind, Record<Channel, Template>> = {
  reminder: {
    email: {
      subject: 'Reminder: your appointment on {date} at {time}',
      body: 'Hello {firstName},\n\nThis is a reminder of your appointment at {clinic} on {date} at {time} with {provider}, {location}.\n\nConfirm: {confirmLink}\nCancel or ask for another time: {cancelLink}\n\nThe appointment is attached for your calendar. Questions? Call us at {clinicPhone}.\n\n{clinic}',
    },
    sms: {
      subject: '',
      body: '{clinic}: reminder of your appointment on {date} at {time} with {provider}. Confirm: {confirmLink} Cancel: {cancelLink} Reply STOP to opt out.',
    },
  },
  booked: {
    email: {
      subject: 'Your appointment on {date} at {time}',
      body: 'Hello {firstName},\n\nYour appointment at {clinic} is booked for {date} at {time} with {provider}, {location}.\n\nCan’t make it? Cancel or ask for another time: {cancelLink}\n\n{clinic} · {clinicPhone}',
    },
    sms: {
      subject: '',
      body: '{clinic}: your appointment is booked for {date} at {time} with {provider}. Cancel: {cancelLink}',
    },
  },
  rescheduled: {
    email: {
      subject: 'Your appointment has moved to {date} at {time}',
      body: 'Hello {firstName},\n\nYour appointment at {clinic} is now on {date} at {time} with {provider}, {location}.\n\nCan’t make it? Cancel or ask for another time: {cancelLink}\n\n{clinic} · {clinicPhone}',
    },
    sms: {
      subject: '',
      body: '{clinic}: your appointment has moved to {date} at {time} with {provider}. Cancel: {cancelLink}',
    },
  },
  cancelled: {
    email: {
      subject: 'Your appointment on {date} at {time} is cancelled',
      body: 'Hello {firstName},\n\nYour appointment at {clinic} on {date} at {time} is cancelled. To book another time, call us at {clinicPhone}.\n\n{clinic}',
    },
    sms: {
      subject: '',
      body: '{clinic}: your appointment on {date} at {time} is cancelled. To book another time, call {clinicPhone}.',
    },
  },
  recall: {
    email: {
      subject: 'Time to book your next visit at {clinic}',
      body: 'Hello {firstName},\n\nYou are due for a visit at {clinic} around {dueDate}. Book a time: {bookLink} or call us at {clinicPhone}.\n\n{clinic}',
    },
    sms: {
      subject: '',
      body: '{clinic}: you are due for a visit around {dueDate}. Book: {bookLink} or call {clinicPhone}.',
    },
  },
  waitlist_offer: {
    email: {
      subject: 'An earlier appointment is free: {date} at {time}',
      body: 'Hello {firstName},\n\nAn appointment at {clinic} is free on {date} at {time} with {provider}, {location}. It is held for you until {holdUntil}.\n\nTake it: {acceptLink}\n\n{clinic} · {clinicPhone}',
    },
    sms: {
      subject: '',
      body: '{clinic}: an earlier time is free on {date} at {time} with {provider}, held for you until {holdUntil}. Take it: {acceptLink}',
    },
  },
  balance: {
    email: {
      subject: 'A friendly reminder from {clinic}',
      body: 'Hello {firstName},\n\nOur records show a balance of {amount} on invoice {invoiceNumber} (attached). If you have paid already, thank you and please ignore this message. Questions? Call us at {clinicPhone}.\n\n{clinic}',
    },
    sms: {
      subject: '',
      body: '{clinic}: a balance of {amount} is open on invoice {invoiceNumber}. Already paid? Thank you. Questions? Call {clinicPhone}.',
    },
  },
};

const VARIABLE = /\{([a-zA-Z]+)\}/g;

/** Fills in {variables}; a variable without a value is left empty rather than shown in braces. */
export function renderTemplate(text: string, values: Readonly<Record<string, string | null | undefined>>): string {
  return text.replace(VARIABLE, (_, name: string) => values[name] ?? '');
}

const braced = (names: readonly string[]) => names.map((name) => `{${name}}`);

/**
 * What is wrong with a template a clinic wrote: unknown variables, a required one left out (the
 * date and time of an appointment, the link to take an offer), empty text, a multi-line subject.
 */
export function templateProblems(kind: MessageKind, channel: Channel, template: Template): string[] {
  const problems: string[] = [];
  const allowed = TEMPLATE_VARIABLES[kind];
  const texts = channel === 'email' ? [template.subject, template.body] : [template.body];
  const used = new Set<string>();
  for (const text of texts) {
    for (const [, name] of text.matchAll(VARIABLE)) {
      if (!name) continue;
      used.add(name);
      if (!allowed.includes(name)) {
        problems.push(t('templates.problem.unknown', { name: `{${name}}`, allowed: braced(allowed).join(', ') }));
      }
    }
  }
  if (!template.body.trim()) problems.push(t('templates.problem.noBody'));
  else {
    for (const choice of REQUIRED_VARIABLES[kind]) {
      if (choice.some((name) => used.has(name))) continue;
      problems.push(
        choice.length === 1
          ? t('templates.problem.required', { name: braced(choice)[0] ?? '' })
          : t('templates.problem.requiredOne', { names: braced(choice).join(t('templates.problem.or')) }),
      );
    }
  }
  if (channel === 'email' && !template.subject.trim()) problems.push(t('templates.problem.noSubject'));
  if (/[\r\n]/.test(template.subject)) problems.push(t('templates.problem.subjectLine'));
  return [...new Set(problems)];
}

/**
 * An appointment's date and time as messages write them, in the time zone of its location: a
 * text is short ("Tue, Jul 6", "10:00 AM"), an email spells it out ("Tuesday, July 6, 2027").
 */
export function messageDateTime(instant: Date, timeZone: string, channel: Channel): { date: string; time: string } {
  const { date, time } = messageFormats(timeZone, channel);
  return { date: date.format(instant), time: time.format(instant) };
}

/**
 * The formatters of one time zone and channel, made once: making an Intl.DateTimeFormat costs
 * ≈0.1 ms, far more than formatting with it, and each holds ICU memory outside the JavaScript heap
 * until it is collected — made two per message, they let the server's memory grow by ≈200 MB under
 * a booking load (docs/performance.md, "Booking: where the CPU went").
 */
const formats = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();
function messageFormats(timeZone: string, channel: Channel) {
  const key = `${channel} ${timeZone}`;
  let made = formats.get(key);
  if (!made) {
    made = {
      date: new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: channel === 'sms' ? 'short' : 'long',
        month: channel === 'sms' ? 'short' : 'long',
        day: 'numeric',
        ...(channel === 'email' ? { year: 'numeric' as const } : {}),
      }),
      time: new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }),
    };
    formats.set(key, made);
  }
  return made;
}

// GSM 03.38 basic set: texts in it are sent 7 bits a character (160 in one part, 153 per part when
// split); anything else (é is in it, but emoji, ő or Cyrillic are not) makes it 70/67 per part.
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€';

/** How many parts a text takes (each part is billed as one message). */
export function smsParts(body: string): { parts: number; unicode: boolean; characters: number } {
  const chars = [...body];
  const unicode = chars.some((ch) => !GSM7.includes(ch) && !GSM7_EXTENDED.includes(ch));
  const units = unicode ? chars.length : chars.reduce((sum, ch) => sum + (GSM7_EXTENDED.includes(ch) ? 2 : 1), 0);
  const single = unicode ? 70 : 160;
  const multi = unicode ? 67 : 153;
  return { parts: units <= single ? 1 : Math.ceil(units / multi), unicode, characters: chars.length };
}
