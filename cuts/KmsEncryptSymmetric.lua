-- KmsEncryptSymmetric -- Cloud KMS symmetric encrypt, one request per step
-- (Pylogen's CUT; KmsEncrytSymmetric, the README's spelling, is the same).
--
-- extra.file names a key file (default KmsDefault.json: read as given, else
-- beside this CUT) and extra.key one of its keys (default symmetric1): the
-- file maps key names to {project_id, location_id, key_ring_id,
-- crypto_key_id[, version_id][, sha]}. The CryptoKey is used, so KMS picks
-- its primary version; extra.version = true encrypts with version_id.
--
-- The step is the plaintext length in bytes; a step that is not a number
-- ("A", the first of Pylogen's default steps) means 256. genDatas makes that
-- many random bytes; func sends one request, ENCRYPT: POST
-- /v1/{cryptoKey}:encrypt with the plaintext and its CRC-32C, and checks the
-- answer's CRCs and name. inlen = plaintext bytes, outlen = ciphertext bytes.
-- rc: 1 transport, 2 HTTP status, 3 integrity, 4 no access token (logen.gcp.kms).
--
-- Where and how (logen.gcp.kms has the details): extra.endpoint or
-- LOGEN_KMS_ENDPOINT (default https://cloudkms.googleapis.com), extra.cainfo
-- or LOGEN_KMS_CAINFO for a stand-in's self-signed certificate, and a
-- service-account key in GOOGLE_APPLICATION_CREDENTIALS (or extra.credentials),
-- a bearer token in LOGEN_KMS_TOKEN (or extra.token), or LOGEN_KMS_AUTH=none.
-- The access token is fetched or refreshed before the timed call, never in it.
--
--   logen cuts.KmsEncryptSymmetric --steps 384,512,1024 --duration 10 --extra '{"key":"symmetric1"}'
local logen = require "logen"
local kmscut = require "logen.gcp.cut"

local must = kmscut.must

local KmsEncryptSymmetric = kmscut.class "KmsEncryptSymmetric"

function KmsEncryptSymmetric:init(options, extra)
    local key = self:keyEntry(extra, "symmetric1")
    self.name = key.key_name
    if extra.version then
        self.name = must(key.version_name, key.path .. ": key " .. key.key .. " has no version_id")
    end
    local ok, err = self:connect(extra)
    if not ok then
        logen.log.warn("KmsEncryptSymmetric: %s", err)
    end
end

KmsEncryptSymmetric.encrypt = logen.exec(function(self, request)
    local plaintext = self:getDatas()
    request.inlen = #plaintext
    local res, err, rc = self.kms:encrypt(self.name, plaintext)
    if self.kms:check(request, res, err, rc) then
        request.outlen = #res.ciphertext
    end
end)

function KmsEncryptSymmetric:func()
    self.kms:prepare() -- a token fetch or refresh happens here, untimed
    self:encrypt(self:newRequest("ENCRYPT"))
end

return KmsEncryptSymmetric
