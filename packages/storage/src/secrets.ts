// Storage secrets at rest: sealed with AES-256-GCM under the platform key, so a copy of the
// database alone does not give away anyone's bucket. GCM's tag means a wrong key or a flipped
// byte is refused instead of decrypting to garbage.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
/** Bumped if the layout or the cipher ever changes, so old rows can still be told apart. */
const FORMAT_VERSION = 1;
/** 96 bits is the IV length GCM is specified for; a fresh random one per seal. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

const HOW_TO_MAKE_ONE = 'Make one with `openssl rand -base64 32`.';

/** Reads PLATFORM_KEY: base64 or base64url text of exactly 32 bytes. */
export function parsePlatformKey(text: string | undefined): Buffer {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') throw new Error(`PLATFORM_KEY is not set. It must be 32 random bytes in base64. ${HOW_TO_MAKE_ONE}`);
  // Node's decoder skips characters it does not know, so check the alphabet first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new Error(`PLATFORM_KEY is not base64 text. It must be 32 random bytes in base64. ${HOW_TO_MAKE_ONE}`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`PLATFORM_KEY decodes to ${key.length} bytes; it must be exactly ${KEY_BYTES}. ${HOW_TO_MAKE_ONE}`);
  }
  return key;
}

/** Thrown by `SecretBox.open` for anything it cannot decrypt; the message is safe to show. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
  constructor() {
    super('cannot decrypt: the data was sealed with a different PLATFORM_KEY or is damaged');
  }
}

/** Seals and opens short secrets; layout: version byte, 12-byte IV, ciphertext, 16-byte tag. */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new RangeError(`a SecretBox key must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.#key = Buffer.from(key);
  }

  seal(plain: string): Buffer {
    const version = Buffer.of(FORMAT_VERSION);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    // The version byte is authenticated too, so it cannot be changed to reinterpret the rest.
    cipher.setAAD(version);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([version, iv, ciphertext, cipher.getAuthTag()]);
  }

  open(sealed: Buffer): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_VERSION) throw new SecretBoxError();
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const ciphertext = sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(sealed.subarray(0, 1));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError();
    }
  }
}
