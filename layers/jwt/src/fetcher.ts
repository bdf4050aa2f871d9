import type { Fetcher } from 'aws-jwt-verify/https';

/**
 * A JWKS fetcher over the platform `fetch` that accepts `http:` URLs.
 *
 * aws-jwt-verify's default fetcher speaks HTTPS only; the local Cognito emulator serves its JWKS over
 * plain HTTP on 127.0.0.1. Use this fetcher only for the local stack (see {@link createTokenVerifier}).
 *
 * @throws Error when the response status is not 2xx or the request times out (5 s).
 */
export class LoopbackHttpFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new Error(`refusing to fetch JWKS over plain HTTP from a non-loopback host: ${url.hostname}`);
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`JWKS fetch failed: HTTP ${response.status} from ${uri}`);
    return response.arrayBuffer();
  }
}
