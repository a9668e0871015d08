import { config } from '#lib/infra/config.ts';

/**
 * The emails the API sends. Each has a plain-text part with the link verbatim and an HTML
 * part; the token travels in the link's fragment, so it never reaches a web server's logs
 * or a Referer.
 */

export const TEMPLATES = ['verify_email', 'reset_password', 'confirm_email_change', 'email_change_notice'] as const;
export type Template = (typeof TEMPLATES)[number];

export interface Message {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export const linkFor = (
  page: 'verify-email' | 'reset-password' | 'confirm-email-change' | 'cancel-email-change',
  token: string,
) => `${config().APP_URL}/${page}#token=${token}`;

function message(subject: string, paragraphs: string[], link?: { url: string; label: string }): Message {
  const text = [...paragraphs.slice(0, 1), ...(link ? [link.url] : []), ...paragraphs.slice(1)].join('\n\n');
  const html = [
    '<!DOCTYPE html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(paragraphs[0] ?? '')}</p>`,
    link
      ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p><p style="font-size:small">${escapeHtml(link.url)}</p>`
      : '',
    ...paragraphs.slice(1).map((p) => `<p>${escapeHtml(p)}</p>`),
    '</body></html>',
  ].join('');
  return { subject, text: `${text}\n`, html };
}

/** Renders a stored outbox row into the message to send. */
export function render(template: Template, payload: Record<string, string>): Message {
  switch (template) {
    case 'verify_email':
      return message(
        'Confirm your email address',
        [
          'Someone (hopefully you) created an account with this email address. Open this link to confirm it; it works for 24 hours:',
          'If you did not create an account, ignore this email: nothing happens without the link.',
        ],
        { url: linkFor('verify-email', payload.token ?? ''), label: 'Confirm my email address' },
      );
    case 'reset_password':
      return message(
        'Reset your password',
        [
          'Someone (hopefully you) asked to reset the password of the account with this email address. Open this link to choose a new password; it works for 30 minutes and signs out every device:',
          'If you did not ask for this, ignore this email: your password stays as it is.',
        ],
        { url: linkFor('reset-password', payload.token ?? ''), label: 'Choose a new password' },
      );
    case 'confirm_email_change':
      return message(
        'Confirm your new email address',
        [
          'Someone (hopefully you) asked to use this address for their account. Open this link to confirm the change; it works for 24 hours:',
          'If you did not ask for this, ignore this email: the account keeps its current address.',
        ],
        { url: linkFor('confirm-email-change', payload.token ?? ''), label: 'Confirm my new email address' },
      );
    case 'email_change_notice':
      return message(
        'A change of your email address was requested',
        [
          'Someone asked to move the account with this email address to another address. The change only takes effect once the new address is confirmed; this link cancels it and signs out every device:',
          'If this was not you, open the link above, then sign in and change your password at once: whoever asked knew it. Until the new address is confirmed this address stays in force.',
        ],
        { url: linkFor('cancel-email-change', payload.token ?? ''), label: 'Cancel the change' },
      );
  }
}
