-- KmsSignature -- Cloud KMS asymmetric sign, one request per step (Pylogen's
-- CUT).
--
-- extra.file names a key file (default KmsDefault.json: read as given, else
-- beside this CUT) and extra.key one of its keys (default asymmetric1); the
-- key needs a version_id, and its "sha" (sha256, the default, sha384 or
-- sha512) must be the hash of the key's algorithm (EC_SIGN_P384_SHA384:
-- sha384). With extra.verify = true, init fetches the version's public key
-- (getPublicKey) and every signature is verified after its request, outside
-- its time; a bad one turns the request's rc to 3.
--
-- The step is the data length in bytes; a step that is not a number ("A")
-- means 256. genDatas makes that many random bytes and processDatas their
-- digest; func sends one request, SIGN: POST
-- /v1/{cryptoKeyVersion}:asymmetricSign with the digest and its CRC-32C,
-- and checks the answer's CRCs and name. inlen = data bytes, outlen =
-- signature bytes (DER for EC keys). rc: 1 transport, 2 HTTP status,
-- 3 integrity (or a signature that does not verify), 4 no access token.
-- Endpoint and credentials: as for KmsEncryptSymmetric (see logen.gcp.kms).
--
--   logen cuts.KmsSignature --steps 256,1024 --duration 10 --extra '{"key":"asymmetric1","verify":true}'
local logen = require "logen"
local crypto = require "logen.crypto"
local gcp = require "logen.gcp"
local kmscut = require "logen.gcp.cut"

local must = kmscut.must

local KmsSignature = kmscut.class "KmsSignature"

function KmsSignature:init(options, extra)
    local key = self:keyEntry(extra, "asymmetric1")
    self.name = must(key.version_name, key.path .. ": key " .. key.key
                     .. " has no version_id (asymmetricSign signs with a version)")
    self.sha = must(gcp.digest_kind(key.sha))
    local ok, err = self:connect(extra)
    if extra.verify then
        must(ok, err)
        local pub, perr = self.kms:getPublicKey(self.name)
        must(pub, "KmsSignature: getPublicKey: " .. tostring(perr))
        self.pubkey = must(crypto.public_key(pub.pem))
    elseif not ok then
        logen.log.warn("KmsSignature: %s", err)
    end
end

function KmsSignature:processDatas()
    self.digest = crypto.digest(self.sha, self:getDatas())
end

KmsSignature.sign = logen.exec(function(self, request)
    request.inlen = #self:getDatas()
    local res, err, rc = self.kms:asymmetricSign(self.name, self.sha, self.digest)
    if self.kms:check(request, res, err, rc) then
        request.outlen = #res.signature
        return res.signature
    end
end)

function KmsSignature:func()
    self.kms:prepare() -- a token fetch or refresh happens here, untimed
    local request = self:newRequest("SIGN")
    local signature = self:sign(request)
    if signature and self.pubkey and request.rc == 0 then
        local ok, err = self.pubkey:verify(self.sha, self:getDatas(), signature)
        if not ok then
            request.rc = gcp.RC_INTEGRITY
            request.error = "integrity: the signature does not verify with the public key of "
                            .. self.name .. (err and ": " .. err or "")
        end
    end
end

return KmsSignature
