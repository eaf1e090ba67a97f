-- Dummy -- the reference CUT: copy it to start your own.
--
-- Each step runs one request, R-EXEC, that sleeps extra.sleep seconds
-- (default 0). With extra.error = N, every Nth call raises (rc 16, the
-- message is kept). With extra.transaction = true, each step is a
-- transaction of three requests, R0-EXEC, R1-EXEC and R2-EXEC.
--
--   logen cuts.Dummy --proc 2 --loops 3 --extra '{"sleep": 0.01, "transaction": true}'
local logen = require "logen"

local Dummy = logen.cut "Dummy"

-- Called once per worker with the run's options and the decoded --extra.
function Dummy:init(options, extra)
    self.sleep = tonumber(extra.sleep) or 0
    self.every = tonumber(extra.error) or 0
    self.transaction = extra.transaction and extra.transaction ~= 0 or false
    self.calls = 0
end

-- The timed call: logen.exec makes each call a request.
Dummy.work = logen.exec(function(self, request)
    self.calls = self.calls + 1
    if self.every > 0 and self.calls % self.every == 0 then
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
            self:work(self:newRequest("R" .. i .. "-EXEC"))
        end
    else
        self:work(self:newRequest("R-EXEC"))
    end
end

return Dummy
