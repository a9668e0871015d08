import { describe, expect, it } from 'vitest';
import { emailSubject, ipSubject } from '#lib/infra/rate-limit.ts';

describe('rate-limit subjects', () => {
  it.each([
    ['203.0.113.7', 'ip:203.0.113.7'],
    ['::ffff:203.0.113.7', 'ip:203.0.113.7'],
    ['2001:db8:85a3:1:2:8a2e:370:7334', 'ip:2001:db8:85a3:1::/64'],
    ['2001:DB8:85A3:0001::1', 'ip:2001:db8:85a3:1::/64'],
    ['2001:db8::1', 'ip:2001:db8:0:0::/64'],
    ['::1', 'ip:0:0:0:0::/64'],
    ['fe80::1%eth0', 'ip:fe80:0:0:0::/64'],
    ['not an address', 'ip:not an address'],
    ['1::2::3', 'ip:1::2::3'],
  ])('counts %s as %s', (ip, subject) => {
    expect(ipSubject(ip)).toBe(subject);
  });

  it('puts one IPv6 /64 under one counter, whatever its interface id', () => {
    expect(ipSubject('2001:db8:1:2:aaaa::1')).toBe(ipSubject('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(ipSubject('2001:db8:1:2::1')).not.toBe(ipSubject('2001:db8:1:3::1'));
  });

  it('keys an email by a keyed hash of its normal form, never the address itself', () => {
    const subject = emailSubject('Ada@Example.com');

    expect(subject).toBe(emailSubject(' ada@example.com '));
    expect(subject).toMatch(/^email:[A-Za-z0-9_-]{43}$/);
    expect(subject).not.toContain('example');
  });
});
