-- logen.cut -- ClassUnderTest, the base of every CUT.
--
-- A CUT is a class made with ClassUnderTest:extend("Name") (or logen.cut),
-- returned by its file. The runner builds one object per worker with
-- Class:new(options, extra), which calls the CUT's init(options, extra)
-- when it has one, then calls the hooks in Pylogen's order: per loop
-- resetBeforeSteps(), and per step resetBeforeStep(), setStep(step),
-- genDatas(), processDatas(), func(). Only func is required.
local Manager = require("logen.request").Manager

local ClassUnderTest = { __name = "ClassUnderTest" }
ClassUnderTest.__index = ClassUnderTest

function ClassUnderTest:extend(name)
    local cls = setmetatable({}, { __index = self })
    cls.__index = cls
    cls.__name = name or "CUT"
    cls.super = self
    return cls
end

-- The object of one worker: options are the run's options (id, steps,
-- process, duration...), extra the decoded --extra table.
function ClassUnderTest.new(cls, options, extra)
    local self = setmetatable({}, cls)
    self.options = options or {}
    self.extra = extra or {}
    self.ctx = {}
    self.datas = nil
    self.step = nil
    self.stepIndex = 0
    self.requestsManager = Manager.new(cls.managerName or "RMngr")
    if self.init then
        self:init(self.options, self.extra)
    end
    return self
end

function ClassUnderTest:resetBeforeSteps()
    self.ctx = {}
end

function ClassUnderTest:resetBeforeStep()
    self.requestsManager:reset()
end

function ClassUnderTest:setStep(step) self.step = step end
function ClassUnderTest:getStep() return self.step end
function ClassUnderTest:genDatas() end
function ClassUnderTest:processDatas() end
function ClassUnderTest:setDatas(datas) self.datas = datas end
function ClassUnderTest:getDatas() return self.datas end
function ClassUnderTest:addCtx(key, value) self.ctx[key] = value end

function ClassUnderTest:getCtx(key)
    if key == nil then return self.ctx end
    return self.ctx[key]
end

function ClassUnderTest:getRequestsManager() return self.requestsManager end

-- Shorthand for self:getRequestsManager():newRequest(name).
function ClassUnderTest:newRequest(name)
    return self.requestsManager:newRequest(name)
end

return ClassUnderTest
