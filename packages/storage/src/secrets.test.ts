import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError, parsePlatformKey } from './secrets.ts';

const key = Buffer.alloc(32, 7);

describe('SecretBox', () => {
  it('opens what it sealed, unicode included', () => {
    const box = new SecretBox(key);
    for (const plain of ['', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'naïve ☕ 😀 日本 \u0000 end']) {
      expect(box.open(box.seal(plain))).toBe(plain);
    }
  });

  it('lays out version, IV, ciphertext and tag, with a fresh IV each time', () => {
    const box = new SecretBox(key);
    const first = box.seal('same secret');
    const second = box.seal('same secret');
    expect(first[0]).toBe(1);
    expect(first.length).toBe(1 + 12 + Buffer.byteLength('same secret') + 16);
    expect(first.subarray(1, 13).equals(second.subarray(1, 13))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });

  it('refuses data sealed with another key', () => {
    const sealed = new SecretBox(key).seal('secret');
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(sealed)).toThrow(SecretBoxError);
    expect(() => other.open(sealed)).toThrow('cannot decrypt: the data was sealed with a different PLATFORM_KEY or is damaged');
  });

  it('refuses any single changed byte, and truncated data', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('secret');
    for (let index = 0; index < sealed.length; index++) {
      const tampered = Buffer.from(sealed);
      tampered[index] = tampered[index]! ^ 0x01;
      expect(() => box.open(tampered), `byte ${index}`).toThrow(SecretBoxError);
    }
    expect(() => box.open(sealed.subarray(0, 20))).toThrow(SecretBoxError);
    expect(() => box.open(Buffer.alloc(0))).toThrow(SecretBoxError);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe('parsePlatformKey', () => {
  it('accepts base64 and base64url of 32 bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, index) => 250 - index * 3));
    expect(parsePlatformKey(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(parsePlatformKey(bytes.toString('base64url')).equals(bytes)).toBe(true);
    expect(parsePlatformKey(`  ${bytes.toString('base64')}\n`).equals(bytes)).toBe(true);
  });

  it.each([
    ['missing', undefined, /PLATFORM_KEY is not set/],
    ['empty', '', /PLATFORM_KEY is not set/],
    ['too short', randomBytes(16).toString('base64'), /PLATFORM_KEY decodes to 16 bytes; it must be exactly 32/],
    ['too long', randomBytes(33).toString('base64'), /PLATFORM_KEY decodes to 33 bytes/],
    ['not base64', 'this is not a key at all, is it?', /PLATFORM_KEY is not base64/],
  ])('refuses a %s key and says how to make one', (_name, text, message) => {
    expect(() => parsePlatformKey(text)).toThrow(message);
    expect(() => parsePlatformKey(text)).toThrow('openssl rand -base64 32');
  });
});
