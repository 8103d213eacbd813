// The bulk JSON Lines format shared by exports and imports. FORMAT.md documents it.
export * from './types.ts';
export * as limits from './limits.ts';
export { type ByteSource, type Gunzip, plainBytes, toAsyncIterable, webGunzip, webGzip } from './bytes.ts';
export { type DecodeOptions, type DecodedBatch, type DecodedObject, type ValidateOptions, type ValidationReport, decodeBulk, validateBulk } from './decode.ts';
export { BulkEncodeError, BulkEncoder, type EncodeOptions, collectBytes, encodeBulk } from './encode.ts';
export { BulkValidator, type ValidatorListener } from './validator.ts';
