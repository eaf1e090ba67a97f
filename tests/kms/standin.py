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
             [--quota-qps N] [--journal FILE] [--token-log FILE] [-v]
--port 0 picks a free port; it is printed on stdout and, once everything is ready, written
to --port-file. Faults apply to API calls only: --latency-ms sleeps before answering,
--error-ratio answers 503 UNAVAILABLE, --corrupt-crc-ratio flips the response CRC,
--quota-qps answers 429 RESOURCE_EXHAUSTED past N calls in a second. --journal appends one
JSON line per API call (method, name, status, request, response); --token-log appends
each access token issued, one a line (a leak test searches logen's output for them). It stops cleanly on
SIGTERM or SIGINT, and by itself after --max-seconds, so nothing is left running.
Not done: rawEncrypt/rawDecrypt (501), key management, IAM, the metadata server.
This file is the server, authentication, statistics and faults; the keys, the proto3
JSON rules and the methods are in kms_model.py beside it.
"""

import argparse
import base64
import binascii
import ipaddress
import json
import os
import random
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kms_model import (ALGORITHMS, PROJECT, PROTECTION_LEVELS, ApiError, Store, compact, default_seed,
                       material_text, request_fields, route)

BODY_MAX_BYTES = 1024 * 1024
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
KMS_AUDIENCE = "https://cloudkms.googleapis.com/"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SA_EMAIL = "logen-loadtest@logen-test.iam.gserviceaccount.com"

# --- authentication: JWTs (RS256, trusted service-account keys) and the opaque tokens issued

class GrantError(Exception):
    """An RFC 6749 token-endpoint error (400, {"error", "error_description"})."""
    def __init__(self, error, description):
        super().__init__(description)
        self.error, self.description = error, description


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
    def __init__(self, ttl, log=None):
        self.ttl, self.live, self.lock, self.log = ttl, {}, threading.Lock(), log

    def issue(self):
        token = "ya29.standin-" + secrets.token_urlsafe(32)
        with self.lock:
            self.live[token] = time.time() + self.ttl
            if self.log:
                self.log.write(token + "\n")
                self.log.flush()
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
    p.add_argument("--token-log", help="append each access token issued to this file, one a line")
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
    token_log = open(args.token_log, "a") if args.token_log else None
    srv.tokens, srv.stats, srv.faults = Tokens(args.token_ttl, token_log), Stats(), Faults(args)
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
