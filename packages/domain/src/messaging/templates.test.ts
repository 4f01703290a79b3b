import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATES,
  MESSAGE_KINDS,
  messageDateTime,
  renderTemplate,
  smsParts,
  templateProblems,
} from './templates';

describe('templates', () => {
  it('fill in variables, leaving none in braces', () => {
    const text = renderTemplate(DEFAULT_TEMPLATES.reminder.sms.body, {
      clinic: 'Harbor Clinic',
      date: 'Mon 9 Mar',
      time: '10:00',
      provider: 'Dr Ruiz',
      confirmLink: 'https://t.example/r/abc',
      cancelLink: 'https://t.example/r/def',
    });
    expect(text).toBe(
      'Harbor Clinic: reminder of your appointment on Mon 9 Mar at 10:00 with Dr Ruiz. Confirm: https://t.example/r/abc Cancel: https://t.example/r/def Reply STOP to opt out.',
    );
    expect(renderTemplate('Hi {firstName}', {})).toBe('Hi ');
  });

  it('Tend’s own wording uses only each kind’s variables', () => {
    for (const kind of MESSAGE_KINDS) {
      expect(templateProblems(kind, 'email', DEFAULT_TEMPLATES[kind].email), kind).toEqual([]);
      expect(templateProblems(kind, 'sms', DEFAULT_TEMPLATES[kind].sms), kind).toEqual([]);
    }
  });

  it('say what is wrong with a clinic’s own wording', () => {
    expect(templateProblems('reminder', 'sms', { subject: '', body: 'See you {date}, {diagnosis}' })).toEqual([
      expect.stringMatching(/^\{diagnosis\} is not a variable of this message; use \{firstName\}/),
      'Add {time}: the message is of no use without it.',
    ]);
    // The date may be in the subject; a text has no subject to lean on.
    expect(templateProblems('reminder', 'email', { subject: 'On {date}', body: 'At {time}' })).toEqual([]);
    expect(templateProblems('reminder', 'sms', { subject: '{date}', body: 'At {time}' })).toEqual([
      'Add {date}: the message is of no use without it.',
    ]);
    expect(templateProblems('waitlist_offer', 'sms', { subject: '', body: '{date} {time} is free. Call us.' })).toEqual(
      ['Add {acceptLink}: the message is of no use without it.'],
    );
    expect(templateProblems('recall', 'sms', { subject: '', body: 'Time for a visit.' })).toEqual([
      'Add {bookLink} or {clinicPhone}: the patient needs one of them.',
    ]);
    expect(templateProblems('recall', 'sms', { subject: '', body: 'Time for a visit: {clinicPhone}' })).toEqual([]);
    expect(templateProblems('booked', 'email', { subject: ' ', body: '' })).toEqual([
      'Write the message text.',
      'Write a subject for the email.',
    ]);
  });

  it('write an appointment’s date and time in its time zone, short in a text', () => {
    const start = new Date('2027-07-06T14:00:00Z');
    expect(messageDateTime(start, 'America/New_York', 'sms')).toEqual({ date: 'Tue, Jul 6', time: '10:00 AM' });
    expect(messageDateTime(start, 'Europe/Berlin', 'email')).toEqual({
      date: 'Tuesday, July 6, 2027',
      time: '4:00 PM',
    });
  });

  it('count text parts as phones bill them', () => {
    expect(smsParts('a'.repeat(160))).toEqual({ parts: 1, unicode: false, characters: 160 });
    expect(smsParts('a'.repeat(161)).parts).toBe(2);
    expect(smsParts('€'.repeat(80)).parts).toBe(1); // extended characters count twice
    expect(smsParts('Zoë 😀')).toMatchObject({ parts: 1, unicode: true });
    expect(smsParts('ő'.repeat(71)).parts).toBe(2);
  });
});
