// Standard Webhooks interop, JavaScript side: ringback against the official `standardwebhooks`
// package from npm (v1, HMAC-SHA256) and, for v1a (Ed25519), which that package does not
// implement, against Node's own crypto following the specification (`whsk_` is the base64
// 32-byte seed, `whpk_` the base64 32-byte public key, the signature covers
// `{id}.{timestamp}.{body}`).
//
// Both directions, both schemes: a valid message passes; a tampered body, an old timestamp and
// a wrong key are refused. Usage: node check.mjs PATH-TO-standard-webhooks-BINARY
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Webhook, WebhookVerificationError } = require(process.env.STANDARDWEBHOOKS_MODULE ?? "standardwebhooks");

const TOOL = process.argv[2];
const BODY = '{"orderId":"0b0b0000-0000-4000-8000-000000000002","orderStatus":"ALLOCATED"}';
const OLD = 600; // seconds: beyond the five minutes both sides allow
const failures = [];

function check(name, ok) {
  console.log((ok ? "ok   " : "FAIL ") + name);
  if (!ok) failures.push(name);
}

function ringbackSign(keys, id, timestamp, body) {
  const args = ["sign", "--id", id, "--timestamp", String(timestamp)];
  for (const key of keys) args.push("--key", key);
  return execFileSync(TOOL, args, { input: body }).toString().trim();
}

function ringbackVerifies(keys, id, timestamp, signature, body) {
  const args = ["verify", "--id", id, "--timestamp", String(timestamp), "--signature", signature];
  for (const key of keys) args.push("--key", key);
  const out = spawnSync(TOOL, args, { input: body });
  if (out.status !== 0 && out.status !== 1) throw new Error(out.stderr.toString());
  return out.status === 0;
}

const whsec = () => "whsec_" + crypto.randomBytes(24).toString("base64");
const headers = (id, timestamp, signature) => ({
  "webhook-id": id,
  "webhook-timestamp": String(timestamp),
  "webhook-signature": signature,
});

function packageVerifies(secret, id, timestamp, signature, body) {
  try {
    new Webhook(secret).verify(body, headers(id, timestamp, signature));
    return true;
  } catch (e) {
    if (e instanceof WebhookVerificationError) return false;
    throw e;
  }
}

const packageSign = (secret, id, timestamp, body) =>
  new Webhook(secret).sign(id, new Date(timestamp * 1000), body);

// --- v1 (HMAC-SHA256) with the official package ------------------------------------------
const now = Math.floor(Date.now() / 1000);
const secret = whsec();
const other = whsec();

let sig = ringbackSign([secret], "msg_js_1", now, BODY);
check("v1 ringback -> standardwebhooks: valid", packageVerifies(secret, "msg_js_1", now, sig, BODY));
check("v1 ringback -> standardwebhooks: tampered body refused",
  !packageVerifies(secret, "msg_js_1", now, sig, BODY.replace("ALLOCATED", "READY")));
let old = ringbackSign([secret], "msg_js_2", now - OLD, BODY);
check("v1 ringback -> standardwebhooks: old timestamp refused",
  !packageVerifies(secret, "msg_js_2", now - OLD, old, BODY));
check("v1 ringback -> standardwebhooks: wrong key refused",
  !packageVerifies(other, "msg_js_1", now, sig, BODY));

sig = packageSign(secret, "msg_js_3", now, BODY);
check("v1 standardwebhooks -> ringback: valid", ringbackVerifies([secret], "msg_js_3", now, sig, BODY));
check("v1 standardwebhooks -> ringback: tampered body refused",
  !ringbackVerifies([secret], "msg_js_3", now, sig, BODY + " "));
old = packageSign(secret, "msg_js_4", now - OLD, BODY);
check("v1 standardwebhooks -> ringback: old timestamp refused",
  !ringbackVerifies([secret], "msg_js_4", now - OLD, old, BODY));
check("v1 standardwebhooks -> ringback: wrong key refused",
  !ringbackVerifies([other], "msg_js_3", now, sig, BODY));

// --- v1a (Ed25519), the specification through node:crypto --------------------------------
// DER wrappings of a raw Ed25519 seed (PKCS #8) and public key (SPKI), RFC 8410.
const PKCS8 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI = Buffer.from("302a300506032b6570032100", "hex");
const privateFromSeed = (seed) =>
  crypto.createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: "der", type: "pkcs8" });
const publicFromRaw = (raw) =>
  crypto.createPublicKey({ key: Buffer.concat([SPKI, raw]), format: "der", type: "spki" });
const rawPublic = (privateKey) =>
  crypto.createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(SPKI.length);

const seed = crypto.randomBytes(32);
const privateKey = privateFromSeed(seed);
const whsk = "whsk_" + seed.toString("base64");
const whpk = "whpk_" + rawPublic(privateKey).toString("base64");
const strangerWhpk = "whpk_" + rawPublic(privateFromSeed(crypto.randomBytes(32))).toString("base64");

const derived = execFileSync(TOOL, ["public-key", whsk]).toString().trim();
check("v1a ringback derives the same whpk_ from the whsk_ seed", derived === whpk);

function specVerifies(whpkKey, id, timestamp, header, body, at) {
  if (Math.abs(at - timestamp) > 300) return false;
  const key = publicFromRaw(Buffer.from(whpkKey.slice("whpk_".length), "base64"));
  const message = Buffer.from(`${id}.${timestamp}.${body}`);
  return header.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    return version === "v1a" && crypto.verify(null, message, key, Buffer.from(signature, "base64"));
  });
}

const specSign = (key, id, timestamp, body) =>
  "v1a," + crypto.sign(null, Buffer.from(`${id}.${timestamp}.${body}`), key).toString("base64");

sig = ringbackSign([whsk], "msg_js_5", now, BODY);
check("v1a ringback -> spec: valid", specVerifies(whpk, "msg_js_5", now, sig, BODY, now));
check("v1a ringback -> spec: tampered body refused",
  !specVerifies(whpk, "msg_js_5", now, sig, BODY.replace("ALLOCATED", "NEW"), now));
old = ringbackSign([whsk], "msg_js_6", now - OLD, BODY);
check("v1a ringback -> spec: old timestamp refused", !specVerifies(whpk, "msg_js_6", now - OLD, old, BODY, now));
check("v1a ringback -> spec: wrong key refused", !specVerifies(strangerWhpk, "msg_js_5", now, sig, BODY, now));

sig = specSign(privateKey, "msg_js_7", now, BODY);
check("v1a spec -> ringback: valid", ringbackVerifies([whpk], "msg_js_7", now, sig, BODY));
check("v1a spec -> ringback: tampered body refused", !ringbackVerifies([whpk], "msg_js_7", now, sig, BODY.slice(0, -1)));
old = specSign(privateKey, "msg_js_8", now - OLD, BODY);
check("v1a spec -> ringback: old timestamp refused", !ringbackVerifies([whpk], "msg_js_8", now - OLD, old, BODY));
check("v1a spec -> ringback: wrong key refused", !ringbackVerifies([strangerWhpk], "msg_js_7", now, sig, BODY));

// --- both schemes in one header -----------------------------------------------------------
const both = ringbackSign([secret, whsk], "msg_js_9", now, BODY);
check("v1 + v1a header: standardwebhooks passes over the v1a entry and verifies v1",
  packageVerifies(secret, "msg_js_9", now, both, BODY));
check("v1 + v1a header: the spec's v1a check verifies it", specVerifies(whpk, "msg_js_9", now, both, BODY, now));

if (failures.length > 0) {
  console.log(`${failures.length} interop checks FAILED`);
  process.exit(1);
}
console.log("javascript: every interop check passed");
