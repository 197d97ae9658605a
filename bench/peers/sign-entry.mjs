// The JavaScript signers timed by the signing benchmark (bench/page/sign.mjs), in one bundle built
// with the same esbuild flags as the size peers. Not counted in any size.
export { SignatureV4 } from '@smithy/signature-v4';
export { HttpRequest } from '@smithy/protocol-http';
export { Sha256 as Sha256Js } from '@aws-crypto/sha256-js';
export { Sha256 as Sha256Browser } from '@aws-crypto/sha256-browser';
export { AwsV4Signer } from 'aws4fetch';
