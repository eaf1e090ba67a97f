-- logen.runner -- the worker's loop: builds the CUT once, runs its hooks in
-- Pylogen's order and turns each step's requests into records.
--
-- A step with one request is a request record; a step with several is a
-- transaction record (duration = the sum of its requests', rc = the highest
-- of theirs) followed by its request records, all with one transaction id.
-- A hook that raises outside logen.exec becomes an error record, and the
-- worker carries on with the next step. If the CUT exits (os.exit), the
-- requests of the step under way are still recorded (M.exiting).
--
-- Pauses keep an ideal timeline: it advances by the measured work plus the
-- pause, and sleeps go to absolute deadlines on it, so oversleeping once is
-- absorbed by the next pause instead of accumulating.
local ffi = require "logen.ffi"
local record = require "logen.record"
local sched = require "logen.sched"
local cjson = require "cjson"

local C = ffi.C
-- called per request or step: kept in locals (logen.exec says why)
local now_ns, stopping, put_record, cut_enter, cut_leave = C.lg_ffi_now, C.lg_ffi_stopping,
    C.lg_ffi_record, C.lg_ffi_cut_enter, C.lg_ffi_cut_leave
local REQ, TRA, ERR, RC_ERROR = record.REQ, record.TRA, record.ERR, record.RC_ERROR
local RC_TIMEOUT = record.RC_TIMEOUT
local pcall, tonumber, type = pcall, tonumber, type
local huge = math.huge
local ffi_new = require("ffi").new
local sleep_until = sched.sleep_until

local M = {}

-- The worker's op count, shared by its copies of the loop (coroutines
-- share their upvalues).
local op_n = 0

-- Per copy of the loop, the step under way, for M.exiting: its CUT (nil
-- between steps) and index.
local lives = {}

-- The class of an ad hoc run (-e CODE): one request, R-EVAL, whose body is
-- the code; it sees self, step, extra, ctx and logen.
local function eval_cut(name, code)
    local body, err = load("local logen = require 'logen'; local self, step, extra, ctx = ...; "
                           .. code, "=-e", "t")
    if not body then
        error(err, 0)
    end
    local logen = require "logen"
    local cls = logen.cut(name)
    cls.run = logen.exec(function(self, request)
        return body(self, self.step, self.extra, self.ctx)
    end)
    function cls:func()
        self:run(self:newRequest("R-EVAL"))
    end
    return cls
end

-- Loads a CUT file (or, with code, an ad hoc CUT) and returns its class;
-- raises one line naming the file (or -e) and line.
function M.load_cut(path, name, code)
    if code then
        return eval_cut(name, code)
    end
    local chunk, err = loadfile(path)
    if not chunk then
        error(err, 0)
    end
    local ok, cls = pcall(chunk)
    if not ok then
        error(tostring(cls), 0)
    end
    if type(cls) ~= "table" then
        error(("%s: a CUT file must return its class (it returned %s)"):format(path, type(cls)), 0)
    end
    if type(cls.func) ~= "function" then
        error(("%s: CUT %s has no func"):format(path, name), 0)
    end
    return cls
end

-- A step value is a number when it reads as one ("384"), else the string.
local function step_values(steps)
    local t = {}
    for i = 1, #steps do
        t[i] = tonumber(steps[i]) or steps[i]
    end
    return t
end

local function hooks(cut, step)
    cut:resetBeforeStep()
    cut:setStep(step)
    cut:genDatas()
    cut:processDatas()
    cut:func()
end

local function record_request(r, rm, step, opcount, tra)
    local err = r.error
    if err then
        C.lg_ffi_text(err, #err)
    end
    put_record(REQ, r.rc, rm:label(r.name), step, opcount, tra,
               r.begin * 1e9, r["end"] * 1e9, r.inlen, r.outlen)
end

-- Sends the records of one step; returns the worker's new op count and
-- the number of request records sent.
local function record_step(rm, step, opcount)
    local n, list = rm.n, rm.list
    if n == 1 then
        local r = list[1]
        if r.done then
            opcount = opcount + 1
            record_request(r, rm, step, opcount, 0)
            return opcount, 1
        end
        return opcount, 0
    end
    local sum, rc, inlen, outlen, first, k = 0, 0, 0, 0, nil, 0
    for i = 1, n do
        local r = list[i]
        if r.done then
            k = k + 1
            first = first or r
            sum = sum + r.duration
            if r.rc > rc then rc = r.rc end
            inlen, outlen = inlen + r.inlen, outlen + r.outlen
        end
    end
    if k == 0 then
        return opcount, 0
    end
    opcount = opcount + 1
    local b = first.begin * 1e9
    put_record(TRA, rc, rm:tralabel(), step, opcount, opcount, b, b + sum * 1e9, inlen, outlen)
    for i = 1, n do
        if list[i].done then
            record_request(list[i], rm, step, 0, opcount)
        end
    end
    return opcount, k
end

local function record_error(rm, step, err, rc)
    local msg = type(err) == "string" and err or tostring(err)
    local t = C.lg_ffi_now()
    C.lg_ffi_text(msg, #msg)
    C.lg_ffi_record(ERR, rc or RC_ERROR, rm:label("hooks"), step, 0, 0, t, t, 0, 0)
end

-- The process is exiting inside a step (the CUT called os.exit; called by
-- src/worker.c): records the requests of that step, a call still under
-- way as failed.
local function exiting(live)
    local cut = live.cut
    if not cut then
        return
    end
    live.cut = nil
    local rm, t = cut.requestsManager, C.lg_ffi_now() * 1e-9
    for i = 1, rm.n do
        local r = rm.list[i]
        if r.done and r["end"] == 0 then
            r["end"], r.duration = t, t - r.begin
            r.rc, r.error = RC_ERROR, "the CUT exited (os.exit) during this request"
        end
    end
    op_n = record_step(rm, live.step, op_n)
end

function M.exiting()
    for i = 1, #lives do
        exiting(lives[i])
    end
end

-- Runs the hooks of step index i, protected; cut at the hard end.
local function run_hooks(cut, step, i)
    local rm = cut.requestsManager
    cut_enter(i, rm.name, #rm.name)
    local ok, err = pcall(hooks, cut, step)
    local cut_off = cut_leave() ~= 0
    return ok, err, cut_off
end

-- A pacer keeps the ideal timeline of pauses (see the head of this file).
local function pacer(now)
    local ideal, wake = now, now
    return function(ns)
        local t = now_ns()
        ideal = ideal + (t - wake) + ns
        local stop = sleep_until(ideal) ~= 0
        wake = now_ns()
        return stop
    end
end

-- Runs every step once: one loop, of the copy whose state is live.
-- Returns the request records sent, and true when the worker must stop.
local function run_loop(cut, steps, live, pausestep, pause)
    local nreq = 0
    cut:resetBeforeSteps()
    for i = 1, #steps do
        live.cut, live.step = cut, i - 1
        local ok, err, cut_off = run_hooks(cut, steps[i], i - 1)
        live.cut = nil
        -- a hook may have swapped the manager (a named transaction)
        local rm = cut.requestsManager
        local k
        op_n, k = record_step(rm, i - 1, op_n)
        nreq = nreq + k
        if not ok then
            record_error(rm, i - 1, err, cut_off and RC_TIMEOUT or RC_ERROR)
        end
        if stopping() ~= 0 then
            return nreq, true
        end
        if pausestep > 0 and pause(pausestep) then
            return nreq, true
        end
    end
    return nreq, false
end

-- Closed model, one copy: loops for the duration, or the number of loops
-- (per copy), from now.
local function closed(cut, o, steps, live, now)
    local deadline, loops = huge, o.loops
    if o.duration > 0 then
        deadline, loops = o.start_ns + o.duration * 1e9, huge
    end
    local pausestep, pauseloop = o.pausestep * 1e9, o.pauseloop * 1e9
    local pause = pacer(now)
    local loop, stop, _ = 0, false, nil
    -- with --loops there is no deadline: no clock read a loop (an FFI call
    -- that runs interpreted after a coroutine's yield)
    while loop < loops and (deadline == huge or now_ns() < deadline) do
        loop = loop + 1
        _, stop = run_loop(cut, steps, live, pausestep, pause)
        if stop or (pauseloop > 0 and pause(pauseloop)) then
            return
        end
    end
end

-- Open model, one copy: one loop per event taken from the job queue; an
-- event that waited past --maxwait is dropped, not run. --pauseloop does
-- not apply: the schedule paces the loops.
local function open(cut, o, steps, live)
    local job = ffi_new("double[4]")
    local maxwait = (o.maxwait or 0) * 1e9
    local pausestep = o.pausestep * 1e9
    while sched.job_take(job) == 1 do
        local begin = now_ns()
        if maxwait > 0 and begin - job[1] > maxwait then
            C.lg_ffi_job_done(job, begin, begin, 0, 1)
        else
            local nreq, stop = run_loop(cut, steps, live, pausestep, pacer(begin))
            C.lg_ffi_job_done(job, begin, now_ns(), nreq, 0)
            if stop then
                return
            end
        end
    end
end

-- Calls fn(i) for each copy of the loop: at once for one, else each in a
-- coroutine of the scheduler.
local function each(n, fn)
    if n == 1 then
        fn(1)
    else
        sched.run(n, fn)
    end
end

-- The worker's main: o is the options table built by src/worker.c. Each
-- copy of the loop (--concurrency) has its own CUT object, built before
-- the load starts (an init may do I/O: with several copies, concurrently).
function M.main(o)
    local Cut = M.load_cut(o.cut_path, o.cut_name, o.eval)
    local extra = cjson.decode(o.extra or "{}")
    local steps = step_values(o.steps)
    local n, cuts = o.concurrency or 1, {}
    for i = 1, n do
        lives[i] = { cut = nil, step = 0 }
    end
    each(n, function(i) cuts[i] = Cut:new(o, extra) end)
    local now
    if o.openedmodel then
        C.lg_ffi_start(C.lg_ffi_now()) -- ready: the controller waits for this
    else
        if C.lg_ffi_sleep_until(o.start_ns) ~= 0 then
            return
        end
        now = C.lg_ffi_now()
        C.lg_ffi_start(now)
    end
    local run = o.openedmodel and open or closed
    each(n, function(i) run(cuts[i], o, steps, lives[i], now) end)
end

return M
