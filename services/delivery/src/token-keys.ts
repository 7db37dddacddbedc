import { createTokenSigner, type TokenKey, type TokenKeyring } from '@adtrace/ads';

/** The key id of a bare secret, as `adtrace up` makes one under .adtrace/secrets. */
export const LOCAL_KEY_ID = 'local';

/**
 * `kid=secret[,kid=secret…]` → a keyring signing with `signingKeyId` (or the only key). A bare
 * secret without `kid=` is the one key `local`, so the file `adtrace up` writes works as it is.
 * Rotation: add the new key, make it the signing key, and drop the old one only once tracking no
 * longer needs to verify the tokens it signed (their TTL). Errors never echo a secret; an error
 * about the signing key id starts with "signing".
 */
export function parseTokenKeys(text: string, signingKeyId: string | undefined): TokenKeyring {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const keys: TokenKey[] =
    parts.length === 1 && !parts[0]!.includes('=')
      ? [{ id: LOCAL_KEY_ID, secret: parts[0]! }]
      : parts.map((part, n) => {
          const eq = part.indexOf('=');
          if (eq <= 0) throw new Error(`entry ${n + 1} is not kid=secret`);
          return { id: part.slice(0, eq).trim(), secret: part.slice(eq + 1).trim() };
        });
  if (keys.length === 0) throw new Error('no keys: expected kid=secret[,kid=secret…]');
  const signing = signingKeyId ?? (keys.length === 1 ? keys[0]!.id : undefined);
  if (signing === undefined) {
    throw new Error(`signing key id required: ${keys.length} keys are listed (${keys.map((k) => k.id).join(', ')})`);
  }
  if (!keys.some((k) => k.id === signing)) {
    throw new Error(`signing key id ${JSON.stringify(signing)} is not one of ${keys.map((k) => k.id).join(', ')}`);
  }
  const keyring = { signingKeyId: signing, keys };
  createTokenSigner(keyring); // throws on a short secret, a bad or repeated key id
  return keyring;
}
