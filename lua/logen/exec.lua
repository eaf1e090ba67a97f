-- logen.exec -- the equivalent of Pylogen's @Executor.exec decorator, and
-- logen.sleep (which yields to the scheduler in a coroutine, logen.sched);
-- the C side notes when the end of the run cut a sleep short.
--
-- wrap(fn) returns a function that times every call of fn: it finds the
-- request among the call's first two arguments (so it wraps methods and
-- plain functions alike), stamps its begin, calls fn protected, stamps its
-- end and sets rc 0. If fn raises, the request gets rc 16 and the error
-- text, and the caller carries on. fn may set request.rc and request.error
-- itself (an HTTP status, say) without raising. A request during which a
-- logen.sleep was cut short by the end of the run gets rc 16 and says so.
-- A call still running after --timeout, or at the hard end (--duration +
-- --grace), is cut by an error raised in it (src/worker.c) and gets rc 17.
local ffi = require "logen.ffi"
local record = require "logen.record"
local Request = require("logen.request").Request
local sleep_until = require("logen.sched").sleep_until

local C = ffi.C
-- The C functions called per request are kept in locals: an FFI call
-- through the namespace (C.f) costs about 950 instructions where the code
-- runs interpreted, as it does around a coroutine's yield, and about 690
-- through a local; compiled, both cost the same (callgrind).
local now_ns, stopping, request_begin, request_end = C.lg_ffi_now, C.lg_ffi_stopping,
                                                  C.lg_ffi_request_begin, C.lg_ffi_request_end
local RC_ERROR, RC_TIMEOUT = record.RC_ERROR, record.RC_TIMEOUT
local getmetatable, pcall, tostring, error, type = getmetatable, pcall, tostring, error, type

local M = {}

-- Sleeps s seconds; returns true when the run is stopping (the sleep may
-- then end early). A sleep past the run's end lasts until the stop (or
-- the hard end); s must be a number >= 0 (nil: no sleep).
function M.sleep(s)
    if s ~= nil and (type(s) ~= "number" or not (s >= 0)) then
        error("logen.sleep: seconds must be a number >= 0, got " .. tostring(s), 2)
    end
    if s and s > 0 then
        return sleep_until(now_ns() + s * 1e9) ~= 0
    end
    return stopping() ~= 0
end

local TIMEOUT_MSG = {
    "timeout: still running after --timeout",
    "timeout: still running at the hard end (--duration + --grace)",
}

local function finish(req, ok, ...)
    local timed = request_end()
    local t = now_ns() * 1e-9
    req["end"] = t
    req.duration = t - req.begin
    if timed == 1 or timed == 2 then
        local e = ...
        req.rc = RC_TIMEOUT
        req.error = (not ok and type(e) == "string" and e:find("timeout: ", 1, true)) and e
                    or TIMEOUT_MSG[timed]
        return nil
    end
    if timed == 3 then
        -- a logen.sleep (or a transfer) inside was cut short by the end of
        -- the run: the request did not complete, its time must not pass
        -- for a real one
        req.rc = RC_ERROR
        req.error = "interrupted: the run stopped during this request"
        return nil
    end
    if ok then
        return ...
    end
    local e = ...
    req.rc = RC_ERROR
    req.error = type(e) == "string" and e or tostring(e)
    return nil
end

function M.wrap(fn)
    if type(fn) ~= "function" then
        error("logen.exec: expected a function, got " .. type(fn), 2)
    end
    return function(a, b, ...)
        local req = a
        if getmetatable(req) ~= Request then
            req = b
            if getmetatable(req) ~= Request then
                error("logen.exec: no request among the first two arguments", 2)
            end
        end
        req.rc, req.error, req.done = 0, nil, true
        local now = now_ns()
        local mname, name = req.manager.name, req.name
        request_begin(mname, #mname, name, #name, now)
        req.begin = now * 1e-9
        return finish(req, pcall(fn, a, b, ...))
    end
end

return M
