-- logen.sched -- the coroutines of a worker with --concurrency C > 1: runs
-- C copies of a body as coroutines and resumes each when what it waits for
-- (a sleep, an HTTP transfer, an open-model event) is there. The event
-- loop itself is C's (src/sched.c, through logen.ffi): this module only
-- tells it which coroutine runs and resumes the ones it names.
--
-- A wait yields only inside a coroutine of the scheduler; with C = 1 there
-- is none and the same calls block, as they always did. A blocking call
-- of a CUT (os.execute, a busy loop) blocks every coroutine of its worker.
local ffi = require "ffi"
local C = require("logen.ffi").C

-- called at every resume: kept in locals (logen.exec says why)
local sched_enter, sched_wait = C.lg_ffi_sched_enter, C.lg_ffi_sched_wait
local create, resume, status, yield = coroutine.create, coroutine.resume, coroutine.status,
                                      coroutine.yield

local M = {}

-- Calls wait(arg), an lg_ffi_* function that returns -1 when it has
-- registered the running coroutine (yield, then call again), until it
-- gives its result.
local function waited(wait, arg)
    local r = wait(arg)
    while r < 0 do
        yield()
        r = wait(arg)
    end
    return r
end

-- Sleeps until run time t (ns); the result of lg_ffi_sleep_until: 1 when
-- the sleep was cut short (stop, hard end, --timeout of the call), else 0.
function M.sleep_until(t)
    return waited(C.lg_ffi_sleep_until, t)
end

-- Takes the next open-model event into job: 1, or 0 when the worker ends.
function M.job_take(job)
    return waited(C.lg_ffi_job_take, job)
end

-- Waits for the transfer a C function has handed to the multi handle.
M.yield = yield

-- Runs body(i) for i = 1..n, each in its own coroutine, until all have
-- returned. An error escaping a body (the CUT's hooks are protected by the
-- runner: this is its own failure, or the CUT's init) ends the run and is
-- raised here with the coroutine's traceback.
function M.run(n, body)
    local rc = C.lg_ffi_sched_start(n)
    if rc ~= 0 then
        error(("the scheduler for %d coroutines could not start (errno %d)"):format(n, -rc), 0)
    end
    local cos, ready, alive = {}, ffi.new("int[?]", n), n
    local function step(i, ...)
        local co = cos[i + 1]
        sched_enter(i)
        local ok, err = resume(co, ...)
        sched_enter(-1)
        if not ok then
            error(debug.traceback(co, tostring(err)), 0)
        end
        if status(co) == "dead" then
            alive = alive - 1
        end
    end
    for i = 1, n do
        cos[i] = create(body)
    end
    for i = 0, n - 1 do
        step(i, i + 1)
    end
    while alive > 0 do
        local k = sched_wait(ready)
        if k == 0 then
            error(("scheduler: %d coroutines wait for nothing"):format(alive), 0)
        end
        for j = 0, k - 1 do
            step(ready[j])
        end
    end
end

return M
