#!/usr/bin/python3
"""test_standin.py -- checks the Cloud KMS stand-in (standin.py) with an independent client.

Written from kms-api.md, not from standin.py: its own CRC32C (bit by bit), JWTs, base64
and verification, urllib over HTTP or HTTPS, python3-cryptography for the crypto. It
covers the token flow (JWT-bearer grant and its rejections, self-signed JWTs, 401
without a token), encrypt/decrypt round trips with AAD, wrong AAD and tampering, CRC
verification both ways, the 64 KiB limit, key purpose and version state, ECDSA P-256 and
P-384, RSA PKCS#1 and PSS signatures verified against getPublicKey's PEM, RSA-OAEP,
HMAC, proto3 JSON details and error shapes.

  test_standin.py                       starts a stand-in of its own (temporary seed dir,
                                        free port), checks it, checks SIGTERM and
                                        --max-seconds, stops it
  test_standin.py --url URL --credentials SA.json [--cainfo CERT]
                                        checks a running stand-in
  test_standin.py --verify-journal FILE --url URL --credentials SA.json [--cainfo CERT]
                                        verifies every successful asymmetricSign of a
                                        stand-in journal against getPublicKey's PEM

Prints one line per check, "PASS what" or "FAIL what: why", and exits 1 if any failed
(tests/e2e/kms.t turns the lines into TAP).
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

HERE = os.path.dirname(os.path.abspath(__file__))
RING = "projects/logen-test/locations/global/keyRings/ring1/cryptoKeys/"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
failures = 0


def check(cond, what, why=""):
    global failures
    if cond:
        print("PASS " + what, flush=True)
    else:
        failures += 1
        print("FAIL %s: %s" % (what, why), flush=True)
    return cond


def crc32c(data):
    """Bit by bit, from the definition (reflected 0x82F63B78, init/xorout 0xFFFFFFFF)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def b64(data):
    return base64.b64encode(data).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Client:
    def __init__(self, url, credentials, cainfo=None):
        self.url = url.rstrip("/")
        with open(credentials) as f:
            self.sa = json.load(f)
        self.key = serialization.load_pem_private_key(self.sa["private_key"].encode(), password=None)
        self.ctx = ssl.create_default_context(cafile=cainfo) if cainfo else None
        self.token = None

    def http(self, method, url, body=None, headers=None):
        """(status, content type, body bytes); HTTP errors are answers, not exceptions."""
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=20, context=self.ctx) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read()

    def jwt(self, key=None, kid=None, **claims):
        now = int(time.time())
        body = {"iss": self.sa["client_email"], "scope": SCOPE, "aud": self.sa["token_uri"],
                "iat": now, "exp": now + 3600}
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        header = {"alg": "RS256", "typ": "JWT", "kid": kid or self.sa["private_key_id"]}
        if kid is False:  # as google-auth-library sends it: no kid, the key found by iss
            del header["kid"]
        signing = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(body).encode())
        sig = (key or self.key).sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing + "." + b64url(sig)

    def grant(self, assertion, grant_type=GRANT):
        form = urllib.parse.urlencode({"grant_type": grant_type, "assertion": assertion}).encode()
        status, _, body = self.http("POST", self.sa["token_uri"], form,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        return status, json.loads(body)

    def api(self, method, path, obj=None, token=True, raw=None):
        """Calls /v1/<path>; returns (status, decoded JSON or None, content type, raw body)."""
        headers = {"Content-Type": "application/json"}
        bearer = self.token if token is True else token
        if bearer:
            headers["Authorization"] = "Bearer " + bearer
        body = raw if raw is not None else (json.dumps(obj).encode() if obj is not None else None)
        status, ctype, data = self.http(method, self.url + "/v1/" + path, body, headers)
        try:
            return status, json.loads(data), ctype, data
        except ValueError:
            return status, None, ctype, data


def err_status(resp):
    return (resp or {}).get("error", {}).get("status")


def check_crc_vectors():
    check(crc32c(b"123456789") == 0xE3069283 and crc32c(b"") == 0 and crc32c(b"hello world") == 3381945770,
          "the test's own CRC32C gives the check values")


def check_tokens(c):
    status, body = c.grant(c.jwt())
    ok = check(status == 200 and body.get("token_type") == "Bearer" and body.get("expires_in") in (3599, "3599")
               and body.get("access_token"), "token: a JWT-bearer grant signed by the service account gets a token",
               "%s %s" % (status, body))
    c.token = body.get("access_token") if ok else None
    status, body = c.grant(c.jwt(aud="https://oauth2.googleapis.com/token"))
    check(status == 200, "token: aud = Google's token URL is accepted too", "%s %s" % (status, body))
    status, body = c.grant(c.jwt(kid=False))
    check(status == 200 and body.get("access_token"),
          "token: a JWT without kid (google-auth-library's) is looked up by iss", "%s %s" % (status, body))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rejections = [
        ("a signature by another key", c.jwt(key=other), "invalid_grant"),
        ("an unknown kid", c.jwt(kid="0123456789abcdef"), "invalid_grant"),
        ("no kid, signed by another key", c.jwt(key=other, kid=False), "invalid_grant"),
        ("no kid, an unknown iss", c.jwt(kid=False, iss="someone@else.iam.gserviceaccount.com"), "invalid_grant"),
        ("a lifetime over an hour", c.jwt(exp=int(time.time()) + 7200), "invalid_grant"),
        ("an iat in the future", c.jwt(iat=int(time.time()) + 1000, exp=int(time.time()) + 2000), "invalid_grant"),
        ("an expired JWT", c.jwt(iat=int(time.time()) - 4000, exp=int(time.time()) - 400), "invalid_grant"),
        ("another iss", c.jwt(iss="someone@else.iam.gserviceaccount.com"), "invalid_grant"),
        ("another aud", c.jwt(aud="https://example.com/token"), "invalid_grant"),
        ("no scope", c.jwt(scope=None), "invalid_scope"),
        ("garbage", "not.a.jwt", "invalid_grant"),
    ]
    for what, assertion, error in rejections:
        status, body = c.grant(assertion)
        check(status == 400 and body.get("error") == error, "token: %s -> 400 %s" % (what, error),
              "%s %s" % (status, body))
    status, body = c.grant(c.jwt(), grant_type="client_credentials")
    check(status == 400 and body.get("error") == "unsupported_grant_type",
          "token: another grant_type -> 400 unsupported_grant_type", "%s %s" % (status, body))


def check_auth(c):
    req = {"plaintext": b64(b"x")}
    for what, token in [("no token", None), ("an unknown token", "ya29.bogus"),
                        ("a JWT by an unknown key", c.jwt(key=rsa.generate_private_key(65537, 2048),
                                                          aud="https://cloudkms.googleapis.com/"))]:
        status, resp, ctype, _ = c.api("POST", RING + "symmetric1:encrypt", req, token=token)
        check(status == 401 and err_status(resp) == "UNAUTHENTICATED" and resp["error"]["code"] == 401
              and "json" in ctype, "auth: %s -> 401 UNAUTHENTICATED, JSON envelope" % what, "%s %s" % (status, resp))
    selfsigned = c.jwt(aud="https://cloudkms.googleapis.com/", scope=None, sub=c.sa["client_email"])
    status, resp, _, _ = c.api("POST", RING + "symmetric1:encrypt", req, token=selfsigned)
    check(status == 200, "auth: a self-signed JWT (aud https://cloudkms.googleapis.com/) is accepted",
          "%s %s" % (status, resp))
    selfsigned = c.jwt(kid=False, aud="https://cloudkms.googleapis.com/", scope=None, sub=c.sa["client_email"])
    status, resp, _, _ = c.api("POST", RING + "symmetric1:encrypt", req, token=selfsigned)
    check(status == 200, "auth: a self-signed JWT without kid is accepted (found by iss)", "%s %s" % (status, resp))


def encrypt(c, pt, aad=None, key="symmetric1", crc=True, **extra):
    req = {"plaintext": b64(pt)}
    if crc:
        req["plaintextCrc32c"] = str(crc32c(pt))
    if aad is not None:
        req["additionalAuthenticatedData"] = b64(aad)
        req["additionalAuthenticatedDataCrc32c"] = str(crc32c(aad))
    req.update(extra)
    return c.api("POST", RING + key + ":encrypt", req)


def decrypt(c, ct, aad=None, key="symmetric1"):
    req = {"ciphertext": b64(ct), "ciphertextCrc32c": str(crc32c(ct))}
    if aad is not None:
        req["additionalAuthenticatedData"] = b64(aad)
    return c.api("POST", RING + key + ":decrypt", req)


def check_encrypt(c):
    pt, aad = os.urandom(1024), b"context-1"
    status, r, ctype, raw = encrypt(c, pt, aad)
    ct = base64.b64decode(r.get("ciphertext", "")) if status == 200 else b""
    check(status == 200 and r.get("name") == RING + "symmetric1/cryptoKeyVersions/1"
          and r.get("verifiedPlaintextCrc32c") is True and r.get("verifiedAdditionalAuthenticatedDataCrc32c") is True
          and r.get("protectionLevel") == "SOFTWARE" and ctype.startswith("application/json"),
          "encrypt: 200, the version name, both CRCs verified, SOFTWARE", "%s %s" % (status, raw[:300]))
    check(r.get("ciphertextCrc32c") == str(crc32c(ct)), "encrypt: ciphertextCrc32c is a decimal string of its CRC",
          r.get("ciphertextCrc32c"))
    check(ct[:5] == b"\x01\x00\x00\x00\x01" and len(ct) == len(pt) + 33,
          "encrypt: ciphertext = 0x01 | version 1 | nonce | GCM | tag (33 bytes overhead)", ct[:8].hex())
    status, r, _, raw = decrypt(c, ct, aad)
    back = base64.b64decode(r.get("plaintext", "")) if status == 200 else b""
    check(status == 200 and back == pt and r.get("plaintextCrc32c") == str(crc32c(pt)) and r.get("usedPrimary") is True
          and "name" not in r, "decrypt: the round trip gives the plaintext back, its CRC, usedPrimary",
          "%s %s" % (status, raw[:300]))
    status, r, _, _ = decrypt(c, ct, b"context-2")
    check(status == 400 and err_status(r) == "INVALID_ARGUMENT" and "Decryption failed" in r["error"]["message"],
          "decrypt: a wrong AAD -> 400 Decryption failed", "%s %s" % (status, r))
    status, r, _, _ = decrypt(c, ct)
    check(status == 400, "decrypt: a missing AAD -> 400", "%s %s" % (status, r))
    bad = bytearray(ct)
    bad[20] ^= 1
    status, r, _, _ = decrypt(c, bytes(bad), aad)
    check(status == 400 and err_status(r) == "INVALID_ARGUMENT", "decrypt: a tampered ciphertext -> 400",
          "%s %s" % (status, r))
    status, r, _, _ = encrypt(c, pt, aad)
    ct2 = base64.b64decode(r["ciphertext"])
    check(ct2 != ct, "encrypt: a fresh nonce each call (two ciphertexts of one plaintext differ)")
    status, r, _, raw = encrypt(c, b"hello world", crc=False)
    check(status == 200 and "verifiedPlaintextCrc32c" not in r and "verifiedAdditionalAuthenticatedDataCrc32c" not in r,
          "encrypt: without a CRC the false verified* flags are omitted", raw[:300])
    status, r, _, _ = c.api("POST", RING + "symmetric1:encrypt",
                            {"plaintext": b64url(b"\xfb\xff hello"), "plaintextCrc32c": crc32c(b"\xfb\xff hello")})
    check(status == 200 and r.get("verifiedPlaintextCrc32c") is True,
          "encrypt: URL-safe unpadded base64 and a numeric CRC are accepted", "%s %s" % (status, r))
    status, r, _, _ = c.api("POST", RING + "symmetric1/cryptoKeyVersions/1:encrypt", {"plaintext": b64(b"v")})
    check(status == 200 and r.get("name", "").endswith("/cryptoKeyVersions/1"), "encrypt: a version name is accepted",
          "%s %s" % (status, r))


def check_crc_and_limits(c):
    status, r, _, _ = encrypt(c, b"hello world", plaintextCrc32c="3381945771")
    check(status == 400 and err_status(r) == "INVALID_ARGUMENT", "encrypt: a plaintext CRC mismatch -> 400",
          "%s %s" % (status, r))
    check_int64(c)
    status, r, _, _ = c.api("POST", RING + "symmetric1:encrypt", {"plaintext": b64(b"a"), "additionalAuthenticatedData":
                                                                   b64(b"b"), "additionalAuthenticatedDataCrc32c": "1"})
    check(status == 400, "encrypt: an AAD CRC mismatch -> 400", "%s %s" % (status, r))
    status, r, _, _ = encrypt(c, b"\x00" * 65536, crc=False)
    check(status == 200, "encrypt: 64 KiB of plaintext is accepted", "%s" % status)
    status, r, _, _ = encrypt(c, b"\x00" * 65537, crc=False)
    check(status == 400 and err_status(r) == "INVALID_ARGUMENT", "encrypt: 64 KiB + 1 -> 400", "%s %s" % (status, r))
    status, r, _, _ = decrypt(c, b"\x01" * 40)
    check(status == 400, "decrypt: garbage -> 400", "%s" % status)
    req = {"ciphertext": b64(b"abc"), "ciphertextCrc32c": "12"}
    status, r, _, _ = c.api("POST", RING + "symmetric1:decrypt", req)
    check(status == 400 and "checksum" in r["error"]["message"], "decrypt: a ciphertext CRC mismatch -> 400",
          "%s %s" % (status, r))


def check_int64(c):
    """*Crc32c fields are int64: any int64 parses (then mismatches: 400 checksum), beyond is malformed."""
    parsed = ["-1", -1, "-9223372036854775808", "9223372036854775807", "4294967296"]
    for value in parsed:
        status, r, _, _ = encrypt(c, b"hello world", plaintextCrc32c=value)
        msg = (r or {}).get("error", {}).get("message", "")
        check(status == 400 and "checksum" in msg and "TYPE_INT64" not in msg,
              "encrypt: plaintextCrc32c %s parses as an int64, then fails as a mismatch" % json.dumps(value),
              "%s %s" % (status, r))
    malformed = ["9223372036854775808", "-9223372036854775809", 9223372036854775808, "12abc", "1.5", True]
    for value in malformed:
        status, r, _, _ = encrypt(c, b"hello world", plaintextCrc32c=value)
        msg = (r or {}).get("error", {}).get("message", "")
        check(status == 400 and err_status(r) == "INVALID_ARGUMENT" and "TYPE_INT64" in msg,
              "encrypt: plaintextCrc32c %s is not an int64 -> 400 invalid value" % json.dumps(value),
              "%s %s" % (status, r))


def check_rules(c):
    status, r, _, _ = encrypt(c, b"x", key="symmetric1/cryptoKeyVersions/2")
    check(status == 400 and err_status(r) == "FAILED_PRECONDITION", "encrypt: a DISABLED version -> FAILED_PRECONDITION",
          "%s %s" % (status, r))
    status, r, _, _ = encrypt(c, b"x", key="asymmetric1")
    check(status == 400 and err_status(r) == "FAILED_PRECONDITION", "encrypt: a signing key -> FAILED_PRECONDITION",
          "%s %s" % (status, r))
    digest = {"digest": {"sha256": b64(hashlib.sha256(b"m").digest())}}
    status, r, _, _ = c.api("POST", RING + "symmetric1/cryptoKeyVersions/1:asymmetricSign", digest)
    check(status == 400 and err_status(r) == "FAILED_PRECONDITION", "sign: a symmetric key -> FAILED_PRECONDITION",
          "%s %s" % (status, r))
    status, r, _, _ = encrypt(c, b"x", key="nosuchkey")
    check(status == 404 and err_status(r) == "NOT_FOUND", "encrypt: an unknown key -> 404 NOT_FOUND",
          "%s %s" % (status, r))
    status, r, _, _ = c.api("POST", "projects/other/locations/global/keyRings/ring1/cryptoKeys/k:encrypt",
                            {"plaintext": "eA=="})
    check(status == 403 and err_status(r) == "PERMISSION_DENIED", "encrypt: another project -> 403 PERMISSION_DENIED",
          "%s %s" % (status, r))
    status, r, ctype, raw = c.api("POST", RING + "symmetric1/cryptoKeyVersions/1:decrypt", {"ciphertext": "eA=="})
    check(status == 404 and r is None and ctype.startswith("text/plain"),
          "decrypt aimed at a version: no route -> 404 plain text", "%s %s %s" % (status, ctype, raw[:80]))
    status, r, _, _ = c.api("POST", RING + "symmetric1:encrypt", {"plaintext": "eA==", "bogus": 1})
    check(status == 400 and "Unknown name" in r["error"]["message"], "an unknown field -> 400", "%s %s" % (status, r))
    status, r, _, _ = c.api("POST", RING + "symmetric1:encrypt", {"plaintext": "*not base64*"})
    check(status == 400 and err_status(r) == "INVALID_ARGUMENT", "bad base64 -> 400", "%s %s" % (status, r))
    status, r, _, _ = c.api("POST", RING + "symmetric1:encrypt", raw=b"{not json")
    check(status == 400 and err_status(r) == "INVALID_ARGUMENT", "a body that is not JSON -> 400", "%s %s" % (status, r))
    status, r, _, _ = c.api("POST", RING + "symmetric1:encrypt?$alt=json;enum-encoding=int", {"plaintext": "eA=="})
    check(status == 200 and r.get("protectionLevel") == 1, "$alt=json;enum-encoding=int -> protectionLevel 1",
          "%s %s" % (status, r))


def public_key(c, version):
    status, r, _, raw = c.api("GET", RING + version + "/publicKey")
    if status != 200:
        return status, r, None
    return status, r, serialization.load_pem_public_key(r["pem"].encode())


SIGNERS = [  # key, hash, algorithm, how to verify
    ("asymmetric1", hashes.SHA256, "EC_SIGN_P256_SHA256", "ec"),
    ("asymmetric384", hashes.SHA384, "EC_SIGN_P384_SHA384", "ec"),
    ("rsasign1", hashes.SHA256, "RSA_SIGN_PKCS1_2048_SHA256", "pkcs1"),
    ("rsapss1", hashes.SHA256, "RSA_SIGN_PSS_2048_SHA256", "pss"),
]


def verify(pub, kind, hash_cls, sig, digest):
    pre = utils.Prehashed(hash_cls())
    try:
        if kind == "ec":
            pub.verify(sig, digest, ec.ECDSA(pre))
        elif kind == "pss":
            pub.verify(sig, digest, padding.PSS(mgf=padding.MGF1(hash_cls()), salt_length=hash_cls.digest_size), pre)
        else:
            pub.verify(sig, digest, padding.PKCS1v15(), pre)
        return True
    except InvalidSignature:
        return False


def check_sign(c):
    for key, hash_cls, algorithm, kind in SIGNERS:
        version = key + "/cryptoKeyVersions/1"
        status, r, pub = public_key(c, version)
        check(status == 200 and r.get("algorithm") == algorithm and r.get("pemCrc32c") == str(crc32c(r["pem"].encode()))
              and r.get("name") == RING + version and r["pem"].startswith("-----BEGIN PUBLIC KEY-----\n"),
              "getPublicKey %s: PEM, %s, pemCrc32c, version name" % (key, algorithm), "%s %s" % (status, r))
        hname = hash_cls.name
        digest = hashlib.new(hname, b"message for " + key.encode()).digest()
        req = {"digest": {hname: b64(digest)}, "digestCrc32c": str(crc32c(digest))}
        status, r, _, raw = c.api("POST", RING + version + ":asymmetricSign", req)
        sig = base64.b64decode(r.get("signature", "")) if status == 200 else b""
        check(status == 200 and r.get("verifiedDigestCrc32c") is True and r.get("name") == RING + version
              and r.get("signatureCrc32c") == str(crc32c(sig)), "asymmetricSign %s: 200, digest CRC verified, "
              "signature CRC, version name" % key, "%s %s" % (status, raw[:300]))
        check(pub is not None and verify(pub, kind, hash_cls, sig, digest),
              "asymmetricSign %s: the signature verifies against getPublicKey's PEM" % key)
        if kind == "ec":
            check(sig[0] == 0x30 and len(sig) <= (72 if hname == "sha256" else 104),
                  "asymmetricSign %s: a DER ECDSA-Sig-Value" % key, sig[:4].hex())
        data = os.urandom(512)
        status, r, _, _ = c.api("POST", RING + version + ":asymmetricSign", {"data": b64(data),
                                                                              "dataCrc32c": str(crc32c(data))})
        sig = base64.b64decode(r.get("signature", "")) if status == 200 else b""
        check(status == 200 and r.get("verifiedDataCrc32c") is True and pub is not None
              and verify(pub, kind, hash_cls, sig, hashlib.new(hname, data).digest()),
              "asymmetricSign %s with data: the server hashes it, the signature verifies" % key, "%s %s" % (status, r))


def check_sign_rules(c):
    v = RING + "asymmetric384/cryptoKeyVersions/1:asymmetricSign"
    d256, d384 = hashlib.sha256(b"m").digest(), hashlib.sha384(b"m").digest()
    cases = [("a sha256 digest for a P-384 key", {"digest": {"sha256": b64(d256)}}),
             ("a digest of the wrong length", {"digest": {"sha384": b64(d256)}}),
             ("both digest and data", {"digest": {"sha384": b64(d384)}, "data": b64(b"m")}),
             ("neither digest nor data", {}),
             ("a digest CRC mismatch", {"digest": {"sha384": b64(d384)}, "digestCrc32c": str(crc32c(d384) ^ 1)})]
    for what, req in cases:
        status, r, _, _ = c.api("POST", v, req)
        check(status == 400 and err_status(r) == "INVALID_ARGUMENT", "asymmetricSign: %s -> 400" % what,
              "%s %s" % (status, r))


def check_decrypt_and_mac(c):
    version = "rsadecrypt1/cryptoKeyVersions/1"
    status, r, pub = public_key(c, version)
    secret = os.urandom(32)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    ct = pub.encrypt(secret, oaep) if pub else b""
    status, r, _, _ = c.api("POST", RING + version + ":asymmetricDecrypt", {"ciphertext": b64(ct),
                                                                             "ciphertextCrc32c": str(crc32c(ct))})
    check(status == 200 and base64.b64decode(r.get("plaintext", "")) == secret
          and r.get("verifiedCiphertextCrc32c") is True, "asymmetricDecrypt: RSA-OAEP-SHA256 round trip",
          "%s %s" % (status, r))
    version = "hmac1/cryptoKeyVersions/1"
    data = b"hello world"
    status, r, _, _ = c.api("POST", RING + version + ":macSign", {"data": b64(data), "dataCrc32c": "3381945770"})
    mac = base64.b64decode(r.get("mac", "")) if status == 200 else b""
    check(status == 200 and len(mac) == 32 and r.get("macCrc32c") == str(crc32c(mac))
          and r.get("verifiedDataCrc32c") is True, "macSign: a 32-byte HMAC-SHA256 and its CRC", "%s %s" % (status, r))
    status, r, _, _ = c.api("POST", RING + version + ":macVerify", {"data": b64(data), "mac": b64(mac)})
    check(status == 200 and r.get("success") is True, "macVerify: its own MAC verifies", "%s %s" % (status, r))
    wrong = bytes([mac[0] ^ 1]) + mac[1:] if mac else b"x"
    status, r, _, _ = c.api("POST", RING + version + ":macVerify", {"data": b64(data), "mac": b64(wrong)})
    check(status == 200 and "success" not in r and r.get("verifiedSuccessIntegrity") is True,
          "macVerify: a changed MAC -> success false (omitted)", "%s %s" % (status, r))


def check_stats(c):
    status, _, body = c.http("GET", c.url + "/_stats")
    stats = json.loads(body) if status == 200 else {}
    check(status == 200 and stats.get("methods", {}).get("encrypt", {}).get("total", 0) > 0
          and stats.get("tokensIssued", 0) >= 2, "/_stats: per-method counts and tokens issued", body[:200])


def run_checks(c):
    for group in (check_crc_vectors, check_tokens, check_auth, check_encrypt, check_crc_and_limits, check_rules,
                  check_sign, check_sign_rules, check_decrypt_and_mac, check_stats):
        try:
            group() if group is check_crc_vectors else group(c)
        except Exception as e:  # a crash in one group is a failure, the others still run
            check(False, group.__name__, "%s: %s" % (type(e).__name__, e))


def verify_journal(c, path):
    """Every asymmetricSign answered 200 in the journal verifies against its version's PEM."""
    c.token = c.grant(c.jwt())[1].get("access_token")
    keys, n, bad = {}, 0, []
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if e["method"] != "asymmetricSign" or e["status"] != 200:
                continue
            n += 1
            if e["name"] not in keys:
                keys[e["name"]] = public_key(c, e["name"][len(RING):])
            _, meta, pub = keys[e["name"]]
            hname, value = next(iter(e["request"]["digest"].items()))
            hash_cls = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[hname]
            kind = "ec" if meta["algorithm"].startswith("EC_") else "pss" if "_PSS_" in meta["algorithm"] else "pkcs1"
            if not verify(pub, kind, hash_cls, base64.b64decode(e["response"]["signature"]), base64.b64decode(value)):
                bad.append(e["name"])
    print("journal: %d signatures, %d verified, %d failed; keys: %s" % (n, n - len(bad), len(bad),
                                                                          " ".join(sorted(keys))))
    return n > 0 and not bad


def self_started():
    """Starts a stand-in in a temporary directory, checks it, and checks how it stops."""
    tmp = tempfile.mkdtemp(prefix="standin-test.")
    try:
        proc, url = start(tmp, [])
        if proc is None:
            return check(False, "the stand-in starts and writes its port file", url)
        try:
            run_checks(Client(url, os.path.join(tmp, "seed", "service-account.json")))
        finally:
            proc.send_signal(signal.SIGTERM)
            check(wait(proc, 10) == 0, "the stand-in stops on SIGTERM with status 0")
        t0 = time.monotonic()
        proc, url = start(tmp, ["--max-seconds", "1"])
        check(proc is not None and wait(proc, 10) == 0 and time.monotonic() - t0 < 8,
              "the stand-in exits by itself after --max-seconds")
        bad_bind = subprocess.run([sys.executable, os.path.join(HERE, "standin.py"), "--seed-dir",
                                   os.path.join(tmp, "seed"), "--bind", "0.0.0.0"], capture_output=True, timeout=30)
        check(bad_bind.returncode != 0 and b"loopback" in bad_bind.stderr, "--bind refuses a non-loopback address")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def start(tmp, extra):
    port_file = os.path.join(tmp, "port")
    if os.path.exists(port_file):
        os.unlink(port_file)
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "standin.py"), "--seed-dir", os.path.join(tmp, "seed"),
                             "--port", "0", "--port-file", port_file, "--max-seconds", "300"] + extra,
                            stdout=subprocess.DEVNULL)
    for _ in range(300):
        if os.path.exists(port_file):
            with open(port_file) as f:
                return proc, "http://127.0.0.1:%d" % int(f.read())
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    return None, "no port file after 30 s"


def wait(proc, secs):
    try:
        return proc.wait(timeout=secs)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url")
    p.add_argument("--credentials")
    p.add_argument("--cainfo")
    p.add_argument("--verify-journal")
    args = p.parse_args()
    if args.url and args.credentials:
        c = Client(args.url, args.credentials, args.cainfo)
        if args.verify_journal:
            return 0 if verify_journal(c, args.verify_journal) else 1
        run_checks(c)
    else:
        self_started()
    print("%s: %d failed" % (os.path.basename(sys.argv[0]), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
