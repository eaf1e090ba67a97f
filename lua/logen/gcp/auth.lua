-- logen.gcp.auth -- who a KMS client is: service-account keys, the RS256
-- JWT of the bearer grant, and the choice between no auth, a static token
-- and a service account. The access tokens themselves (fetch, cache,
-- refresh) are logen.gcp.token's; the KMS calls are logen.gcp.kms's.
--
--   auth.service_account([path]) -> sa | nil, msg   (path default
--       $GOOGLE_APPLICATION_CREDENTIALS): sa.client_email, sa.private_key_id,
--       sa.token_uri, sa.project_id, sa.key, sa.path, and
--       sa:assertion([now[, scope[, aud]]]) the signed JWT
--   auth.new(opts) -> an authenticator with prepare(), refresh(), header(),
--       invalidate(), fetches() and .refreshable; raises on a bad
--       configuration. opts: auth ("none" | "token" | "service_account",
--       else $LOGEN_KMS_AUTH), token ($LOGEN_KMS_TOKEN), credentials
--       ($GOOGLE_APPLICATION_CREDENTIALS), token_uri ($LOGEN_KMS_TOKEN_URI),
--       scope, cainfo, insecure, timeout; default_none: no auth when
--       nothing is set (else raise).
--   auth.env(name) -> the variable, nil when unset or empty
--   auth.file_mode(path) -> the permission bits of path | nil (statx(2))
-- A service-account key file that group or others may read or write draws
-- one warning naming it (once per worker, at every verbosity), as ssh does
-- for a private key; the key is used all the same.
local ffi = require "ffi"
local lgffi = require "logen.ffi"
local crypto = require "logen.crypto"
local cjson = require "cjson"
local cjson_safe = require "cjson.safe"
local token = require "logen.gcp.token"

local decode, encode = cjson_safe.decode, cjson.encode
local format, getenv, time, concat = string.format, os.getenv, os.time, table.concat
local type, tostring, setmetatable, getmetatable, ipairs, pcall = type, tostring, setmetatable, getmetatable,
                                                                  ipairs, pcall
local band = require("bit").band

local M = {
    GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token",
    SCOPE = "https://www.googleapis.com/auth/cloud-platform",
}

function M.env(name)
    local v = getenv(name)
    if v == "" then return nil end
    return v
end
local env = M.env

-- JSON text of t, "/" left as is: cjson writes "\/", valid but longer, and
-- since cjson escapes every "/" and every "\", each "\/" is such an escape.
function M.json(t)
    return (encode(t):gsub("\\/", "/"))
end
local json = M.json

-- A JSON object of t's fields named in keys, in that order (nil ones
-- skipped): each key and value encoded by cjson. The JWT header and claims
-- keep the order Google's libraries and kms-api.md (section 8) use.
function M.json_ordered(keys, t)
    local parts = {}
    for _, k in ipairs(keys) do
        if t[k] ~= nil then
            parts[#parts + 1] = json(k) .. ":" .. json(t[k])
        end
    end
    return "{" .. concat(parts, ",") .. "}"
end

-- ---- the key file's mode ----

-- statx(2)'s buffer: its head is the same on every Linux architecture
-- (fixed-width fields), unlike struct stat's; 256 bytes in all.
ffi.cdef [[
struct lg_gcp_statx { uint32_t mask, blksize; uint64_t attributes; uint32_t nlink, uid, gid;
                      uint16_t mode; uint8_t rest[226]; };
int statx(int dirfd, const char *path, int flags, unsigned int mask, struct lg_gcp_statx *buf);
]]
local AT_FDCWD, STATX_MODE = -100, 0x2
local statx_buf = ffi.new("struct lg_gcp_statx")

function M.file_mode(path)
    local ok, rc = pcall(ffi.C.statx, AT_FDCWD, path, 0, STATX_MODE, statx_buf)
    if not ok or rc ~= 0 or band(statx_buf.mask, STATX_MODE) == 0 then
        return nil
    end
    return band(statx_buf.mode, 4095)
end

local warned = {}

-- One warning per worker and file when group or others have any access.
local function check_mode(path)
    local mode = M.file_mode(path)
    if warned[path] or not mode or band(mode, 63) == 0 then
        return
    end
    warned[path] = true
    local msg = format("service-account key %s is accessible to group or others (mode %04o): "
                       .. "anyone who can read it can act as the account; chmod 600 it", path, mode)
    lgffi.C.lg_ffi_log(-1, msg, #msg) -- -1: a warning shown at every verbosity
end

-- ---- service accounts ----

local ServiceAccount = {}
ServiceAccount.__index = ServiceAccount

local HEADER, CLAIMS = { "alg", "typ", "kid" }, { "iss", "scope", "aud", "iat", "exp" }

local function nonempty(v)
    return type(v) == "string" and v ~= "" and v or nil
end

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
        if not nonempty(doc[f]) then
            return nil, format("%s: no %s", path, f)
        end
    end
    check_mode(path)
    local key, kerr = crypto.private_key(doc.private_key)
    if not key then
        return nil, format("%s: private_key: %s", path, kerr)
    end
    if key:type() ~= "RSA" then
        return nil, format("%s: private_key is %s, RS256 needs RSA", path, key:type())
    end
    return setmetatable({
        path = path,
        client_email = doc.client_email,
        private_key_id = nonempty(doc.private_key_id),
        token_uri = nonempty(doc.token_uri) or M.GOOGLE_TOKEN_URI,
        project_id = doc.project_id,
        key = key,
    }, ServiceAccount)
end

-- The RS256 JWT of the bearer grant (RFC 7523), valid one hour from t
-- (wall-clock seconds, default now); kid is the key's private_key_id.
function ServiceAccount:assertion(t, scope, aud)
    t = t or time()
    local header = M.json_ordered(HEADER, { alg = "RS256", typ = "JWT", kid = self.private_key_id })
    local claims = M.json_ordered(CLAIMS, { iss = self.client_email, scope = scope or M.SCOPE,
                                            aud = aud or self.token_uri, iat = t, exp = t + 3600 })
    return crypto.jwt_rs256(header, claims, self.key)
end

-- ---- the authenticator ----

-- No auth, or a static bearer token: nothing to fetch or refresh.
local Static = {}
Static.__index = Static

function Static:prepare() return true end
function Static:refresh() return true end
function Static:invalidate() end
function Static:fetches() return 0 end

-- "Bearer ..." | false (no auth)
function Static:header()
    return self.static or false
end

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

function M.new(opts)
    opts = opts or {}
    local mode = pick_mode(opts, opts.default_none)
    if mode == "none" then
        return setmetatable({ mode = mode, refreshable = false }, Static)
    elseif mode == "token" then
        local tok = opts.token or env("LOGEN_KMS_TOKEN")
        if not tok then
            error("logen.gcp: auth \"token\" without a token (extra.token or LOGEN_KMS_TOKEN)", 0)
        end
        return setmetatable({ mode = mode, refreshable = false, static = "Bearer " .. tok }, Static)
    elseif mode ~= "service_account" then
        error(format("logen.gcp: unknown auth %q (none, token or service_account)", tostring(mode)), 0)
    end
    local sa, err = M.service_account(opts.credentials)
    if not sa then
        error("logen.gcp: " .. err, 0)
    end
    return token.new(sa, {
        scope = opts.scope or M.SCOPE,
        url = opts.token_uri or env("LOGEN_KMS_TOKEN_URI") or sa.token_uri,
        timeout = opts.timeout,
        cainfo = opts.cainfo or env("LOGEN_KMS_CAINFO"),
        insecure = opts.insecure,
    })
end

-- True for what M.new returns (a client may be handed one ready-made).
function M.is_auth(a)
    local mt = getmetatable(a)
    return mt == Static or token.is_token(a)
end

return M
