-- logen.gcp -- Google Cloud for CUTs: OAuth2 for service accounts and a
-- small Cloud KMS REST v1 client (logen.http + logen.crypto + cjson).
--
--   local gcp = require "logen.gcp"
--   local kms = gcp.kms(opts)            once per worker, in the CUT's init
--   kms:prepare()                        before the timed call: fetches or
--                                        refreshes the access token if due
--   res, err, rc, status = kms:encrypt(name, plaintext[, aad])
--       res.ciphertext (bytes), res.name (the version used), res.protectionLevel
--   res, err, rc, status = kms:decrypt(cryptoKeyName, ciphertext[, aad])  res.plaintext
--   res, err, rc, status = kms:asymmetricSign(versionName, "sha256"|"sha384"|"sha512", digest)
--       res.signature (bytes; DER for EC keys), res.name
--   res, err, rc, status = kms:getPublicKey(versionName)   res.pem, res.algorithm
--   kms:check(request, res, err, rc)     in a logen.exec-wrapped function: on
--                                        failure sets request.rc and .error and
--                                        returns false, message; else true
--
-- Bodies are the proto3 JSON of Cloud KMS: bytes in standard base64, every
-- input sent with its *Crc32c (a decimal string), the name in the path
-- (/v1/{name}:encrypt). Each answer is checked: HTTP 200, a JSON object,
-- verified*Crc32c true for what was sent with a CRC, the response's CRCs
-- match its bytes, the name is the one asked (encrypt: a version of it).
-- Result codes, for the request records:
--   rc 1  transport error (refused, timeout, TLS...): curl's message
--   rc 2  HTTP status other than 200: "HTTP 403 PERMISSION_DENIED from URL: message"
--   rc 3  integrity: the 200 answer fails a check above ("integrity: ...")
--   rc 4  authentication: no access token could be obtained
--   (rc 16 stays logen.exec's: the wrapped function raised)
--
-- kms options (a CUT passes its --extra table):
--   endpoint     base URL; else $LOGEN_KMS_ENDPOINT, else https://cloudkms.googleapis.com
--   cainfo       CA file for a self-signed stand-in; else $LOGEN_KMS_CAINFO
--   insecure     true: no TLS verification.   timeout (s, default 30), http2
--   crc          false: send no *Crc32c (and expect no verified* flags)
--   user_project sent as x-goog-user-project
--   and the auth options below.
--
-- Authentication, the first that applies:
--   auth = "none" | "token" | "service_account" chooses explicitly
--     ($LOGEN_KMS_AUTH likewise);
--   token        a static bearer token (else $LOGEN_KMS_TOKEN)
--   credentials  a service-account key file (else $GOOGLE_APPLICATION_CREDENTIALS):
--                an RS256 JWT {iss = client_email, scope, aud = token_uri,
--                iat, exp = iat + 3600, header kid = private_key_id} is
--                exchanged at token_uri (grant_type jwt-bearer); the token
--                is cached per worker and refreshed expires_in - 225 s
--                later (at half its life if shorter); on a 401 it is
--                refreshed once and the call resent, and the request's
--                clock restarts at the resend (kms:check does it), so token
--                fetches are never inside a request's time.
--   token_uri    where to POST the grant instead of the key's token_uri
--                ($LOGEN_KMS_TOKEN_URI); the JWT's aud stays the key's.
--   scope        default https://www.googleapis.com/auth/cloud-platform
--   With none of these, a non-Google endpoint gets no Authorization header;
--   the Google endpoint raises (real KMS always needs a token).
--   A failed token fetch is retried at most once a second.
--
-- Also: gcp.service_account([path]) -> sa | nil, msg (sa.client_email,
-- sa.private_key_id, sa.token_uri, sa.project_id, sa.key, and
-- sa:assertion([now[, scope[, aud]]]) the signed JWT); gcp.auth(opts);
-- gcp.keyfile(file, key[, dir]) -> the entry of a Pylogen key file, with
-- key_name and version_name | nil, msg; gcp.digest_kind(sha) -> "sha256"...
local logen = require "logen"
local http = require "logen.http"
local crypto = require "logen.crypto"
local cjson = require "cjson"
local cjson_safe = require "cjson.safe"

local b64, unb64, crc32c = crypto.base64, crypto.unbase64, crypto.crc32c
local decode = cjson_safe.decode
local format, getenv, time = string.format, os.getenv, os.time
local type, tonumber, tostring, setmetatable, getmetatable = type, tonumber, tostring, setmetatable, getmetatable
local min, now = math.min, logen.now

local M = {
    RC_TRANSPORT = 1, RC_STATUS = 2, RC_INTEGRITY = 3, RC_AUTH = 4,
    GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token",
    SCOPE = "https://www.googleapis.com/auth/cloud-platform",
    KMS_ENDPOINT = "https://cloudkms.googleapis.com",
    REFRESH_MARGIN = 225, -- seconds before expiry (google-auth's figure)
    RETRY_DELAY = 1,      -- seconds between two failed token fetches
}

local function env(name)
    local v = getenv(name)
    if v == "" then return nil end
    return v
end

-- A JSON string, "/" left as is (cjson writes "\/").
local function json_string(s)
    return (cjson.encode(s):gsub("\\/", "/"))
end

local function crcstr(data)
    return format("%.0f", crc32c(data))
end

-- ---- service accounts ----

local ServiceAccount = {}
ServiceAccount.__index = ServiceAccount

function M.service_account(path)
    path = path or env("GOOGLE_APPLICATION_CREDENTIALS")
    if not path then
        return nil, "no service-account key: GOOGLE_APPLICATION_CREDENTIALS is not set"
    end
    local text, err = crypto.read_file(path)
    if not text then
        return nil, "service-account key: " .. err
    end
    local doc = decode(text)
    if type(doc) ~= "table" then
        return nil, path .. ": not a JSON object"
    end
    if doc.type ~= nil and doc.type ~= "service_account" then
        return nil, format("%s: type is %s, not service_account", path, tostring(doc.type))
    end
    for _, f in ipairs{ "client_email", "private_key" } do
        if type(doc[f]) ~= "string" or doc[f] == "" then
            return nil, format("%s: no %s", path, f)
        end
    end
    local key, kerr = crypto.private_key(doc.private_key)
    if not key then
        return nil, format("%s: private_key: %s", path, kerr)
    end
    if key:type() ~= "RSA" then
        return nil, format("%s: private_key is %s, RS256 needs RSA", path, key:type())
    end
    local token_uri = doc.token_uri
    return setmetatable({
        path = path,
        client_email = doc.client_email,
        private_key_id = type(doc.private_key_id) == "string" and doc.private_key_id ~= ""
                         and doc.private_key_id or nil,
        token_uri = type(token_uri) == "string" and token_uri ~= "" and token_uri or M.GOOGLE_TOKEN_URI,
        project_id = doc.project_id,
        key = key,
    }, ServiceAccount)
end

-- The RS256 JWT of the bearer grant (RFC 7523), valid one hour from now
-- (wall-clock seconds).
function ServiceAccount:assertion(t, scope, aud)
    t = t or time()
    local header = '{"alg":"RS256","typ":"JWT"'
        .. (self.private_key_id and ',"kid":' .. json_string(self.private_key_id) or "") .. "}"
    local claims = format('{"iss":%s,"scope":%s,"aud":%s,"iat":%d,"exp":%d}',
                          json_string(self.client_email), json_string(scope or M.SCOPE),
                          json_string(aud or self.token_uri), t, t + 3600)
    return crypto.jwt_rs256(header, claims, self.key)
end

-- ---- authentication ----

local Auth = {}
Auth.__index = Auth

-- Access tokens of this worker (one Lua state per worker), by key file and
-- token endpoint: { header, refresh_at, expires_at (logen.now() seconds),
-- retry_at, err, fetches }.
local tokens = {}

local GRANT = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="

local function pick_mode(opts, default_none)
    local mode = opts.auth or env("LOGEN_KMS_AUTH")
    if mode then
        return mode
    elseif opts.token then
        return "token"
    elseif opts.credentials then
        return "service_account"
    elseif env("LOGEN_KMS_TOKEN") then
        return "token"
    elseif env("GOOGLE_APPLICATION_CREDENTIALS") then
        return "service_account"
    elseif default_none then
        return "none"
    end
    error("logen.gcp: no credentials: set GOOGLE_APPLICATION_CREDENTIALS (a service-account "
          .. "key), LOGEN_KMS_TOKEN (a bearer token) or LOGEN_KMS_AUTH=none", 0)
end

-- gcp.auth(opts) -> an authenticator; raises on a bad configuration.
-- opts: auth, token, credentials, token_uri, scope, cainfo, insecure,
-- timeout (as for gcp.kms); default_none: no auth when nothing is set.
function M.auth(opts)
    opts = opts or {}
    local mode = pick_mode(opts, opts.default_none)
    local a = setmetatable({ mode = mode, refreshable = false }, Auth)
    if mode == "none" then
        return a
    elseif mode == "token" then
        local token = opts.token or env("LOGEN_KMS_TOKEN")
        if not token then
            error("logen.gcp: auth \"token\" without a token (extra.token or LOGEN_KMS_TOKEN)", 0)
        end
        a.static = "Bearer " .. token
        return a
    elseif mode ~= "service_account" then
        error(format("logen.gcp: unknown auth %q (none, token or service_account)", tostring(mode)), 0)
    end
    local sa, err = M.service_account(opts.credentials)
    if not sa then
        error("logen.gcp: " .. err, 0)
    end
    a.sa, a.refreshable = sa, true
    a.scope = opts.scope or M.SCOPE
    a.token_url = opts.token_uri or env("LOGEN_KMS_TOKEN_URI") or sa.token_uri
    a.http_opts = {
        timeout = tonumber(opts.timeout) or 30,
        cainfo = opts.cainfo or env("LOGEN_KMS_CAINFO"),
        verify = not opts.insecure,
        headers = { ["Content-Type"] = "application/x-www-form-urlencoded" },
    }
    local id = sa.path .. "\0" .. a.token_url .. "\0" .. a.scope
    a.entry = tokens[id] or { refresh_at = 0, expires_at = 0, retry_at = 0, fetches = 0 }
    tokens[id] = a.entry
    return a
end

-- One grant: returns the token and its lifetime (s), or nil, message.
local function fetch(a)
    local jwt, err = a.sa:assertion(time(), a.scope, a.sa.token_uri)
    if not jwt then
        return nil, "token: cannot sign the JWT: " .. err
    end
    a.http = a.http or http.client(a.http_opts)
    local res, herr = a.http:post(a.token_url, GRANT .. jwt)
    if not res then
        return nil, "token: " .. herr
    end
    local doc = decode(res.body)
    if res.status ~= 200 then
        local why = ""
        if type(doc) == "table" and doc.error then
            why = ": " .. tostring(type(doc.error) == "table" and doc.error.message or doc.error)
                  .. (doc.error_description and " (" .. tostring(doc.error_description) .. ")" or "")
        end
        return nil, format("token: HTTP %d from %s%s", res.status, a.token_url, why)
    end
    if type(doc) ~= "table" or type(doc.access_token) ~= "string" or doc.access_token == "" then
        return nil, format("token: no access_token in the answer of %s", a.token_url)
    end
    return doc.access_token, tonumber(doc.expires_in) or 3600
end

-- Fetches a new token now (unless a fetch failed less than RETRY_DELAY
-- ago). Returns true, or nil, message.
function Auth:refresh()
    if not self.refreshable then
        return true
    end
    local e = self.entry
    local t0 = now()
    if t0 < e.retry_at then
        return nil, e.err
    end
    local token, ttl = fetch(self)
    if not token then
        e.err, e.retry_at = ttl, now() + M.RETRY_DELAY
        return nil, e.err
    end
    e.header = "Bearer " .. token
    e.expires_at = t0 + ttl
    e.refresh_at = t0 + ttl - min(M.REFRESH_MARGIN, ttl / 2)
    e.retry_at, e.err, e.fetches = 0, nil, e.fetches + 1
    return true
end

-- Makes sure a token is ready: fetches one when none is, or when the
-- current one is due for refresh (if that fails, the old one serves until
-- it expires). Returns true, or nil, message.
function Auth:prepare()
    if not self.refreshable then
        return true
    end
    local e = self.entry
    local t = now()
    if e.header and t < e.refresh_at then
        return true
    end
    local ok, err = self:refresh()
    if ok or (e.header and t < e.expires_at) then
        return true
    end
    return nil, err
end

-- The Authorization value: "Bearer ..." | false (no auth) | nil, message.
function Auth:header()
    if self.static then
        return self.static
    elseif not self.refreshable then
        return false
    end
    local e = self.entry
    if e.header and now() < e.expires_at then
        return e.header
    end
    return nil, e.err or "no access token"
end

-- Forgets the token (the server refused it).
function Auth:invalidate()
    if self.entry then
        self.entry.header, self.entry.refresh_at, self.entry.expires_at = nil, 0, 0
    end
end

-- Access tokens fetched by this worker for this key (for tests and logs).
function Auth:fetches()
    return self.entry and self.entry.fetches or 0
end

-- ---- Cloud KMS ----

local Kms = {}
Kms.__index = Kms

function M.kms(opts)
    opts = opts or {}
    local base = (opts.endpoint or env("LOGEN_KMS_ENDPOINT") or M.KMS_ENDPOINT):gsub("/+$", "")
    local cainfo = opts.cainfo or env("LOGEN_KMS_CAINFO")
    local auth = opts.auth
    if getmetatable(auth) ~= Auth then
        local ao = setmetatable({ default_none = base ~= M.KMS_ENDPOINT, cainfo = cainfo },
                                { __index = opts })
        auth = M.auth(ao)
    end
    return setmetatable({
        base = base,
        auth = auth,
        crc = opts.crc ~= false,
        hdr = {},
        restart = nil,
        http = http.client{
            timeout = tonumber(opts.timeout) or 30,
            cainfo = cainfo,
            verify = not opts.insecure,
            http2 = opts.http2 and true or false,
            headers = {
                ["Content-Type"] = "application/json",
                ["x-goog-user-project"] = opts.user_project,
            },
        },
    }, Kms)
end

function Kms:prepare()
    return self.auth:prepare()
end

-- The per-request headers: Authorization only (nil without auth), or
-- nil, message when no token can be had. A token fetched here restarts the
-- request's clock (self.restart).
function Kms:headers()
    local h, err = self.auth:header()
    if h == nil and self.auth.refreshable then
        local ok, perr = self.auth:prepare()
        if not ok then
            return nil, perr
        end
        self.restart = now()
        h, err = self.auth:header()
    end
    if h == nil then
        return nil, err
    end
    if not h then
        return false
    end
    self.hdr.Authorization = h
    return self.hdr
end

-- "HTTP 403 PERMISSION_DENIED from URL: message", from a google.rpc.Status
-- body when there is one.
local function status_message(res)
    local doc = decode(res.body)
    local e = type(doc) == "table" and doc.error
    if type(e) == "table" then
        return format("HTTP %d %s from %s: %s", res.status, tostring(e.status or ""), res.url,
                      tostring(e.message or ""))
    end
    local body = res.body
    if body == "" or body:find("^%s*<") then
        return format("HTTP %d from %s", res.status, res.url)
    end
    return format("HTTP %d from %s: %s", res.status, res.url,
                  (body:match("^[^\r\n]*"):sub(1, 120):gsub("%c", "?")))
end

-- One REST call: the decoded JSON object and the response, or nil,
-- message, rc[, status]. A 401 with a refreshable token: refresh, resend
-- once, restart the clock.
function Kms:call(method, path, body)
    local url = self.base .. path
    self.restart = nil
    local hdr, aerr = self:headers()
    if hdr == nil then
        return nil, aerr, M.RC_AUTH
    end
    local res, err = self.http:request(method, url, body, hdr or nil)
    if not res then
        return nil, err, M.RC_TRANSPORT
    end
    if res.status == 401 and self.auth.refreshable then
        self.auth:invalidate()
        local ok, rerr = self.auth:refresh()
        if not ok then
            return nil, format("HTTP 401 from %s, then %s", url, rerr), M.RC_AUTH, 401
        end
        self.restart = now()
        res, err = self.http:request(method, url, body, self:headers() or nil)
        if not res then
            return nil, err, M.RC_TRANSPORT
        end
    end
    if res.status ~= 200 then
        return nil, status_message(res), M.RC_STATUS, res.status
    end
    local doc = decode(res.body)
    if type(doc) ~= "table" then
        return nil, format("integrity: HTTP 200 from %s is not a JSON object", url), M.RC_INTEGRITY, 200
    end
    return doc, res
end

local function integrity(fmt, ...)
    return nil, "integrity: " .. format(fmt, ...), M.RC_INTEGRITY, 200
end

-- A *Crc32c field (a decimal string, or a number) against the CRC of
-- bytes; proto3 JSON omits a zero value, so an absent field means 0.
local function crc_ok(field, bytes)
    local v = field == nil and 0 or tonumber(field)
    return v == crc32c(bytes)
end

-- Decodes bytes field f of doc; "" when absent (proto3 omits empty bytes)
-- if empty_ok, else nil.
local function bytes_field(doc, f, empty_ok)
    local v = doc[f]
    if v == nil and empty_ok then
        return ""
    end
    if type(v) ~= "string" then
        return nil
    end
    return unb64(v)
end

-- Adds ',"<f>":"<b64>"' and its CRC to the parts list t.
local function add_bytes(t, f, data, crc)
    t[#t + 1] = format(',"%s":"%s"', f, b64(data))
    if crc then
        t[#t + 1] = format(',"%sCrc32c":"%s"', f, crcstr(data))
    end
end

local function body_of(t)
    t[1] = "{" .. t[1]:sub(2)
    t[#t + 1] = "}"
    return table.concat(t)
end

function Kms:encrypt(name, plaintext, aad)
    local crc = self.crc
    local t = {}
    add_bytes(t, "plaintext", plaintext, crc)
    if aad then
        add_bytes(t, "additionalAuthenticatedData", aad, crc)
    end
    local doc, res, rc, status = self:call("POST", "/v1/" .. name .. ":encrypt", body_of(t))
    if not doc then
        return nil, res, rc, status
    end
    local url = res.url
    local ct = bytes_field(doc, "ciphertext")
    if not ct then
        return integrity("no ciphertext in the answer of %s", url)
    end
    if crc and doc.verifiedPlaintextCrc32c ~= true then
        return integrity("verifiedPlaintextCrc32c is not true: the plaintext was not checked, %s", url)
    end
    if crc and aad and doc.verifiedAdditionalAuthenticatedDataCrc32c ~= true then
        return integrity("verifiedAdditionalAuthenticatedDataCrc32c is not true, %s", url)
    end
    if not crc_ok(doc.ciphertextCrc32c, ct) then
        return integrity("ciphertextCrc32c %s is not the ciphertext's %.0f, %s",
                         tostring(doc.ciphertextCrc32c), crc32c(ct), url)
    end
    local used, prefix = doc.name, name .. "/cryptoKeyVersions/"
    if used ~= name and (type(used) ~= "string" or used:sub(1, #prefix) ~= prefix or #used == #prefix) then
        return integrity("name %s is not a version of %s, %s", tostring(used), name, url)
    end
    return { ciphertext = ct, name = used, protectionLevel = doc.protectionLevel, response = res }
end

function Kms:decrypt(name, ciphertext, aad)
    local crc = self.crc
    local t = {}
    add_bytes(t, "ciphertext", ciphertext, crc)
    if aad then
        add_bytes(t, "additionalAuthenticatedData", aad, crc)
    end
    local doc, res, rc, status = self:call("POST", "/v1/" .. name .. ":decrypt", body_of(t))
    if not doc then
        return nil, res, rc, status
    end
    local pt = bytes_field(doc, "plaintext", true)
    if not pt then
        return integrity("bad plaintext in the answer of %s", res.url)
    end
    if not crc_ok(doc.plaintextCrc32c, pt) then
        return integrity("plaintextCrc32c %s is not the plaintext's %.0f, %s",
                         tostring(doc.plaintextCrc32c), crc32c(pt), res.url)
    end
    return { plaintext = pt, usedPrimary = doc.usedPrimary == true,
             protectionLevel = doc.protectionLevel, response = res }
end

local DIGESTS = { sha256 = true, sha384 = true, sha512 = true }

function Kms:asymmetricSign(name, kind, digest)
    if not DIGESTS[kind] then
        error(format("asymmetricSign: digest kind %q is not sha256, sha384 or sha512", tostring(kind)), 2)
    end
    local crc = self.crc
    local body = format('{"digest":{"%s":"%s"}', kind, b64(digest))
        .. (crc and format(',"digestCrc32c":"%s"}', crcstr(digest)) or "}")
    local doc, res, rc, status = self:call("POST", "/v1/" .. name .. ":asymmetricSign", body)
    if not doc then
        return nil, res, rc, status
    end
    local url = res.url
    local sig = bytes_field(doc, "signature")
    if not sig or sig == "" then
        return integrity("no signature in the answer of %s", url)
    end
    if crc and doc.verifiedDigestCrc32c ~= true then
        return integrity("verifiedDigestCrc32c is not true: the digest was not checked, %s", url)
    end
    if not crc_ok(doc.signatureCrc32c, sig) then
        return integrity("signatureCrc32c %s is not the signature's %.0f, %s",
                         tostring(doc.signatureCrc32c), crc32c(sig), url)
    end
    if doc.name ~= name then
        return integrity("name %s is not %s, %s", tostring(doc.name), name, url)
    end
    return { signature = sig, name = doc.name, protectionLevel = doc.protectionLevel, response = res }
end

function Kms:getPublicKey(name)
    local doc, res, rc, status = self:call("GET", "/v1/" .. name .. "/publicKey")
    if not doc then
        return nil, res, rc, status
    end
    local url = res.url
    if type(doc.pem) ~= "string" or doc.pem == "" then
        return integrity("no pem in the answer of %s", url)
    end
    if not crc_ok(doc.pemCrc32c, doc.pem) then
        return integrity("pemCrc32c %s is not the PEM's %.0f, %s",
                         tostring(doc.pemCrc32c), crc32c(doc.pem), url)
    end
    if doc.name ~= nil and doc.name ~= name then
        return integrity("name %s is not %s, %s", tostring(doc.name), name, url)
    end
    return { pem = doc.pem, algorithm = doc.algorithm, name = doc.name or name,
             protectionLevel = doc.protectionLevel, response = res }
end

-- For a logen.exec-wrapped function, after one KMS call: on failure sets
-- request.rc and request.error; if the call fetched a token (or resent
-- after a 401), the request's clock restarts where the final attempt began.
function Kms:check(request, res, err, rc)
    if self.restart then
        request.begin = self.restart
        self.restart = nil
    end
    if res then
        return true
    end
    request.rc, request.error = rc or M.RC_STATUS, err or "Cloud KMS call failed"
    return false, request.error
end

-- ---- Pylogen's key files ----

local KEY_FIELDS = { "project_id", "location_id", "key_ring_id", "crypto_key_id" }

local function id_string(v)
    if type(v) == "number" then
        return format("%.0f", v)
    end
    return type(v) == "string" and v ~= "" and v or nil
end

-- The entry `key` of a key file: a JSON object mapping key names to
-- {project_id, location_id, key_ring_id, crypto_key_id[, version_id][, sha]}.
-- The file is read as given, then (a relative name) inside dir. Returns a
-- copy with key_name (the CryptoKey), version_name (nil without
-- version_id) and path, or nil, message.
function M.keyfile(file, key, dir)
    local path = file
    local text, err = crypto.read_file(path)
    if not text and dir and file:sub(1, 1) ~= "/" then
        path = dir .. "/" .. file
        text = crypto.read_file(path)
    end
    if not text then
        return nil, format("key file: %s%s", err, dir and format(" (nor in %s)", dir) or "")
    end
    local doc = decode(text)
    if type(doc) ~= "table" then
        return nil, path .. ": not a JSON object"
    end
    local e = doc[key]
    if type(e) ~= "table" then
        local names = {}
        for k in pairs(doc) do names[#names + 1] = tostring(k) end
        table.sort(names)
        return nil, format("%s: no key %q (it has %s)", path, tostring(key), table.concat(names, ", "))
    end
    local k = { path = path, key = key }
    for _, f in ipairs(KEY_FIELDS) do
        k[f] = id_string(e[f])
        if not k[f] then
            return nil, format("%s: key %q has no %s", path, key, f)
        end
    end
    k.version_id = id_string(e.version_id)
    k.sha = e.sha
    k.key_name = format("projects/%s/locations/%s/keyRings/%s/cryptoKeys/%s", k.project_id,
                        k.location_id, k.key_ring_id, k.crypto_key_id)
    k.version_name = k.version_id and k.key_name .. "/cryptoKeyVersions/" .. k.version_id
    return k
end

-- "sha384", "SHA-384", "384" or 384 -> "sha384"; nil -> "sha256".
function M.digest_kind(sha)
    if sha == nil then
        return "sha256"
    end
    local bits = tostring(sha):lower():match("^%s*s?h?a?%-?(%d+)%s*$")
    local kind = bits and "sha" .. bits
    if not DIGESTS[kind] then
        return nil, format("sha %q is not sha256, sha384 or sha512", tostring(sha))
    end
    return kind
end

return M
