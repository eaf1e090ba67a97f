-- logen.request -- requests and the requests manager of a step.
--
-- A step's requests live in its manager; the manager is reset before every
-- step, and its request objects are reused from step to step (no garbage
-- per request), so a request is valid until the next step begins. One
-- name may be used once per step.
local ffi = require "logen.ffi"
local C = ffi.C

local Request = {}
Request.__index = Request

-- Manual timing, for a CUT that does not use logen.exec.
function Request:start()
    self.begin = C.lg_ffi_now() * 1e-9
    self.done = true
end

function Request:finish(rc, err)
    self["end"] = C.lg_ffi_now() * 1e-9
    self.duration = self["end"] - self.begin
    self.rc = rc or 0
    self.error = err
end

local Manager = {}
Manager.__index = Manager

function Manager.new(name)
    return setmetatable({
        name = name,
        n = 0,            -- requests in this step
        list = {},        -- request objects, reused
        used = {},        -- name -> serial of the step that used it
        serial = 0,
        ids = {},         -- request name -> interned label id
        id = nil,         -- interned id of the manager's own name (transactions)
    }, Manager)
end

function Manager:reset()
    self.n = 0
    self.serial = self.serial + 1
end

function Manager:newRequest(name)
    if type(name) ~= "string" then
        error("newRequest: the name must be a string, got " .. type(name), 2)
    end
    if self.used[name] == self.serial then
        error(("newRequest: a request named %q already exists in this step"):format(name), 2)
    end
    self.used[name] = self.serial
    local n = self.n + 1
    self.n = n
    local r = self.list[n]
    if not r then
        r = setmetatable({ manager = self }, Request)
        self.list[n] = r
    end
    r.name, r.begin, r["end"], r.duration = name, 0, 0, 0
    r.inlen, r.outlen, r.rc, r.error, r.done = 0, 0, 0, nil, false
    return r
end

-- The requests of this step, in creation order (a fresh table: for CUTs,
-- not for the hot path).
function Manager:getRequests()
    local t = {}
    for i = 1, self.n do t[i] = self.list[i] end
    return t
end

-- A control character would split an event line: each becomes \xHH
-- (a newline "\x0a"), once, where a name is interned, never per request.
local function hex(c)
    return ("\\x%02x"):format(c:byte())
end

local function intern(s)
    if s:find("%c") then
        s = s:gsub("%c", hex)
    end
    return C.lg_ffi_name(s, #s)
end

-- Interned id of "manager.request" (or of the manager alone).
function Manager:label(name)
    local id = self.ids[name]
    if not id then
        id = intern(self.name .. "." .. name)
        self.ids[name] = id
    end
    return id
end

function Manager:tralabel()
    local id = self.id
    if not id then
        id = intern(self.name)
        self.id = id
    end
    return id
end

return { Request = Request, Manager = Manager }
