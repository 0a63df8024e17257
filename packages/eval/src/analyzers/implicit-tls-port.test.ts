import { describe, expect, it } from 'vitest';
import { implicitTlsPortAnalyzer } from './implicit-tls-port.js';
import { ctx, expectBounded, log } from './observed.fixture.js';

const POD = 'mailer-6d9f7c8b4-x2k9p';
const finds = (lines: string[]) => implicitTlsPortAnalyzer.finds(ctx('mail', [log('mail', POD, lines)]));

describe('implicit-tls-port', () => {
  it.each([
    {
      what: 'STARTTLS on imaps 993, timed out waiting for the greeting',
      lines: [
        'Mailbox: Support (imap.example.net:993, imap, encryption: tls)',
        'Error: Connection setup failed: timed out after 300 seconds waiting for server greeting',
      ],
      words: ['port 993', 'IMAP over implicit TLS', 'STARTTLS belongs on port 143'],
    },
    {
      what: 'STARTTLS on submissions 465, reset by the server',
      lines: ['smtp: dialing 10.0.4.7:465 with STARTTLS', 'smtp: read: connection reset by peer'],
      words: ['port 465', 'SMTP submission over implicit TLS', 'port 587'],
    },
    {
      what: 'implicit TLS on plain IMAP 143',
      lines: ['connecting imap.example.net:143 encryption=ssl', 'SSL routines::wrong version number'],
      words: ['speaks TLS from the first byte to port 143', 'STARTTLS', 'port 993'],
    },
    {
      what: 'an ldaps:// URL on port 389',
      lines: [
        'bind to ldaps://dir.example.net:389 as cn=svc',
        'tls: first record does not look like a TLS handshake',
      ],
      words: ['port 389', 'LDAP, plain text upgraded with StartTLS', 'port 636'],
    },
  ])('finds $what', ({ lines, words }) => {
    const [f] = finds(lines);
    expect(f?.object).toBe('deployment mailer');
    for (const w of words) expect(f?.cause).toContain(w);
    expect(f?.evidence).toHaveLength(2);
  });

  it('quotes the latest setting line that a failure follows, not an older one from before the change', () => {
    const [f] = finds([
      '[2026-03-01 10:00:01] Mailbox: Billing (imap.example.net:993, encryption: tls)',
      '[2026-03-01 10:00:02] Fetched: 3',
      '[2026-03-09 10:00:01] Mailbox: Support (imap.example.net:993, encryption: tls)',
      '[2026-03-09 10:05:01] Error: timed out waiting for server greeting; Mailbox: Support',
      '[2026-03-09 10:06:01] Mailbox: Support (imap.example.net:993, encryption: tls)',
    ]);
    expect(f?.evidence[0]).toContain('2026-03-09 10:00:01');
  });

  it.each([
    {
      what: 'STARTTLS on the port made for it',
      lines: ['smtp.example.net:587 STARTTLS', 'timed out waiting for server greeting'],
    },
    {
      what: 'implicit TLS on the port made for it',
      lines: ['imaps://imap.example.net:993', 'SSL routines::wrong version number'],
    },
    {
      what: 'a mismatch that nothing failed after',
      lines: ['timed out waiting for server greeting', 'imap.example.net:993 encryption: tls'],
    },
    {
      what: 'a clock time that reads like a port 25',
      lines: ['07:25:01 encryption=ssl', 'SSL routines::wrong version number'],
    },
    { what: 'a failure of another kind', lines: ['imap.example.net:993 STARTTLS', 'authentication failed'] },
  ])('finds nothing for $what', ({ lines }) => {
    expect(finds(lines)).toEqual([]);
  });

  it('leaves a log of another namespace alone', () => {
    const seen = [
      log('other', POD, ['imap.example.net:993 STARTTLS', 'timed out waiting for server greeting']),
    ];
    expect(implicitTlsPortAnalyzer.finds(ctx('mail', seen))).toEqual([]);
  });

  it('does bounded work on long lines of ports and modes', () => {
    const bad = Array.from({ length: 2000 }, () => `${'a:1'.repeat(600)} starttls`);
    const benign = Array.from({ length: 2000 }, () => 'x'.repeat(1800));
    expectBounded(
      () => finds(bad),
      () => finds(benign),
    );
  });
});
