-- logen.gcp.token -- a service account's OAuth2 access token, cached per
-- worker (one Lua state each) by key file, token endpoint and scope: the
-- RFC 7523 JWT-bearer grant, refresh ahead of expiry, back-off after a
-- failed fetch. What to sign is logen.gcp.auth's (sa:assertion).
--
--   token.new(sa, opts) -> a token source (opts: url, scope, timeout,
--       cainfo, insecure), with
--     t:prepare()     a token is ready: fetches one when none is, or when
--                     the current one is due for refresh (if that fails,
--                     the old one serves until it expires) -> true | nil, msg
--     t:refresh()     fetches now (unless one failed less than RETRY_DELAY
--                     ago) -> true | nil, msg
--     t:header()      "Bearer ..." | nil, msg (none valid now)
--     t:invalidate()  forgets the token (the server refused it)
--     t:fetches()     tokens fetched by this worker for this key
-- A token is refreshed expires_in - REFRESH_MARGIN s after its fetch (at
-- half its life if shorter). Times are logen.now() seconds.
local logen = require "logen"
local http = require "logen.http"
local cjson_safe = require "cjson.safe"

local decode = cjson_safe.decode
local format, time = string.format, os.time
local type, tonumber, tostring, setmetatable, getmetatable = type, tonumber, tostring, setmetatable, getmetatable
local min, now = math.min, logen.now

local M = {
    REFRESH_MARGIN = 225, -- seconds before expiry (google-auth's figure)
    RETRY_DELAY = 1,      -- seconds between two failed token fetches
}

local GRANT = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="

-- Cache entries of this worker: { header, refresh_at, expires_at,
-- retry_at, err, fetches }, by key file, token endpoint and scope.
local entries = {}

local Token = { refreshable = true, mode = "service_account" }
Token.__index = Token

function M.new(sa, opts)
    local t = setmetatable({ sa = sa, scope = opts.scope, token_url = opts.url }, Token)
    t.http_opts = {
        timeout = tonumber(opts.timeout) or 30,
        cainfo = opts.cainfo,
        verify = not opts.insecure,
        headers = { ["Content-Type"] = "application/x-www-form-urlencoded" },
    }
    local id = sa.path .. "\0" .. t.token_url .. "\0" .. t.scope
    t.entry = entries[id] or { refresh_at = 0, expires_at = 0, retry_at = 0, fetches = 0 }
    entries[id] = t.entry
    return t
end

function M.is_token(t)
    return getmetatable(t) == Token
end

-- "token: HTTP 400 from URL: invalid_grant (why)" from an error answer,
-- credentials masked: the answer may echo the assertion (jwt) it refused.
local function grant_error(t, res, doc, jwt)
    local why = ""
    if type(doc) == "table" and doc.error then
        why = ": " .. tostring(type(doc.error) == "table" and doc.error.message or doc.error)
              .. (doc.error_description and " (" .. tostring(doc.error_description) .. ")" or "")
    end
    return http.redact(format("token: HTTP %d from %s%s", res.status, t.token_url, why), jwt)
end

-- One grant: returns the token and its lifetime (s), or nil, message.
local function fetch(t)
    local jwt, err = t.sa:assertion(time(), t.scope, t.sa.token_uri)
    if not jwt then
        return nil, "token: cannot sign the JWT: " .. err
    end
    t.http = t.http or http.client(t.http_opts)
    local res, herr = t.http:post(t.token_url, GRANT .. jwt)
    if not res then
        return nil, "token: " .. herr
    end
    local doc = decode(res.body)
    if res.status ~= 200 then
        return nil, grant_error(t, res, doc, jwt)
    end
    if type(doc) ~= "table" or type(doc.access_token) ~= "string" or doc.access_token == "" then
        return nil, format("token: no access_token in the answer of %s", t.token_url)
    end
    return doc.access_token, tonumber(doc.expires_in) or 3600
end

function Token:refresh()
    local e = self.entry
    local t0 = now()
    if t0 < e.retry_at then
        return nil, e.err
    end
    local tok, ttl = fetch(self)
    if not tok then
        e.err, e.retry_at = ttl, now() + M.RETRY_DELAY
        return nil, e.err
    end
    e.header = "Bearer " .. tok
    e.expires_at = t0 + ttl
    e.refresh_at = t0 + ttl - min(M.REFRESH_MARGIN, ttl / 2)
    e.retry_at, e.err, e.fetches = 0, nil, e.fetches + 1
    return true
end

function Token:prepare()
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

function Token:header()
    local e = self.entry
    if e.header and now() < e.expires_at then
        return e.header
    end
    return nil, e.err or "no access token"
end

function Token:invalidate()
    self.entry.header, self.entry.refresh_at, self.entry.expires_at = nil, 0, 0
end

function Token:fetches()
    return self.entry.fetches
end

return M
