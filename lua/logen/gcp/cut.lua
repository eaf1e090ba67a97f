-- logen.gcp.cut -- what the Cloud KMS CUTs (cuts/KmsEncryptSymmetric.lua,
-- cuts/KmsSignature.lua) share: a CUT class whose data is `step` random
-- bytes, the key-file entry looked up beside the CUT, and a KMS client set
-- up in init with its first token fetched there, outside any request.
--
--   local kmscut = require "logen.gcp.cut"
--   local Cut = kmscut.class("Name")       logen.cut(name) plus:
--     Cut.DEFAULT_SIZE                     256: the size for a step that is
--                                          not a number (Pylogen's "A")
--     Cut:genDatas()                       step (or DEFAULT_SIZE) random bytes
--     self:keyEntry(extra, default)        extra.file (default KmsDefault.json,
--                                          read as given, else beside the CUT)
--                                          and extra.key (default `default`);
--                                          raises when missing
--     self:connect(extra)                  self.kms = gcp.kms(extra), then a
--                                          first token: returns true | nil, msg
--   kmscut.must(v, msg)                    v, or raises msg (no position)
local logen = require "logen"
local crypto = require "logen.crypto"
local kms = require "logen.gcp.kms"
local keyfile = require "logen.gcp.keyfile"

local tonumber, error, debug = tonumber, error, debug

local M = {}

function M.must(v, err)
    if not v then
        error(err, 0)
    end
    return v
end
local must = M.must

-- The base of the KMS CUTs (a ClassUnderTest).
local KmsCut = logen.cut("KmsCut")
KmsCut.DEFAULT_SIZE = 256
KmsCut.here = "."

function KmsCut:genDatas()
    self:setDatas(crypto.random(tonumber(self:getStep()) or self.DEFAULT_SIZE))
end

function KmsCut:keyEntry(extra, default)
    return must(keyfile.read(extra.file or "KmsDefault.json", extra.key or default, self.here))
end

function KmsCut:connect(extra)
    self.kms = kms.new(extra)
    return self.kms:prepare()
end

-- The class of a KMS CUT named name, defined in the file that calls this
-- (its directory is where the key file is looked for).
function M.class(name)
    local cls = KmsCut:extend(name)
    cls.here = debug.getinfo(2, "S").source:match("^@(.*)/[^/]*$") or "."
    return cls
end

return M
