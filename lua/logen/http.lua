-- logen.http -- HTTP for CUTs, on the libcurl binding logen.httpc.
--
--   local http = require "logen.http"
--   local client = http.client{timeout = 5, headers = {Accept = "text/html"}}
--   local res, err = client:get(url[, headers])
--   res, err = client:post(url, body[, headers])     (body "" when nil)
--   res, err = client:request(method, url[, body][, headers])
--   client:close()                                   (also done by the GC)
--
-- TCP and proxy settings, and what a request costs: README, "HTTP options
-- and cost per request".
--
-- Client options (see src/bind_http.c): timeout (s, default 30), connect_timeout
-- (s, default 10), verify (TLS peer and host checks, default true), cainfo (a
-- PEM file), headers (sent with every request; per-request headers add to
-- or replace them; false removes one), http2, max_body (bytes), discard_body,
-- follow. One client holds one connection cache: build it once per worker
-- (in the CUT's init) and its connections are kept alive. With
-- --concurrency > 1 a request yields to the worker's scheduler while its
-- transfer runs on one of the worker's multi handles (one per 64
-- coroutines, whose connections they share); a client serves one request at a time, so each
-- copy of the CUT builds its own (in init, as above). Under --timeout,
-- a client's timeout is at most --timeout + 0.5 s: a transfer then never
-- outlives the timed call around it, which is cut (rc 17) and the worker
-- goes on.
--
-- A response is a table: status, body, time (total seconds), method, url,
-- and curl's figures: namelookup, connect, appconnect, pretransfer, ttfb
-- (= starttransfer), total (seconds from the start of the request),
-- size_upload, size_download, header_size, request_size (bytes), reused
-- (true when an open connection was used), local_port, http_version,
-- content_type. Response headers are not collected. A transport failure
-- (refused, timeout, TLS verification...) returns nil, "METHOD url: message";
-- an HTTP error status is a response, not a failure.
--
-- http.check(request, res, err[, expected]) is for a logen.exec-wrapped
-- function. It never raises: it sets request.inlen (request body bytes
-- sent: what goes in to the service) and request.outlen (response body
-- bytes received: what comes out of it), as Pylogen's CUTs did, and on failure
-- request.rc and request.error, then returns true, or false and the message.
--   rc 1  transport error: the message is err
--   rc 2  unexpected status: "HTTP 404 from http://..."
-- expected is a status, a list of statuses, or nil for any status below 400.
-- (rc 16 stays exec's: the wrapped function raised.)
--
-- http.redact(text[, secret...]) -> text with credentials masked as
-- "[redacted]": each secret given (a token in use, say), the value after
-- "Bearer " or "Basic ", assertion= and access_token= in a form, the
-- "access_token", "id_token", "refresh_token", "client_secret",
-- "private_key" and "assertion" of a JSON text, any JWT, any PEM private
-- key, and a URL's user:password@. Every message this module makes about a
-- request goes through it (an error answer may echo what was sent); so do
-- logen.gcp's. Nothing logs a request or a response whole.
local httpc = require "logen.httpc"
local C = require("logen.ffi").C
local yield = require("logen.sched").yield

local setmetatable, type, tostring, format, select, pairs = setmetatable, type, tostring, string.format, select, pairs
local concat = table.concat
local gsub, find, sub = string.gsub, string.find, string.sub

local M = { RC_TRANSPORT = 1, RC_STATUS = 2 }

local MASK = "[redacted]"

-- Masks every plain occurrence of secret s (not a pattern) in text.
local function mask_plain(text, s)
    if type(s) ~= "string" or #s < 8 then
        return text
    end
    local out, i = {}, 1
    while true do
        local a, b = find(text, s, i, true)
        if not a then break end
        out[#out + 1] = sub(text, i, a - 1) .. MASK
        i = b + 1
    end
    return #out == 0 and text or concat(out) .. sub(text, i)
end

local PATTERNS = {
    -- a PEM private key, whole or cut short
    { "%-%-%-%-%-BEGIN [%u ]*PRIVATE KEY%-%-%-%-%-.-%-%-%-%-%-END [%u ]*PRIVATE KEY%-%-%-%-%-", MASK },
    { "%-%-%-%-%-BEGIN [%u ]*PRIVATE KEY%-%-%-%-%-.*", MASK },
    { "([Bb]earer%s+)[%w%-%._~%+/]+=*", "%1" .. MASK },
    { "([Bb]asic%s+)[%w%+/]+=*", "%1" .. MASK },
    { "(assertion=)[^&%s\"]+", "%1" .. MASK },
    { "(access_token=)[^&%s\"]+", "%1" .. MASK },
    { "(\"[%a_]*token\"%s*:%s*\")[^\"]*", "%1" .. MASK },
    { "(\"client_secret\"%s*:%s*\")[^\"]*", "%1" .. MASK },
    { "(\"private_key\"%s*:%s*\")[^\"]*", "%1" .. MASK },
    { "(\"assertion\"%s*:%s*\")[^\"]*", "%1" .. MASK },
    { "eyJ[%w%-_]+%.[%w%-_]+%.[%w%-_]*", MASK }, -- a JWT: base64url of '{"'
    { "(%a[%w%+%.%-]*://)[^/@%s]+@", "%1" .. MASK .. "@" },
}

function M.redact(text, ...)
    text = tostring(text)
    for i = 1, #PATTERNS do
        text = gsub(text, PATTERNS[i][1], PATTERNS[i][2])
    end
    for i = 1, select("#", ...) do
        text = mask_plain(text, (select(i, ...)))
    end
    return text
end
local redact = M.redact

local Client = {}
Client.__index = Client

-- opts with its timeout capped by --timeout (a copy when it changes).
local function capped(opts)
    local limit = C.lg_ffi_timeout()
    if limit <= 0 then
        return opts
    end
    limit = limit + 0.5
    local t = opts and opts.timeout
    if t and t > 0 and t <= limit then
        return opts
    end
    local o = {}
    for k, v in pairs(opts or {}) do o[k] = v end
    o.timeout = limit
    return o
end

function M.client(opts)
    return setmetatable({ c = httpc.new(capped(opts)) }, Client)
end

function Client:request(method, url, body, headers)
    -- Every field a response has, made at once from a template with its
    -- keys (LuaJIT copies a constructor's constant part whole): httpc then
    -- sets fields that exist, where adding them one by one to an empty
    -- table cost a key insertion each. Each placeholder is overwritten
    -- before the table is returned (content_type with nil when none).
    local res, c = {
        method = method, url = url, status = 0, body = "", time = 0,
        namelookup = 0, connect = 0, appconnect = 0, pretransfer = 0, starttransfer = 0,
        ttfb = 0, total = 0, size_upload = 0, size_download = 0, header_size = 0,
        request_size = 0, local_port = 0, http_version = 0, reused = false,
        content_type = false,
    }, self.c
    local status, data, err = c:request(method, url, body, headers, res)
    if status == false then -- under way on the worker's multi handle (a coroutine)
        yield()
        status, data, err = c:result(res)
    end
    if not status then
        return nil, redact(format("%s %s: %s", method, url, data))
    end
    res.status, res.body, res.time = status, data, res.total
    return res
end

function Client:get(url, headers)
    return self:request("GET", url, nil, headers)
end

function Client:post(url, body, headers)
    return self:request("POST", url, body or "", headers)
end

function Client:close()
    self.c:close()
end

local function expected_ok(status, expected)
    if expected == nil then
        return status < 400
    elseif type(expected) == "table" then
        for i = 1, #expected do
            if expected[i] == status then return true end
        end
        return false
    end
    return status == expected
end

function M.check(request, res, err, expected)
    if not res then
        request.rc, request.error = M.RC_TRANSPORT, err or "HTTP transport error"
        return false, request.error
    end
    request.inlen, request.outlen = res.size_upload, res.size_download
    if not expected_ok(res.status, expected) then
        request.rc = M.RC_STATUS
        request.error = redact(format("HTTP %d from %s", res.status, res.url))
        return false, request.error
    end
    return true
end

return M
