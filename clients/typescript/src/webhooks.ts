// Checking the BioBridge-Signature header of a webhook delivery, as
// docs/webhooks.md describes it: HMAC-SHA256 over "<t>.<raw body>".
import { createHmac, timingSafeEqual } from "node:crypto";

export function biobridgeSignatureOk(secret: string, header: string, body: Buffer,
                                     toleranceSeconds = 300): boolean {
  const fields = header.split(",").map((part) => part.trim().split("=", 2));
  const timestamps = fields.filter(([key]) => key === "t").map(([, value]) => value ?? "");
  const signatures = fields.filter(([key]) => key === "v1").map(([, value]) => value ?? "");
  const t = timestamps[0];
  if (timestamps.length !== 1 || t === undefined || !/^\d+$/.test(t) || !signatures.length) {
    return false;
  }
  if (Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret)
    .update(Buffer.concat([Buffer.from(`${t}.`), body]))
    .digest();
  // Check every v1 (two during a secret rotation) in constant time.
  return signatures
    .map((hex) => Buffer.from(hex, "hex"))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
