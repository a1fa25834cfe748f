"""Standard Webhooks interop, Python side: ringback against the official `standardwebhooks`
package from PyPI (v1, HMAC-SHA256) and, for v1a (Ed25519), which that package does not
implement, against pyca/cryptography following the specification (`whsk_` is the base64
32-byte seed, `whpk_` the base64 32-byte public key, the signature covers
`{id}.{timestamp}.{body}`).

Both directions, both schemes: a valid message passes; a tampered body, an old timestamp and
a wrong key are refused. Usage: python check.py PATH-TO-standard-webhooks-BINARY
"""

import base64
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

TOOL = sys.argv[1]
BODY = '{"orderId":"0b0b0000-0000-4000-8000-000000000001","orderStatus":"READY"}'
OLD = 600  # seconds: beyond the five minutes both sides allow
failures = []


def check(name, ok):
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        failures.append(name)


def ringback_sign(keys, msg_id, timestamp, body):
    args = [TOOL, "sign", "--id", msg_id, "--timestamp", str(timestamp)]
    for key in keys:
        args += ["--key", key]
    out = subprocess.run(args, input=body.encode(), capture_output=True, check=True)
    return out.stdout.decode().strip()


def ringback_verifies(keys, msg_id, timestamp, signature, body):
    args = [TOOL, "verify", "--id", msg_id, "--timestamp", str(timestamp)]
    args += ["--signature", signature]
    for key in keys:
        args += ["--key", key]
    out = subprocess.run(args, input=body.encode(), capture_output=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr.decode())
    return out.returncode == 0


def whsec():
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def headers(msg_id, timestamp, signature):
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def package_verifies(secret, msg_id, timestamp, signature, body):
    try:
        Webhook(secret).verify(body, headers(msg_id, timestamp, signature))
        return True
    except WebhookVerificationError:
        return False


def package_sign(secret, msg_id, timestamp, body):
    when = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return Webhook(secret).sign(msg_id, when, body)


# --- v1 (HMAC-SHA256) with the official package -------------------------------------------
now = int(time.time())
secret, other = whsec(), whsec()

sig = ringback_sign([secret], "msg_py_1", now, BODY)
check("v1 ringback -> standardwebhooks: valid", package_verifies(secret, "msg_py_1", now, sig, BODY))
check("v1 ringback -> standardwebhooks: tampered body refused",
      not package_verifies(secret, "msg_py_1", now, sig, BODY.replace("READY", "PICKED_UP")))
old = ringback_sign([secret], "msg_py_2", now - OLD, BODY)
check("v1 ringback -> standardwebhooks: old timestamp refused",
      not package_verifies(secret, "msg_py_2", now - OLD, old, BODY))
check("v1 ringback -> standardwebhooks: wrong key refused",
      not package_verifies(other, "msg_py_1", now, sig, BODY))

sig = package_sign(secret, "msg_py_3", now, BODY)
check("v1 standardwebhooks -> ringback: valid", ringback_verifies([secret], "msg_py_3", now, sig, BODY))
check("v1 standardwebhooks -> ringback: tampered body refused",
      not ringback_verifies([secret], "msg_py_3", now, sig, BODY + " "))
old = package_sign(secret, "msg_py_4", now - OLD, BODY)
check("v1 standardwebhooks -> ringback: old timestamp refused",
      not ringback_verifies([secret], "msg_py_4", now - OLD, old, BODY))
check("v1 standardwebhooks -> ringback: wrong key refused",
      not ringback_verifies([other], "msg_py_3", now, sig, BODY))

# --- v1a (Ed25519), the specification through pyca/cryptography --------------------------
private = Ed25519PrivateKey.generate()
seed = private.private_bytes_raw()
whsk = "whsk_" + base64.b64encode(seed).decode()
public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
whpk = "whpk_" + base64.b64encode(public_raw).decode()
stranger = Ed25519PrivateKey.generate()
stranger_whpk = "whpk_" + base64.b64encode(
    stranger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()

derived = subprocess.run([TOOL, "public-key", whsk], capture_output=True, check=True)
check("v1a ringback derives the same whpk_ from the whsk_ seed", derived.stdout.decode().strip() == whpk)


def spec_verifies(whpk_key, msg_id, timestamp, header, body, now):
    if abs(now - timestamp) > 300:
        return False
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(whpk_key[len("whpk_"):]))
    for entry in header.split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1a":
            continue
        try:
            key.verify(base64.b64decode(signature), f"{msg_id}.{timestamp}.{body}".encode())
            return True
        except InvalidSignature:
            continue
    return False


def spec_sign(private_key, msg_id, timestamp, body):
    signature = private_key.sign(f"{msg_id}.{timestamp}.{body}".encode())
    return "v1a," + base64.b64encode(signature).decode()


sig = ringback_sign([whsk], "msg_py_5", now, BODY)
check("v1a ringback -> spec: valid", spec_verifies(whpk, "msg_py_5", now, sig, BODY, now))
check("v1a ringback -> spec: tampered body refused",
      not spec_verifies(whpk, "msg_py_5", now, sig, BODY.replace("READY", "NEW"), now))
old = ringback_sign([whsk], "msg_py_6", now - OLD, BODY)
check("v1a ringback -> spec: old timestamp refused", not spec_verifies(whpk, "msg_py_6", now - OLD, old, BODY, now))
check("v1a ringback -> spec: wrong key refused", not spec_verifies(stranger_whpk, "msg_py_5", now, sig, BODY, now))

sig = spec_sign(private, "msg_py_7", now, BODY)
check("v1a spec -> ringback: valid", ringback_verifies([whpk], "msg_py_7", now, sig, BODY))
check("v1a spec -> ringback: tampered body refused",
      not ringback_verifies([whpk], "msg_py_7", now, sig, BODY[:-1]))
old = spec_sign(private, "msg_py_8", now - OLD, BODY)
check("v1a spec -> ringback: old timestamp refused", not ringback_verifies([whpk], "msg_py_8", now - OLD, old, BODY))
check("v1a spec -> ringback: wrong key refused", not ringback_verifies([stranger_whpk], "msg_py_7", now, sig, BODY))

# --- both schemes in one header, as ringback sends during a rotation or with v1a ----------
both = ringback_sign([secret, whsk], "msg_py_9", now, BODY)
check("v1 + v1a header: standardwebhooks passes over the v1a entry and verifies v1",
      package_verifies(secret, "msg_py_9", now, both, BODY))
check("v1 + v1a header: the spec's v1a check verifies it", spec_verifies(whpk, "msg_py_9", now, both, BODY, now))

if failures:
    print(f"{len(failures)} interop checks FAILED")
    sys.exit(1)
print("python: every interop check passed")
