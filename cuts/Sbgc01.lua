-- Sbgc01 -- an HTTP GET on a local server, one per step (Pylogen's Sbgc01).
--
-- Each step runs one request, R-GET: a GET of extra.url (default: the
-- SBGC01_URL environment variable, else http://127.0.0.1:8080/) that expects extra.status (default 200), then
-- extra.sleep seconds of think time (default 0; not part of the request's
-- time). Each worker builds one client in init and reuses it, so its
-- connection stays open from request to request. extra.timeout (s),
-- extra.cainfo (a PEM file) and extra.verify (false to skip TLS checks) go
-- to the client. rc: 1 transport error, 2 unexpected status (logen.http).
--
--   logen cuts.Sbgc01 --proc 2 --loops 10 --extra '{"url": "http://127.0.0.1:8080/", "sleep": 1}'
local logen = require "logen"
local http = require "logen.http"

local Sbgc01 = logen.cut "Sbgc01"

function Sbgc01:init(options, extra)
    self.url = extra.url or os.getenv("SBGC01_URL") or "http://127.0.0.1:8080/"
    self.status = tonumber(extra.status) or 200
    self.sleep = tonumber(extra.sleep) or 0
    self.client = http.client{
        timeout = tonumber(extra.timeout) or 30,
        cainfo = extra.cainfo,
        verify = extra.verify ~= false,
    }
end

Sbgc01.get = logen.exec(function(self, request)
    local res, err = self.client:get(self.url)
    http.check(request, res, err, self.status)
end)

function Sbgc01:func()
    self:get(self:newRequest("R-GET"))
    if self.sleep > 0 then
        logen.sleep(self.sleep)
    end
end

return Sbgc01
