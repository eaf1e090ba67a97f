#!/usr/bin/python3
"""standin.py -- a local Cloud KMS stand-in for logen's tests (kms-api.md, section 9).

It speaks the real Cloud KMS REST v1 protocol (sections 1-8) on 127.0.0.1 only,
with real cryptography (python3-cryptography):

  POST /v1/{cryptoKey or version}:encrypt     AES-256-GCM (GOOGLE_SYMMETRIC_ENCRYPTION)
  POST /v1/{cryptoKey}:decrypt                the ciphertext names the version it needs
  POST /v1/{version}:asymmetricSign           ECDSA P-256/P-384, RSA PKCS#1 v1.5 / PSS, over
                                              the given digest (prehashed) or the data
  POST /v1/{version}:asymmetricDecrypt        RSA-OAEP
  POST /v1/{version}:macSign, :macVerify      HMAC
  GET  /v1/{version}/publicKey                SubjectPublicKeyInfo PEM
  POST /token                                 RFC 7523 JWT-bearer grant, RS256 by a trusted
                                              service-account key -> opaque token, expires_in
                                              = --token-ttl - 1 (3599)
  GET  /_stats, POST /_stats/reset            counts for tests: methods.<method>.{total,<status>},
                                              tokensIssued, tokensUsed (distinct bearers seen),
                                              grantsRejected, unauthenticated, crcVerified
                                              (verified* flags set), connections, fault*
  anything else                               404, plain text (as Google's front end)

JSON follows the proto3 mapping: base64 bytes (URL-safe and unpadded accepted), *Crc32c
as decimal strings, defaults omitted, enums as names (as numbers with
`$alt=json;enum-encoding=int`), unknown request fields rejected. Every supplied CRC32C
(Castagnoli, computed here) is verified, 400 INVALID_ARGUMENT on mismatch, and only then
is verified*Crc32c set; every returned byte field carries its CRC. Plaintext, AAD and
data are limited to 64 KiB; key purpose and version state are enforced (400
FAILED_PRECONDITION); errors are {"error": {"code", "message", "status"}}. API calls need
`Authorization: Bearer` with a token from /token or a self-signed JWT (section 8), else
401 UNAUTHENTICATED; --no-auth drops the check.

Ciphertext (our choice, opaque to clients): 0x01 | version (4 bytes, big-endian) |
nonce (12) | AES-256-GCM ciphertext | tag (16), GCM AAD = CryptoKey name | 0x00 | caller
AAD, so it opens only under the same key and AAD.

--seed-dir DIR holds the state: keys.json (keys, versions, material: AES/HMAC hex, EC/RSA
PKCS#8 PEM; read if present, else generated with the defaults below) and
service-account.json (a Google service-account key: RSA 2048 PKCS#8, client_email,
private_key_id; token_uri rewritten at each start to http(s)://127.0.0.1:PORT/token),
which clients point GOOGLE_APPLICATION_CREDENTIALS at. keys.json may list more trusted
service-account files ("trustedServiceAccounts", paths relative to DIR). Default keys,
in projects/logen-test/locations/global/keyRings/ring1/cryptoKeys/:
  symmetric1     ENCRYPT_DECRYPT  GOOGLE_SYMMETRIC_ENCRYPTION  v1 primary, v2 DISABLED
  asymmetric1    ASYMMETRIC_SIGN  EC_SIGN_P256_SHA256          v1
  asymmetric384  ASYMMETRIC_SIGN  EC_SIGN_P384_SHA384          v1
  rsasign1       ASYMMETRIC_SIGN  RSA_SIGN_PKCS1_2048_SHA256   v1
  rsapss1        ASYMMETRIC_SIGN  RSA_SIGN_PSS_2048_SHA256     v1
  rsadecrypt1    ASYMMETRIC_DECRYPT RSA_DECRYPT_OAEP_2048_SHA256 v1
  hmac1          MAC              HMAC_SHA256                  v1

Usage:
  standin.py --seed-dir DIR [--port 0] [--port-file FILE] [--bind 127.0.0.1]
             [--tls CERT KEY] [--no-auth] [--token-ttl 3600] [--max-seconds 600]
             [--latency-ms MS|MIN-MAX] [--error-ratio R] [--corrupt-crc-ratio R]
             [--quota-qps N] [--journal FILE] [-v]
--port 0 picks a free port; it is printed on stdout and, once everything is ready, written
to --port-file. Faults apply to API calls only: --latency-ms sleeps before answering,
--error-ratio answers 503 UNAVAILABLE, --corrupt-crc-ratio flips the response CRC,
--quota-qps answers 429 RESOURCE_EXHAUSTED past N calls in a second. --journal appends one
JSON line per API call (method, name, status, request, response). It stops cleanly on
SIGTERM or SIGINT, and by itself after --max-seconds, so nothing is left running.
Not done: rawEncrypt/rawDecrypt (501), key management, IAM, the metadata server.
"""

import argparse
import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import os
import random
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LIMIT_BYTES = 64 * 1024
BODY_MAX_BYTES = 1024 * 1024
PROJECT, LOCATION, RING = "logen-test", "global", "ring1"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
KMS_AUDIENCE = "https://cloudkms.googleapis.com/"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SA_EMAIL = "logen-loadtest@logen-test.iam.gserviceaccount.com"

# --- CRC32C (Castagnoli, reflected 0x82F63B78, init and final xor 0xFFFFFFFF)

def _crc_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table

CRC_TABLE = _crc_table()

def crc32c(data):
    crc, table = 0xFFFFFFFF, CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283 and crc32c(b"hello world") == 3381945770

# --- algorithms: purpose, kind, size (key bits or bytes), hash; enum numbers of resources.proto

class Alg:
    def __init__(self, number, purpose, kind, size, hash_name):
        self.number, self.purpose, self.kind = number, purpose, kind
        self.size, self.hash_name = size, hash_name

    def hash(self):
        return {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[self.hash_name]()

SIGN, DECRYPT = "ASYMMETRIC_SIGN", "ASYMMETRIC_DECRYPT"
ALGORITHMS = {
    "GOOGLE_SYMMETRIC_ENCRYPTION": Alg(1, "ENCRYPT_DECRYPT", "aes", 32, None),
    "EC_SIGN_P256_SHA256": Alg(12, SIGN, "ec", 256, "sha256"),
    "EC_SIGN_P384_SHA384": Alg(13, SIGN, "ec", 384, "sha384"),
    "RSA_SIGN_PSS_2048_SHA256": Alg(2, SIGN, "pss", 2048, "sha256"),
    "RSA_SIGN_PSS_3072_SHA256": Alg(3, SIGN, "pss", 3072, "sha256"),
    "RSA_SIGN_PSS_4096_SHA256": Alg(4, SIGN, "pss", 4096, "sha256"),
    "RSA_SIGN_PSS_4096_SHA512": Alg(15, SIGN, "pss", 4096, "sha512"),
    "RSA_SIGN_PKCS1_2048_SHA256": Alg(5, SIGN, "pkcs1", 2048, "sha256"),
    "RSA_SIGN_PKCS1_3072_SHA256": Alg(6, SIGN, "pkcs1", 3072, "sha256"),
    "RSA_SIGN_PKCS1_4096_SHA256": Alg(7, SIGN, "pkcs1", 4096, "sha256"),
    "RSA_SIGN_PKCS1_4096_SHA512": Alg(16, SIGN, "pkcs1", 4096, "sha512"),
    "RSA_DECRYPT_OAEP_2048_SHA256": Alg(8, DECRYPT, "oaep", 2048, "sha256"),
    "RSA_DECRYPT_OAEP_3072_SHA256": Alg(9, DECRYPT, "oaep", 3072, "sha256"),
    "RSA_DECRYPT_OAEP_4096_SHA256": Alg(10, DECRYPT, "oaep", 4096, "sha256"),
    "RSA_DECRYPT_OAEP_4096_SHA512": Alg(17, DECRYPT, "oaep", 4096, "sha512"),
    "HMAC_SHA256": Alg(32, "MAC", "hmac", 32, "sha256"),
}
PROTECTION_LEVELS = {"SOFTWARE": 1, "HSM": 2, "EXTERNAL": 3, "EXTERNAL_VPC": 4}
CURVES = {256: ec.SECP256R1, 384: ec.SECP384R1}
HASH_BYTES = {"sha256": 32, "sha384": 48, "sha512": 64}

# --- errors

HTTP_OF = {"INVALID_ARGUMENT": 400, "FAILED_PRECONDITION": 400, "UNAUTHENTICATED": 401,
           "PERMISSION_DENIED": 403, "NOT_FOUND": 404, "RESOURCE_EXHAUSTED": 429,
           "INTERNAL": 500, "UNIMPLEMENTED": 501, "UNAVAILABLE": 503}

class ApiError(Exception):
    """A google.rpc.Status answer: HTTP code from the canonical status name."""
    def __init__(self, status, message, details=None):
        super().__init__(message)
        self.status, self.message, self.details = status, message, details
        self.code = HTTP_OF[status]

    def body(self):
        err = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            err["details"] = self.details
        return {"error": err}

def bad(message):
    return ApiError("INVALID_ARGUMENT", message)

class GrantError(Exception):
    """An RFC 6749 token-endpoint error (400, {"error", "error_description"})."""
    def __init__(self, error, description):
        super().__init__(description)
        self.error, self.description = error, description

# --- proto3 JSON helpers

def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)

def camel(name):
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)

def b64(data):
    return base64.b64encode(data).decode("ascii")

def unb64(value, field):
    """Decodes standard or URL-safe base64, padded or not."""
    if not isinstance(value, str):
        raise bad("Invalid value at '%s' (TYPE_BYTES), expected a base64 string" % snake(field))
    s = value.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise bad("Invalid value at '%s' (TYPE_BYTES), Base64 decoding failed" % snake(field)) from None

INT64_MIN, INT64_MAX = -2 ** 63, 2 ** 63 - 1

def parse_int64(value, field):
    """Any int64, as proto3 JSON has it: a decimal string or a JSON integer, negative too (a
    *Crc32c out of the uint32 range then fails as a checksum mismatch); beyond int64, 400."""
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    if text is None or not re.fullmatch(r"-?\d{1,20}", text) or not INT64_MIN <= int(text) <= INT64_MAX:
        raise bad("Invalid value at '%s' (TYPE_INT64), %s" % (snake(field), json.dumps(value)))
    return int(text)

def field_bytes(req, field, required=False, limit=LIMIT_BYTES):
    if field not in req or req[field] == "":  # proto3: empty bytes are unset bytes
        if required:
            raise bad("%s is required." % snake(field))
        return b""
    data = unb64(req[field], field)
    if len(data) > limit:
        raise bad("The %s must be at most %d bytes, got %d." % (snake(field), limit, len(data)))
    return data

def check_crc(req, field, data):
    """Verifies req[field + "Crc32c"] against data: True if checked, False if absent."""
    key = field + "Crc32c"
    if key not in req:
        return False
    if parse_int64(req[key], key) != crc32c(data):
        raise bad("The checksum in field %s did not match the data in field %s." % (snake(key), snake(field)))
    return True

def crc_str(data):
    return str(crc32c(data))

def compact(obj):
    """Drops the fields proto3 JSON omits: false, empty, None."""
    return {k: v for k, v in obj.items() if v not in (None, False, "")}

def request_fields(body, allowed, name):
    """Parses the JSON body; camelCases its keys; rejects unknown fields."""
    try:
        req = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (ValueError, UnicodeDecodeError) as e:
        raise bad("Invalid JSON payload received. %s" % e) from None
    if not isinstance(req, dict):
        raise bad("Invalid JSON payload received. Expected an object.")
    req = {camel(k): v for k, v in req.items()}
    if req.pop("name", name) != name:
        raise bad("The name in the body does not match the name in the URL.")
    for k in req:
        if k not in allowed:
            raise bad('Invalid JSON payload received. Unknown name "%s": Cannot find field.' % k)
    return req

# --- keys

class Version:
    def __init__(self, key, vid, state, material):
        self.key, self.id, self.state = key, vid, state
        self.name = "%s/cryptoKeyVersions/%s" % (key.name, vid)
        self.material = material  # bytes (aes, hmac) or a private key object

    def public_pem(self):
        return self.material.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

class CryptoKey:
    def __init__(self, name, algorithm, protection, primary):
        self.name, self.algorithm, self.alg = name, algorithm, ALGORITHMS[algorithm]
        self.protection, self.primary, self.versions = protection, primary, {}

def new_material(alg):
    if alg.kind in ("aes", "hmac"):
        return os.urandom(alg.size)
    if alg.kind == "ec":
        return ec.generate_private_key(CURVES[alg.size]())
    return rsa.generate_private_key(public_exponent=65537, key_size=alg.size)

def material_text(alg, material):
    if alg.kind in ("aes", "hmac"):
        return material.hex()
    return material.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode("ascii")

def material_load(alg, text):
    if alg.kind in ("aes", "hmac"):
        return bytes.fromhex(text)
    return serialization.load_pem_private_key(text.encode("ascii"), password=None)

DEFAULT_KEYS = [("symmetric1", "GOOGLE_SYMMETRIC_ENCRYPTION", ["ENABLED", "DISABLED"]),
                ("asymmetric1", "EC_SIGN_P256_SHA256", ["ENABLED"]),
                ("asymmetric384", "EC_SIGN_P384_SHA384", ["ENABLED"]),
                ("rsasign1", "RSA_SIGN_PKCS1_2048_SHA256", ["ENABLED"]),
                ("rsapss1", "RSA_SIGN_PSS_2048_SHA256", ["ENABLED"]),
                ("rsadecrypt1", "RSA_DECRYPT_OAEP_2048_SHA256", ["ENABLED"]),
                ("hmac1", "HMAC_SHA256", ["ENABLED"])]

def default_seed():
    ring = "projects/%s/locations/%s/keyRings/%s" % (PROJECT, LOCATION, RING)
    keys = []
    for kid, algorithm, states in DEFAULT_KEYS:
        alg = ALGORITHMS[algorithm]
        versions = [{"id": str(i + 1), "state": st, "material": material_text(alg, new_material(alg))}
                    for i, st in enumerate(states)]
        primary = "1" if alg.purpose == "ENCRYPT_DECRYPT" else None
        keys.append({"name": "%s/cryptoKeys/%s" % (ring, kid), "algorithm": algorithm,
                     "protectionLevel": "SOFTWARE", "primary": primary, "versions": versions})
    return {"keys": keys, "trustedServiceAccounts": []}

class Store:
    """The keys (read-only once loaded) and the trusted service accounts."""
    def __init__(self, seed):
        self.keys, self.projects = {}, set()
        for k in seed["keys"]:
            key = CryptoKey(k["name"], k["algorithm"], k.get("protectionLevel", "SOFTWARE"), k.get("primary"))
            for v in k["versions"]:
                key.versions[str(v["id"])] = Version(key, str(v["id"]), v.get("state", "ENABLED"),
                                                     material_load(key.alg, v["material"]))
            self.keys[key.name] = key
            self.projects.add(key.name.split("/")[1])
        self.accounts = {}  # private_key_id -> (client_email, public key)
        self.by_email = {}  # client_email -> the same, for JWTs without kid

    def trust(self, account):
        pkey = serialization.load_pem_private_key(account["private_key"].encode("ascii"), password=None)
        entry = (account["client_email"], pkey.public_key())
        self.accounts[account["private_key_id"]] = entry
        self.by_email[account["client_email"]] = entry

    def signer(self, header, claims):
        """The (client_email, public key) a JWT names: by its kid, else (google-auth-library
        sends none) by its iss; None when unknown."""
        if "kid" in header:
            return self.accounts.get(header["kid"])
        return self.by_email.get(claims.get("iss"))

    def key(self, name, permission):
        if name.split("/")[1] not in self.projects:
            raise ApiError("PERMISSION_DENIED", "Permission 'cloudkms.cryptoKeyVersions.%s' denied on resource "
                           "'%s' (or it may not exist)." % (permission, name))
        if name not in self.keys:
            raise ApiError("NOT_FOUND", "CryptoKey %s not found." % name)
        return self.keys[name]

    def version(self, name, permission, purposes):
        """The enabled version named (or the primary of the key named), of one of purposes."""
        key_name, _, vid = name.partition("/cryptoKeyVersions/")
        key = self.key(key_name, permission)
        purpose(key, purposes)
        vid = vid or key.primary
        if vid not in key.versions:
            raise ApiError("NOT_FOUND", "CryptoKeyVersion %s/cryptoKeyVersions/%s not found." % (key.name, vid))
        version = key.versions[vid]
        enabled(version)
        return key, version

def purpose(key, purposes):
    if key.alg.purpose not in purposes:
        raise ApiError("FAILED_PRECONDITION", "%s has purpose %s, this method needs %s." % (
            key.name, key.alg.purpose, " or ".join(purposes)))

def enabled(version):
    if version.state != "ENABLED":
        raise ApiError("FAILED_PRECONDITION", "%s is not enabled, current state is: %s." % (
            version.name, version.state))

# --- the methods: each takes (store, name, req, query) and returns the response object

DECRYPT_FAILED = "Decryption failed: verify that 'name' refers to the correct CryptoKey."
HEADER_BYTES, NONCE_BYTES, TAG_BYTES = 5, 12, 16

def gcm_aad(key, aad):
    return key.name.encode("ascii") + b"\x00" + aad

def op_encrypt(store, name, req, query):
    key, version = store.version(name, "useToEncrypt", ["ENCRYPT_DECRYPT"])
    pt = field_bytes(req, "plaintext", required=True)
    aad = field_bytes(req, "additionalAuthenticatedData")
    v_pt, v_aad = check_crc(req, "plaintext", pt), check_crc(req, "additionalAuthenticatedData", aad)
    nonce = os.urandom(NONCE_BYTES)
    ct = bytes([1]) + int(version.id).to_bytes(4, "big") + nonce + \
        AESGCM(version.material).encrypt(nonce, pt, gcm_aad(key, aad))
    return {"name": version.name, "ciphertext": b64(ct), "ciphertextCrc32c": crc_str(ct),
            "verifiedPlaintextCrc32c": v_pt, "verifiedAdditionalAuthenticatedDataCrc32c": v_aad,
            "protectionLevel": key.protection}

def op_decrypt(store, name, req, query):
    key = store.key(name, "useToDecrypt")
    purpose(key, ["ENCRYPT_DECRYPT"])
    ct = field_bytes(req, "ciphertext", required=True, limit=LIMIT_BYTES + 256)
    aad = field_bytes(req, "additionalAuthenticatedData")
    check_crc(req, "ciphertext", ct)
    check_crc(req, "additionalAuthenticatedData", aad)
    if len(ct) < HEADER_BYTES + NONCE_BYTES + TAG_BYTES or ct[0] != 1:
        raise bad(DECRYPT_FAILED)
    version = key.versions.get(str(int.from_bytes(ct[1:5], "big")))
    if version is None:
        raise bad(DECRYPT_FAILED)
    enabled(version)
    nonce, body = ct[HEADER_BYTES:HEADER_BYTES + NONCE_BYTES], ct[HEADER_BYTES + NONCE_BYTES:]
    try:
        pt = AESGCM(version.material).decrypt(nonce, body, gcm_aad(key, aad))
    except InvalidTag:
        raise bad(DECRYPT_FAILED) from None
    return {"plaintext": b64(pt), "plaintextCrc32c": crc_str(pt), "usedPrimary": version.id == key.primary,
            "protectionLevel": key.protection}

def sign_digest(alg, req):
    """The digest to sign, from exactly one of digest / data, and the verified* flags."""
    if ("digest" in req) == ("data" in req):
        raise bad("Exactly one of digest or data must be set.")
    if "data" in req:
        if "digestCrc32c" in req:
            raise bad("digest_crc32c is set but digest is not.")
        data = field_bytes(req, "data")
        verified = check_crc(req, "data", data)
        return hashlib.new(alg.hash_name, data).digest(), {"verifiedDataCrc32c": verified}
    if "dataCrc32c" in req:
        raise bad("data_crc32c is set but data is not.")
    d = req["digest"]
    if not isinstance(d, dict) or len(d) != 1 or next(iter(d)) not in HASH_BYTES:
        raise bad("digest must hold exactly one of sha256, sha384, sha512.")
    (hname, value), = d.items()
    if hname != alg.hash_name:
        raise bad("The digest type %s does not match the algorithm, which needs %s." % (hname, alg.hash_name))
    digest = unb64(value, "digest." + hname)
    if len(digest) != HASH_BYTES[hname]:
        raise bad("The digest length is %d bytes, expected %d for %s." % (len(digest), HASH_BYTES[hname], hname))
    return digest, {"verifiedDigestCrc32c": check_crc(req, "digest", digest)}

def signature(alg, pkey, digest):
    pre = utils.Prehashed(alg.hash())
    if alg.kind == "ec":
        return pkey.sign(digest, ec.ECDSA(pre))
    if alg.kind == "pss":
        return pkey.sign(digest, padding.PSS(mgf=padding.MGF1(alg.hash()), salt_length=alg.hash().digest_size), pre)
    return pkey.sign(digest, padding.PKCS1v15(), pre)

def op_sign(store, name, req, query):
    key, version = store.version(name, "useToSign", [SIGN])
    digest, flags = sign_digest(key.alg, req)
    sig = signature(key.alg, version.material, digest)
    return dict(flags, signature=b64(sig), signatureCrc32c=crc_str(sig), name=version.name,
                protectionLevel=key.protection)

def op_asymmetric_decrypt(store, name, req, query):
    key, version = store.version(name, "useToDecrypt", [DECRYPT])
    ct = field_bytes(req, "ciphertext", required=True)
    verified = check_crc(req, "ciphertext", ct)
    oaep = padding.OAEP(mgf=padding.MGF1(key.alg.hash()), algorithm=key.alg.hash(), label=None)
    try:
        pt = version.material.decrypt(ct, oaep)
    except ValueError:
        raise bad("Decryption failed: the ciphertext is invalid.") from None
    return {"plaintext": b64(pt), "plaintextCrc32c": crc_str(pt), "verifiedCiphertextCrc32c": verified,
            "protectionLevel": key.protection}

def op_public_key(store, name, req, query):
    key, version = store.version(name, "viewPublicKey", [SIGN, DECRYPT])
    fmt = urllib.parse.parse_qs(query).get("publicKeyFormat", ["PEM"])[0]
    if fmt != "PEM":
        raise bad("publicKeyFormat %s is not supported for %s." % (fmt, key.algorithm))
    pem = version.public_pem()
    return {"pem": pem, "algorithm": key.algorithm, "pemCrc32c": crc_str(pem.encode("ascii")),
            "name": version.name, "protectionLevel": key.protection}

def mac_of(key, version, req):
    data = field_bytes(req, "data", required=True)
    return hmac.new(version.material, data, key.alg.hash_name).digest(), check_crc(req, "data", data)

def op_mac_sign(store, name, req, query):
    key, version = store.version(name, "useToSign", ["MAC"])
    mac, verified = mac_of(key, version, req)
    return {"name": version.name, "mac": b64(mac), "macCrc32c": crc_str(mac), "verifiedDataCrc32c": verified,
            "protectionLevel": key.protection}

def op_mac_verify(store, name, req, query):
    key, version = store.version(name, "useToVerify", ["MAC"])
    mac, v_data = mac_of(key, version, req)
    given = field_bytes(req, "mac", required=True)
    v_mac = check_crc(req, "mac", given)
    return {"name": version.name, "success": hmac.compare_digest(mac, given), "verifiedDataCrc32c": v_data,
            "verifiedMacCrc32c": v_mac, "verifiedSuccessIntegrity": True, "protectionLevel": key.protection}

def op_unimplemented(store, name, req, query):
    raise ApiError("UNIMPLEMENTED", "This stand-in does not implement this method.")

KEY_RE = r"projects/[^/:]+/locations/[^/:]+/keyRings/[a-zA-Z0-9_-]{1,63}/cryptoKeys/[a-zA-Z0-9_-]{1,63}"
VERSION_RE = KEY_RE + r"/cryptoKeyVersions/[0-9]+"
D = ["additionalAuthenticatedData", "additionalAuthenticatedDataCrc32c"]
# (HTTP verb, path regex, method name, function, request fields)
ROUTES = [
    ("POST", r"/v1/(%s(?:/cryptoKeyVersions/[0-9]+)?):encrypt" % KEY_RE, "encrypt", op_encrypt,
     ["plaintext", "plaintextCrc32c"] + D),
    ("POST", r"/v1/(%s):decrypt" % KEY_RE, "decrypt", op_decrypt, ["ciphertext", "ciphertextCrc32c"] + D),
    ("POST", r"/v1/(%s):asymmetricSign" % VERSION_RE, "asymmetricSign", op_sign,
     ["digest", "digestCrc32c", "data", "dataCrc32c"]),
    ("POST", r"/v1/(%s):asymmetricDecrypt" % VERSION_RE, "asymmetricDecrypt", op_asymmetric_decrypt,
     ["ciphertext", "ciphertextCrc32c"]),
    ("GET", r"/v1/(%s)/publicKey" % VERSION_RE, "getPublicKey", op_public_key, []),
    ("POST", r"/v1/(%s):macSign" % VERSION_RE, "macSign", op_mac_sign, ["data", "dataCrc32c"]),
    ("POST", r"/v1/(%s):macVerify" % VERSION_RE, "macVerify", op_mac_verify,
     ["data", "dataCrc32c", "mac", "macCrc32c"]),
    ("POST", r"/v1/(%s):raw(?:En|De)crypt" % VERSION_RE, "raw", op_unimplemented, None),
]
ROUTES = [(verb, re.compile(rx), meth, fn, fields) for verb, rx, meth, fn, fields in ROUTES]

def route(verb, path):
    for v, rx, meth, fn, fields in ROUTES:
        m = rx.fullmatch(path)
        if m and v == verb:
            return meth, m.group(1), fn, fields
    return None

# --- authentication: JWTs (RS256, trusted service-account keys) and the opaque tokens issued

def b64url_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

def verify_jwt(store, jwt, audiences, scope_enough, now):
    """Checks an RS256 JWT's signature, kid (or iss), iss, aud and time window; returns its claims.
    scope_enough: a scope claim stands for a missing audience (self-signed JWTs)."""
    parts = jwt.split(".")
    if len(parts) != 3:
        raise GrantError("invalid_grant", "Invalid JWT: not three parts.")
    try:
        header, claims = b64url_json(parts[0]), b64url_json(parts[1])
        sig = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except (ValueError, binascii.Error):
        raise GrantError("invalid_grant", "Invalid JWT: bad encoding.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict) or header.get("alg") != "RS256":
        raise GrantError("invalid_grant", "Invalid JWT: alg must be RS256.")
    account = store.signer(header, claims)
    if account is None:
        raise GrantError("invalid_grant", "Invalid JWT Signature.")  # Google's text for an unknown kid too
    try:
        account[1].verify(sig, (parts[0] + "." + parts[1]).encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise GrantError("invalid_grant", "Invalid JWT Signature.") from None
    if claims.get("iss") != account[0]:
        raise GrantError("invalid_grant", "Invalid JWT: iss does not name the key's service account.")
    if claims.get("aud") not in audiences and not (scope_enough and claims.get("scope")):
        raise GrantError("invalid_grant", "Invalid JWT: aud must be one of %s." % ", ".join(audiences))
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)) \
            or not 0 < exp - iat <= 3600 or not iat - 300 <= now <= exp:
        raise GrantError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) "
                         "and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
    return claims

class Tokens:
    """Opaque bearer tokens issued by /token, with their expiry."""
    def __init__(self, ttl):
        self.ttl, self.live, self.lock = ttl, {}, threading.Lock()

    def issue(self):
        token = "ya29.standin-" + secrets.token_urlsafe(32)
        with self.lock:
            self.live[token] = time.time() + self.ttl
        return token

    def valid(self, token):
        with self.lock:
            return self.live.get(token, 0) > time.time()

# --- statistics and faults

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.methods, self.tokens_used = {}, set()
            self.counts = {"tokensIssued": 0, "grantsRejected": 0, "unauthenticated": 0, "crcVerified": 0,
                           "connections": 0, "faultLatency": 0, "faultUnavailable": 0,
                           "faultCorruptCrc": 0, "faultExhausted": 0}

    def count(self, method, status):
        with self.lock:
            m = self.methods.setdefault(method, {"total": 0})
            m["total"] += 1
            m[str(status)] = m.get(str(status), 0) + 1

    def bump(self, what, n=1):
        with self.lock:
            self.counts[what] += n

    def token_used(self, token):
        with self.lock:
            self.tokens_used.add(token)

    def snapshot(self):
        with self.lock:
            return dict(self.counts, methods={k: dict(v) for k, v in self.methods.items()},
                        tokensUsed=len(self.tokens_used))

class Faults:
    def __init__(self, args):
        lat = [float(x) for x in args.latency_ms.split("-")] if args.latency_ms else [0.0]
        self.latency = (lat[0] / 1000, lat[-1] / 1000)
        self.error_ratio, self.corrupt_ratio, self.qps = args.error_ratio, args.corrupt_crc_ratio, args.quota_qps
        self.window, self.in_window, self.lock = 0, 0, threading.Lock()

    def over_quota(self):
        if not self.qps:
            return False
        with self.lock:
            now = int(time.monotonic())
            if now != self.window:
                self.window, self.in_window = now, 0
            self.in_window += 1
            return self.in_window > self.qps

    def before(self, stats):
        """Latency, then a quota or an injected error (raised as ApiError)."""
        if self.latency[1] > 0:
            stats.bump("faultLatency")
            time.sleep(random.uniform(*self.latency))
        if self.over_quota():
            stats.bump("faultExhausted")
            raise ApiError("RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Cryptographic requests' and "
                           "limit 'per second' of service 'cloudkms.googleapis.com'.", [{
                               "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                               "domain": "googleapis.com", "metadata": {"service": "cloudkms.googleapis.com"}}])
        if self.error_ratio and random.random() < self.error_ratio:
            stats.bump("faultUnavailable")
            raise ApiError("UNAVAILABLE", "The service is currently unavailable (injected fault).")

    def after(self, stats, resp):
        if self.corrupt_ratio and random.random() < self.corrupt_ratio:
            for k in resp:
                if k.endswith("Crc32c"):
                    resp[k] = str(int(resp[k]) ^ 1)
                    stats.bump("faultCorruptCrc")
                    break

# --- HTTP

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle keep-alive connection is closed after this

    def version_string(self):
        return "logen-kms-standin"

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()
        self.server.stats.bump("connections")

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("standin: %s %s\n" % (self.address_string(), fmt % args))

    def do_any(self):
        self.dispatch(self.command)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_any

    def read_body(self):
        """The request body, or None (and the connection is closed) when it cannot be read."""
        n = self.headers.get("Content-Length") or "0"
        if self.headers.get("Transfer-Encoding") or not n.isdigit() or int(n) > BODY_MAX_BYTES:
            self.close_connection = True
            return None
        return self.rfile.read(int(n)) if int(n) > 0 else b""

    def send(self, code, body, ctype, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, code, obj, extra=()):
        self.send(code, json.dumps(obj, separators=(",", ":")).encode("utf-8"), "application/json; charset=UTF-8",
                  extra)

    def send_text(self, code, text):
        self.send(code, text.encode("utf-8"), "text/plain; charset=UTF-8")

    def dispatch(self, verb):
        path, _, query = self.path.partition("?")
        body = self.read_body()
        if body is None:
            return self.send_text(413, "Request body unreadable: too large, chunked or no Content-Length.\n")
        if path == "/token" and verb == "POST":
            return self.token(body)
        if path == "/_stats" and verb == "GET":
            return self.send_json(200, self.server.stats.snapshot())
        if path == "/_stats/reset" and verb == "POST":
            self.server.stats.reset()
            return self.send_json(200, {})
        r = route(verb, path)
        if r is None:
            self.server.stats.count("notFound", 404)
            return self.send_text(404, "404. That's an error.\nThe requested URL %s was not found on this server.\n"
                                  % path)
        self.api(r, body, query)

    def api(self, r, body, query):
        meth, name, fn, fields = r
        srv, resp, code = self.server, None, 200
        try:
            self.authenticate()
            srv.faults.before(srv.stats)
            req = request_fields(body, fields, name) if fields is not None else {}
            resp = compact(fn(srv.store, name, req, query))
            srv.stats.bump("crcVerified", sum(1 for k, v in resp.items() if k.startswith("verified") and v is True
                                              and k != "verifiedSuccessIntegrity"))
            srv.faults.after(srv.stats, resp)
            out = enums_as_ints(resp) if "enum-encoding=int" in query else resp
        except ApiError as e:
            code, out = e.code, e.body()
        srv.stats.count(meth, code)
        srv.journal_write(meth, name, code, body, out)
        extra = [("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"')] if code == 401 else []
        self.send_json(code, out, extra)

    def authenticate(self):
        srv = self.server
        if srv.no_auth:
            return
        auth = self.headers.get("Authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        ok = bool(token) and srv.tokens.valid(token)
        if token and not ok and token.count(".") == 2:
            try:
                verify_jwt(srv.store, token, [KMS_AUDIENCE, srv.base_url, srv.base_url + "/"], True, time.time())
                ok = True
            except GrantError:
                pass
        if not ok:
            srv.stats.bump("unauthenticated")
            raise ApiError("UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                           "access token, login cookie or other valid authentication credential.")
        srv.stats.token_used(token)

    def token(self, body):
        srv = self.server
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        try:
            grant = form.get("grant_type", [""])[0]
            if grant != JWT_BEARER:
                raise GrantError("unsupported_grant_type", "Invalid grant_type: %s" % grant)
            if "assertion" not in form:
                raise GrantError("invalid_request", "Missing required parameter: assertion")
            claims = verify_jwt(srv.store, form["assertion"][0], [srv.base_url + "/token", GOOGLE_TOKEN_URL],
                                False, time.time())
            if not claims.get("scope"):
                raise GrantError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        except GrantError as e:
            srv.stats.bump("grantsRejected")
            srv.stats.count("token", 400)
            return self.send_json(400, {"error": e.error, "error_description": e.description})
        srv.stats.bump("tokensIssued")
        srv.stats.count("token", 200)
        self.send_json(200, {"access_token": srv.tokens.issue(), "expires_in": srv.tokens.ttl - 1,
                             "token_type": "Bearer"}, [("Cache-Control", "no-cache, no-store, max-age=0")])

def enums_as_ints(resp):
    out = dict(resp)
    if "protectionLevel" in out:
        out["protectionLevel"] = PROTECTION_LEVELS[out["protectionLevel"]]
    if "algorithm" in out:
        out["algorithm"] = ALGORITHMS[out["algorithm"]].number
    return out

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # headers and body go out as two writes
        if self.tls:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)

    def journal_write(self, meth, name, code, body, out):
        if not self.journal:
            return
        try:
            req = json.loads(body) if body.strip() else None
        except ValueError:
            req = body.decode("utf-8", "replace")
        line = json.dumps({"method": meth, "name": name, "status": code, "request": req, "response": out})
        with self.journal_lock:
            self.journal.write(line + "\n")
            self.journal.flush()

# --- seed directory and start-up

def write_json(path, obj):
    """Writes atomically (temporary file, rename), mode 0600: it holds private keys."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)

def load_seed(seed_dir):
    path = os.path.join(seed_dir, "keys.json")
    if not os.path.exists(path):
        write_json(path, default_seed())
    with open(path) as f:
        return json.load(f)

def service_account(seed_dir, token_uri):
    """Reads (or makes) seed_dir/service-account.json and points its token_uri here."""
    path = os.path.join(seed_dir, "service-account.json")
    if os.path.exists(path):
        with open(path) as f:
            account = json.load(f)
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        account = {"type": "service_account", "project_id": PROJECT, "private_key_id": secrets.token_hex(20),
                   "private_key": material_text(ALGORITHMS["RSA_SIGN_PKCS1_2048_SHA256"], key),
                   "client_email": SA_EMAIL, "client_id": str(secrets.randbelow(10 ** 21)),
                   "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                   "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                   "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" +
                   urllib.parse.quote(SA_EMAIL), "universe_domain": "googleapis.com"}
    account["token_uri"] = token_uri
    write_json(path, account)
    return account

def parse_args(argv):
    p = argparse.ArgumentParser(description="Cloud KMS stand-in for logen's tests (see the head of this file).")
    p.add_argument("--seed-dir", required=True, help="keys.json and service-account.json live here")
    p.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    p.add_argument("--port-file", help="written with the port once the stand-in is ready")
    p.add_argument("--bind", default="127.0.0.1", help="a loopback address only")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS with this PEM pair")
    p.add_argument("--no-auth", action="store_true", help="no bearer token needed")
    p.add_argument("--token-ttl", type=int, default=3600, help="seconds an issued token lives")
    p.add_argument("--max-seconds", type=float, default=600, help="exit after this long (default 600)")
    p.add_argument("--latency-ms", help="added latency per API call: MS or MIN-MAX (uniform)")
    p.add_argument("--error-ratio", type=float, default=0, help="fraction of API calls answered 503")
    p.add_argument("--corrupt-crc-ratio", type=float, default=0, help="fraction of responses with a wrong CRC")
    p.add_argument("--quota-qps", type=int, default=0, help="API calls per second before 429 (0: no quota)")
    p.add_argument("--journal", help="append one JSON line per API call to this file")
    p.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    args = p.parse_args(argv)
    if not ipaddress.ip_address(socket.gethostbyname(args.bind)).is_loopback:
        p.error("--bind must be a loopback address, not %s" % args.bind)
    if args.max_seconds <= 0 or args.token_ttl < 2:
        p.error("--max-seconds must be > 0 and --token-ttl >= 2")
    return args

def make_server(args):
    srv = Server((socket.gethostbyname(args.bind), args.port), Handler)
    srv.tls = None
    if args.tls:
        srv.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        srv.tls.load_cert_chain(args.tls[0], args.tls[1])
        srv.tls.set_alpn_protocols(["http/1.1"])
    port = srv.server_address[1]
    srv.base_url = "%s://%s:%d" % ("https" if args.tls else "http", srv.server_address[0], port)
    os.makedirs(args.seed_dir, exist_ok=True)
    seed = load_seed(args.seed_dir)
    srv.store = Store(seed)
    srv.store.trust(service_account(args.seed_dir, srv.base_url + "/token"))
    for extra in seed.get("trustedServiceAccounts", []):
        with open(os.path.join(args.seed_dir, extra)) as f:
            srv.store.trust(json.load(f))
    srv.tokens, srv.stats, srv.faults = Tokens(args.token_ttl), Stats(), Faults(args)
    srv.no_auth, srv.verbose = args.no_auth, args.verbose
    srv.journal = open(args.journal, "a") if args.journal else None
    srv.journal_lock = threading.Lock()
    return srv

def main(argv):
    args = parse_args(argv)
    srv = make_server(args)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    print("standin: listening on %s (pid %d, seed dir %s)" % (srv.base_url, os.getpid(), args.seed_dir), flush=True)
    print(srv.server_address[1], flush=True)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.replace(args.port_file + ".tmp", args.port_file)
    if not stop.wait(args.max_seconds):
        print("standin: --max-seconds %g reached, stopping" % args.max_seconds, file=sys.stderr, flush=True)
    srv.shutdown()
    srv.server_close()
    if srv.journal:
        srv.journal.close()
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
