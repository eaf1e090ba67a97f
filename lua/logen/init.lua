-- logen -- what a CUT uses: require "logen".
--
--   logen.cut(name)        a new CUT class (ClassUnderTest:extend(name))
--   logen.exec(fn)         wraps fn so every call is a timed request
--   logen.sleep(s)         sleeps s seconds (returns true if the run stops)
--   logen.now()            monotonic seconds since the run started
--   logen.log.info(fmt, ...)  and error, warn, debug, trace: to stderr at -v
--   logen.json             lua-cjson (encode, decode)
--   logen.stopping()       true once the run has been told to stop
local ffi = require "logen.ffi"
local ClassUnderTest = require "logen.cut"

local C = ffi.C
local select, format = select, string.format

local exec = require "logen.exec"

local M = {
    ClassUnderTest = ClassUnderTest,
    exec = exec.wrap,
    sleep = exec.sleep,
    json = require "cjson",
}

function M.cut(name)
    return ClassUnderTest:extend(name)
end

function M.now()
    return C.lg_ffi_now() * 1e-9
end

function M.stopping()
    return C.lg_ffi_stopping() ~= 0
end

local verbosity = C.lg_ffi_verbosity()

local function logger(level)
    return function(fmt, ...)
        if level <= verbosity then
            local msg = select("#", ...) > 0 and format(fmt, ...) or tostring(fmt)
            C.lg_ffi_log(level, msg, #msg)
        end
    end
end

M.log = {
    error = logger(0), warn = logger(1), info = logger(2), debug = logger(3), trace = logger(4),
}

return M
