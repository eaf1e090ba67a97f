-- Hooks -- a test CUT: logs every hook call to extra.log, so the test can
-- check Pylogen's order; exercises exec on a plain function, ctx, datas,
-- manual timing, and a duplicate request name.
local logen = require "logen"

local Hooks = logen.cut "Hooks"

local log
local function note(s) log:write(s, "\n") end

function Hooks:init(options, extra)
    log = assert(io.open(extra.log, "a"))
    log:setvbuf("line")
    note("init " .. options.cut_name .. " " .. tostring(extra.tag))
end

function Hooks:resetBeforeSteps()
    logen.ClassUnderTest.resetBeforeSteps(self)
    note("resetBeforeSteps")
end

function Hooks:resetBeforeStep()
    logen.ClassUnderTest.resetBeforeStep(self)
    note("resetBeforeStep")
end

function Hooks:setStep(step)
    self.step = step
    note("setStep " .. tostring(step) .. " " .. type(step))
end

function Hooks:genDatas()
    self:setDatas(("x"):rep(tonumber(self:getStep()) or 1))
    note("genDatas")
end

function Hooks:processDatas()
    self:addCtx("seen", (self:getCtx("seen") or 0) + 1)
    note("processDatas " .. self:getCtx("seen"))
end

local plain = logen.exec(function(request, data)
    request.inlen = #data
end)

function Hooks:func()
    note("func")
    plain(self:newRequest("plain"), self:getDatas())
    if self.extra.duplicate then
        self:newRequest("plain")
    end
    if self.extra.manual then
        local r = self:newRequest("manual")
        r:start()
        r:finish(3, "manual failure")
    end
end

return Hooks
