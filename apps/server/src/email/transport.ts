import { readFileSync } from 'node:fs';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { openSecret } from './secret-box';
import type { EmailEnv, StoredEmailSettings } from './settings';

/** The one place that talks SMTP (nodemailer), and turns its failures into sentences an admin can act on. */

export interface MailToSend {
  from: { name: string | null; address: string };
  to: string;
  subject: string;
  text: string;
  html: string | null;
  messageId: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export type DeliveryOutcome = { ok: true; messageId: string } | { ok: false; error: string };

export function transportOptions(settings: StoredEmailSettings, env: EmailEnv): SMTPTransport.Options {
  const password = settings.passwordEncrypted ? openSecret(env, settings.passwordEncrypted) : undefined;
  return {
    host: settings.host,
    port: settings.port,
    // tls: encrypted from the first byte; starttls: must upgrade (never falls back to plain text);
    // none: plain text, even if the server offers STARTTLS.
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(settings.username ? { auth: { user: settings.username, pass: password ?? '' } } : {}),
    tls: env.smtpCaFile ? { ca: readFileSync(env.smtpCaFile, 'utf8') } : {},
    // A wrong host or port should fail within seconds, not hold the request for minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

export async function deliverOverSmtp(
  settings: StoredEmailSettings,
  env: EmailEnv,
  mail: MailToSend,
): Promise<DeliveryOutcome> {
  const { default: nodemailer } = await import('nodemailer');
  let transporter: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  try {
    transporter = nodemailer.createTransport(transportOptions(settings, env));
    const info = await transporter.sendMail({
      from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      messageId: mail.messageId,
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
    });
    if (info.rejected.length) {
      return { ok: false, error: `The SMTP server refused the recipient ${mail.to}: ${info.response}` };
    }
    return { ok: true, messageId: info.messageId || mail.messageId };
  } catch (error) {
    return { ok: false, error: describeSmtpError(error, settings) };
  } finally {
    transporter?.close();
  }
}

interface SmtpError {
  message?: string;
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
}

/** A sentence that says what went wrong and what to check, followed by the server's own words. */
export function describeSmtpError(
  error: unknown,
  settings: Pick<StoredEmailSettings, 'host' | 'port' | 'security'>,
): string {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpError;
  const server = `${settings.host}:${settings.port}`;
  const said = (e.response ?? e.message ?? 'no answer').trim();
  const message = e.message ?? '';
  if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(message)) {
    return `The SMTP server ${server} presented a certificate Tend does not trust (${said}). Use the host name on its certificate, or give the server's certificate authority in TEND_SMTP_CA_FILE.`;
  }
  if (/wrong version number|packet length too long|ssl3_get_record|unknown protocol/i.test(message)) {
    return `The SMTP server ${server} does not speak TLS from the start (${said}). Choose STARTTLS (usually port 587) or check the port.`;
  }
  switch (e.code) {
    case 'EAUTH':
      return `The SMTP server ${server} refused the user name or password: ${said}`;
    case 'ENOAUTH':
      return `The SMTP server ${server} asks for a user name and password: ${said}`;
    case 'ETLS':
      return `The SMTP server ${server} does not offer STARTTLS (${said}). Choose "None" only if the server is on your own network, or use its TLS port.`;
    case 'EDNS':
      return `Tend cannot find the SMTP server ${settings.host}: ${said}. Check the host name.`;
    case 'ECONNECTION':
    case 'ESOCKET':
      return `Tend could not talk to the SMTP server ${server}: ${said}. Check the host, port and security setting.`;
    case 'ETIMEDOUT':
      return `The SMTP server ${server} did not answer in time: ${said}. Check the host and port, and that a firewall lets Tend reach it.`;
    case 'EENVELOPE':
      return `The SMTP server ${server} refused the sender or recipient: ${said}`;
    case 'EMESSAGE':
      return `The SMTP server ${server} refused the message: ${said}`;
    default:
      return `Sending through ${server} failed: ${said}`;
  }
}
