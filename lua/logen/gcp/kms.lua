-- logen.gcp.kms -- a small Cloud KMS REST v1 client (logen.http + logen.crypto
-- + cjson): encrypt, decrypt, asymmetricSign, getPublicKey, each answer
-- checked. Who calls is logen.gcp.auth's; logen.gcp re-exports all this.
--
--   local kms = kms_mod.new(opts)        once per worker, in the CUT's init
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
--   kms_mod.digest_kind(sha) -> "sha256"... ("SHA-384", "384", 384; nil: sha256)
--
-- Bodies are the proto3 JSON of Cloud KMS, encoded by cjson: bytes in
-- standard base64, every input sent with its *Crc32c (a decimal string),
-- the name in the path (/v1/{name}:encrypt). Each answer is checked: HTTP
-- 200, a JSON object, verified*Crc32c true for what was sent with a CRC,
-- the response's CRCs match its bytes, the name is the one asked (encrypt:
-- a version of it). Result codes, for the request records:
--   rc 1  transport error (refused, timeout, TLS...): curl's message
--   rc 2  HTTP status other than 200: "HTTP 403 PERMISSION_DENIED from URL: message"
--   rc 3  integrity: the 200 answer fails a check above ("integrity: ...")
--   rc 4  authentication: no access token could be obtained
--   (rc 16 stays logen.exec's: the wrapped function raised)
--
-- opts (a CUT passes its --extra table):
--   endpoint     base URL; else $LOGEN_KMS_ENDPOINT, else https://cloudkms.googleapis.com
--   cainfo       CA file for a self-signed stand-in; else $LOGEN_KMS_CAINFO
--   insecure     true: no TLS verification.   timeout (s, default 30), http2
--   crc          false: send no *Crc32c (and expect no verified* flags)
--   user_project sent as x-goog-user-project
--   auth         an authenticator from logen.gcp.auth, or its mode, with the
--                other options of logen.gcp.auth.new; with none set, a
--                non-Google endpoint gets no Authorization header and the
--                Google endpoint raises (real KMS always needs a token).
-- A token fetched inside a call (none was ready, or a 401 asked for a new
-- one, then the call is resent once) restarts the request's clock where the
-- final attempt began (kms:check does it).
local logen = require "logen"
local http = require "logen.http"
local crypto = require "logen.crypto"
local cjson_safe = require "cjson.safe"
local auth_mod = require "logen.gcp.auth"

local b64, unb64, crc32c = crypto.base64, crypto.unbase64, crypto.crc32c
local redact = http.redact
local decode, json, env = cjson_safe.decode, auth_mod.json, auth_mod.env
local format, upper, type, tonumber, tostring, setmetatable = string.format, string.upper, type, tonumber,
                                                          tostring, setmetatable
local now = logen.now

local M = {
    RC_TRANSPORT = 1, RC_STATUS = 2, RC_INTEGRITY = 3, RC_AUTH = 4,
    KMS_ENDPOINT = "https://cloudkms.googleapis.com",
}

local function crcstr(data)
    return format("%.0f", crc32c(data))
end

local Kms = {}
Kms.__index = Kms

function M.new(opts)
    opts = opts or {}
    local base = (opts.endpoint or env("LOGEN_KMS_ENDPOINT") or M.KMS_ENDPOINT):gsub("/+$", "")
    local cainfo = opts.cainfo or env("LOGEN_KMS_CAINFO")
    local auth = opts.auth
    if not auth_mod.is_auth(auth) then
        local ao = setmetatable({ default_none = base ~= M.KMS_ENDPOINT, cainfo = cainfo },
                                { __index = opts })
        auth = auth_mod.new(ao)
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
-- body when there is one. The answer may echo what was sent: credentials
-- (the bearer sent, auth, and whatever logen.http.redact knows) are masked
-- before the message is cut.
local function status_message(res, auth)
    local doc = decode(res.body)
    local e = type(doc) == "table" and doc.error
    if type(e) == "table" then
        return redact(format("HTTP %d %s from %s: %s", res.status, tostring(e.status or ""), res.url,
                             tostring(e.message or "")), auth)
    end
    local body = res.body
    if body == "" or body:find("^%s*<") then
        return redact(format("HTTP %d from %s", res.status, res.url), auth)
    end
    return format("HTTP %d from %s: %s", res.status, redact(res.url, auth),
                  (redact(body:match("^[^\r\n]*"), auth):sub(1, 120):gsub("%c", "?")))
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
        return nil, status_message(res, self.hdr.Authorization), M.RC_STATUS, res.status
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

-- Fields sent with a CRC, whose verified*Crc32c flag must come back true.
local NONE, PT, PT_AAD, DIGEST = {}, { "plaintext" }, { "plaintext", "additionalAuthenticatedData" },
                                 { "digest" }

-- POSTs body to /v1/{name}:{verb} and checks the answer: verified*Crc32c
-- true for each field of `checked`, the bytes field f there (may be empty
-- when empty_ok; proto3 omits empty bytes) and matching its f.."Crc32c".
-- Returns the decoded answer, the response and the bytes, or nil, message,
-- rc[, status].
function Kms:post_bytes(name, verb, body, f, checked, empty_ok)
    local doc, res, rc, status = self:call("POST", "/v1/" .. name .. ":" .. verb, body)
    if not doc then
        return nil, res, rc, status
    end
    for i = 1, #checked do
        local flag = "verified" .. checked[i]:gsub("^%l", upper) .. "Crc32c"
        if doc[flag] ~= true then
            return integrity("%s is not true: the %s was not checked, %s", flag, checked[i], res.url)
        end
    end
    local v = bytes_field(doc, f, empty_ok)
    if not v or (v == "" and not empty_ok) then
        return integrity("no %s in the answer of %s", f, res.url)
    end
    local crc = doc[f .. "Crc32c"]
    if not crc_ok(crc, v) then
        return integrity("%sCrc32c %s is not the %s's %.0f, %s", f, tostring(crc), f, crc32c(v), res.url)
    end
    return doc, res, v
end

-- Sets body[f] to data in base64 and, with crc, body[f .. "Crc32c"] to its
-- CRC-32C as a decimal string (proto3 JSON's int64). Returns body.
local function put_bytes(body, f, data, crc)
    body[f] = b64(data)
    if crc then
        body[f .. "Crc32c"] = crcstr(data)
    end
    return body
end

-- The JSON body of encrypt and decrypt: f = data, and the AAD if any.
local function data_body(f, data, aad, crc)
    local body = put_bytes({}, f, data, crc)
    if aad then
        put_bytes(body, "additionalAuthenticatedData", aad, crc)
    end
    return json(body)
end

function Kms:encrypt(name, plaintext, aad)
    local crc = self.crc
    local body = data_body("plaintext", plaintext, aad, crc)
    local checked = crc and (aad and PT_AAD or PT) or NONE
    local doc, res, ct, status = self:post_bytes(name, "encrypt", body, "ciphertext", checked)
    if not doc then
        return doc, res, ct, status
    end
    local url = res.url
    local used, prefix = doc.name, name .. "/cryptoKeyVersions/"
    if used ~= name and (type(used) ~= "string" or used:sub(1, #prefix) ~= prefix or #used == #prefix) then
        return integrity("name %s is not a version of %s, %s", tostring(used), name, url)
    end
    return { ciphertext = ct, name = used, protectionLevel = doc.protectionLevel, response = res }
end

function Kms:decrypt(name, ciphertext, aad)
    local body = data_body("ciphertext", ciphertext, aad, self.crc)
    local doc, res, pt, status = self:post_bytes(name, "decrypt", body, "plaintext", NONE, true)
    if not doc then
        return doc, res, pt, status
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
    local body = { digest = { [kind] = b64(digest) } }
    if crc then
        body.digestCrc32c = crcstr(digest)
    end
    local doc, res, sig, status = self:post_bytes(name, "asymmetricSign", json(body), "signature",
                                                  crc and DIGEST or NONE)
    if not doc then
        return doc, res, sig, status
    end
    if doc.name ~= name then
        return integrity("name %s is not %s, %s", tostring(doc.name), name, res.url)
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

-- "sha384", "SHA-384", "384" or 384 -> "sha384"; nil -> "sha256"; else
-- nil, message.
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
