-- Dummy -- the reference CUT: copy it to start your own.
--
-- As Pylogen's Dummy: each step runs one request, R_<step> (R_384 for step
-- 384), that sleeps extra.sleep seconds (default 1, Pylogen's; say
-- "sleep": 0 for none). With extra.error = N, every Nth call fails (rc 16,
-- the message is kept) and its request is named R-ERROR. With
-- extra.transaction = true, each step is a transaction of three requests,
-- R0-EXEC, R1-EXEC and R2-EXEC (a failing one keeps its name).
--
--   logen cuts.Dummy --proc 2 --loops 3 --extra '{"sleep": 0.01, "transaction": true}'
local logen = require "logen"

local Dummy = logen.cut "Dummy"

-- Called once per worker with the run's options and the decoded --extra.
function Dummy:init(options, extra)
    self.sleep = tonumber(extra.sleep) or 1
    self.every = tonumber(extra.error) or 0
    self.transaction = extra.transaction and extra.transaction ~= 0 or false
    self.calls = 0
    self.names = {} -- step -> "R_<step>", built once
end

-- Counts a call; true when it is the Nth of extra.error = N, which fails.
function Dummy:nextFails()
    self.calls = self.calls + 1
    return self.every > 0 and self.calls % self.every == 0
end

-- The timed call: logen.exec makes each call a request.
Dummy.work = logen.exec(function(self, request, fails)
    if fails then
        error(("Dummy error on call %d"):format(self.calls), 0)
    end
    if self.sleep > 0 then
        logen.sleep(self.sleep)
    end
    request.inlen = tonumber(self:getStep()) or 0
end)

function Dummy:func()
    if self.transaction then
        for i = 0, 2 do
            self:work(self:newRequest("R" .. i .. "-EXEC"), self:nextFails())
        end
    else
        local step = self:getStep()
        local name = self.names[step]
        if not name then
            name = "R_" .. tostring(step)
            self.names[step] = name
        end
        local fails = self:nextFails()
        self:work(self:newRequest(fails and "R-ERROR" or name), fails)
    end
end

return Dummy
