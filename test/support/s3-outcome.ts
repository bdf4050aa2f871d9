/**
 * The HTTP status of an S3 call (200 when it succeeds) and, when it fails, S3's error code (the XML
 * `Code`, else the SDK's error name): what a test of S3's refusals compares.
 */
export async function s3Outcome(call: Promise<unknown>): Promise<{ status: number; code?: string }> {
  try {
    await call;
    return { status: 200 };
  } catch (error) {
    const e = error as { name: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { status: e.$metadata?.httpStatusCode ?? 0, code: e.Code ?? e.name };
  }
}
