// Turns what S3 clients, sockets and the filesystem throw into a short list of codes and sentences
// an org admin can act on: the connection test shows them, and failed exports record them.

/** Stable codes; the API returns them as they are, so keep in sync with the `StorageTest.code` docs. */
export type StorageErrorCode = 'BAD_CREDENTIALS' | 'NO_SUCH_BUCKET' | 'ENDPOINT_UNREACHABLE' | 'ACCESS_DENIED' | 'INVALID_SETTINGS' | 'UNKNOWN';

export type StorageErrorDescription = { code: StorageErrorCode; message: string };

/** What the failing storage was, so the sentence can name it. */
export type StorageErrorContext = { endpoint?: string | undefined; bucket?: string | undefined; directory?: string | undefined };

/** A storage failure already put in plain words; `cause` keeps what was thrown underneath. */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Classifies any storage failure into a code and a sentence for a non-expert. */
export function describeStorageError(error: unknown, context: StorageErrorContext = {}): StorageErrorDescription {
  if (error instanceof StorageError) return { code: error.code, message: error.message };
  return describeNetworkError(error, context) ?? describeServiceError(error, context) ?? describeFileError(error, context) ?? describeOther(error);
}

/** Wraps a failure as a `StorageError` (unchanged when it already is one). */
export function toStorageError(error: unknown, context: StorageErrorContext = {}): StorageError {
  if (error instanceof StorageError) return error;
  const { code, message } = describeStorageError(error, context);
  return new StorageError(code, message, { cause: error });
}

type ErrorFields = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  cause?: unknown;
  errors?: unknown;
  BucketName?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
};

function fieldsOf(error: unknown): ErrorFields {
  return typeof error === 'object' && error !== null ? (error as ErrorFields) : {};
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS did not answer)',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'the connection was closed unexpectedly',
  EPIPE: 'the connection was closed unexpectedly',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPROTO: 'the TLS handshake failed (is the scheme https:// where it should be http://?)',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is signed by an authority that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for a different host name',
};

/** Looks through causes and the attempts of a happy-eyeballs `AggregateError` for a socket failure. */
function networkReason(error: unknown, depth = 0): { reason: string; fields: ErrorFields } | undefined {
  if (depth > 3) return undefined;
  const fields = fieldsOf(error);
  if (typeof fields.code === 'string' && fields.code in NETWORK_REASONS) return { reason: NETWORK_REASONS[fields.code]!, fields };
  if (fields.name === 'TimeoutError') return { reason: 'timed out', fields };
  if (typeof fields.message === 'string' && /socket hang up/i.test(fields.message)) return { reason: 'the connection was closed before an answer came', fields };
  for (const inner of [fields.cause, ...(Array.isArray(fields.errors) ? fields.errors : [])]) {
    const found = inner === undefined ? undefined : networkReason(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function describeNetworkError(error: unknown, context: StorageErrorContext): StorageErrorDescription | undefined {
  const found = networkReason(error);
  if (!found) return undefined;
  const { fields } = found;
  const where =
    context.endpoint ??
    (typeof fields.address === 'string' ? `${fields.address}${typeof fields.port === 'number' ? `:${fields.port}` : ''}` : typeof fields.hostname === 'string' ? fields.hostname : undefined);
  return { code: 'ENDPOINT_UNREACHABLE', message: `Cannot reach the storage endpoint${where ? ` ${where}` : ''}: ${found.reason}.` };
}

const ACCESS_DENIED_MESSAGE = 'The credentials are valid but may not write to this bucket or prefix.';

function describeServiceError(error: unknown, context: StorageErrorContext): StorageErrorDescription | undefined {
  const fields = fieldsOf(error);
  const status = typeof fields.$metadata?.httpStatusCode === 'number' ? fields.$metadata.httpStatusCode : undefined;
  // Only answers from a service have a status or a fault side; the SDK adds `$metadata` to other errors too.
  if (status === undefined && fields.$fault === undefined) return undefined;
  // A 301 from S3 always means "ask elsewhere"; without a body (HEAD) it has no useful name.
  const name = status === 301 ? 'PermanentRedirect' : typeof fields.name === 'string' ? fields.name : '';
  const serviceMessage = typeof fields.message === 'string' ? fields.message : '';
  const bucket = context.bucket ?? (typeof fields.BucketName === 'string' ? fields.BucketName : undefined);
  const theBucket = bucket === undefined ? 'The bucket' : `The bucket "${bucket}"`;
  switch (name) {
    case 'InvalidAccessKeyId':
      return { code: 'BAD_CREDENTIALS', message: 'The access key id is not known to the storage service. Check the access key id and secret.' };
    case 'SignatureDoesNotMatch':
      return { code: 'BAD_CREDENTIALS', message: 'The secret access key does not match the access key id. Check the access key id and secret.' };
    case 'ExpiredToken':
    case 'InvalidToken':
      return { code: 'BAD_CREDENTIALS', message: 'The storage service says these credentials have expired or are not valid. Check the access key id and secret.' };
    case 'NoSuchBucket':
      return { code: 'NO_SUCH_BUCKET', message: `${theBucket} does not exist at this endpoint.` };
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'Forbidden':
      return { code: 'ACCESS_DENIED', message: ACCESS_DENIED_MESSAGE };
    case 'PermanentRedirect':
    case 'MovedPermanently':
      return { code: 'INVALID_SETTINGS', message: `${theBucket} must be reached through another endpoint, usually because it is in another region. Check the region and the endpoint.` };
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return { code: 'INVALID_SETTINGS', message: `The region does not match the bucket's region. Check the region. (The service said: ${serviceMessage})` };
    case 'InvalidBucketName':
      return { code: 'INVALID_SETTINGS', message: `${theBucket} is not a valid bucket name.` };
    case 'NoSuchKey':
      return { code: 'UNKNOWN', message: 'The object is not in the bucket.' };
    case 'NoSuchUpload':
      return { code: 'UNKNOWN', message: 'The multipart upload is not known to the storage service; it was completed, aborted or expired.' };
  }
  if (status === 403) return { code: 'ACCESS_DENIED', message: ACCESS_DENIED_MESSAGE };
  // S3 names every 404 in its body; a bare one ("UnknownError" is the SDK's word for a body it
  // could not read) comes from something else answering at that address.
  if (status === 404 && (name === 'NotFound' || serviceMessage === 'UnknownError')) {
    return {
      code: 'INVALID_SETTINGS',
      message: 'The endpoint answered "not found" without an S3 error, so it may not be an S3 service, or it needs path-style addressing. Check the endpoint URL and the path-style setting.',
    };
  }
  if (serviceMessage === 'UnknownError') {
    return { code: 'UNKNOWN', message: `The endpoint answered${status === undefined ? '' : ` HTTP ${status}`}, but not as an S3 service would. Check the endpoint URL.` };
  }
  const detail = [name && name !== 'Error' ? name : undefined, status === undefined ? undefined : `HTTP ${status}`].filter(Boolean).join(', ');
  return { code: 'UNKNOWN', message: `The storage service returned an error${detail ? ` (${detail})` : ''}${serviceMessage && serviceMessage !== name ? `: ${serviceMessage}` : '.'}` };
}

function describeFileError(error: unknown, context: StorageErrorContext): StorageErrorDescription | undefined {
  const fields = fieldsOf(error);
  const directory = context.directory === undefined ? 'the storage directory' : `the storage directory ${context.directory}`;
  switch (fields.code) {
    case 'EACCES':
    case 'EPERM':
      return { code: 'ACCESS_DENIED', message: `This service may not write to ${directory} (permission denied).` };
    case 'EROFS':
      return { code: 'ACCESS_DENIED', message: `This service may not write to ${directory} (the file system is read-only).` };
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EEXIST':
      return { code: 'INVALID_SETTINGS', message: `${capitalize(directory)} does not exist or is not a directory.` };
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: 'UNKNOWN', message: `The disk holding ${directory} is full.` };
    case 'ERR_INVALID_URL':
      return { code: 'INVALID_SETTINGS', message: `The endpoint${context.endpoint ? ` "${context.endpoint}"` : ''} is not a valid URL.` };
  }
  return undefined;
}

function describeOther(error: unknown): StorageErrorDescription {
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNKNOWN', message: `Storage failed: ${message}` };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
