"""kms_model.py -- what the Cloud KMS stand-in (standin.py) serves, without HTTP: the keys and
their versions, the proto3 JSON rules, CRC32C, and the methods, each a function of (store, name,
request fields, query) that returns the response object or raises ApiError (a google.rpc.Status).
standin.py owns the server, authentication, statistics and faults; its head documents the
behaviour of both. Not here: tokens, JWTs, sockets.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import urllib.parse

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LIMIT_BYTES = 64 * 1024
PROJECT, LOCATION, RING = "logen-test", "global", "ring1"

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
