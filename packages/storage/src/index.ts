// The storage layer's surface: the interface, both backends, the connection test and the
// classification of failures.
export {
  type StorageErrorCode,
  type StorageErrorContext,
  type StorageErrorDescription,
  StorageError,
  describeStorageError,
  toStorageError,
} from './errors.ts';
export { type LocalStorageOptions, LocalStorage, openLocalObject } from './local.ts';
export { type S3StorageOptions, S3Storage } from './s3.ts';
export {
  type ObjectStorage,
  type PresignedUrl,
  type StorageTestResult,
  type UploadedPart,
  MAX_PART_NUMBER,
  MAX_PRESIGN_SECONDS,
  MIN_PART_BYTES,
  attachmentDisposition,
  joinKey,
  testStorage,
} from './storage.ts';
export { type Platform, type PlatformOptions, createPlatform, openOrgStorage, openOrgStorageByQuery, type Queryable, verifyPlatformKey } from './platform.ts';
export { SecretBox, SecretBoxError, parsePlatformKey } from './secrets.ts';
