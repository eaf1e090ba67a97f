-- logen.gcp -- Google Cloud for CUTs, one require: OAuth2 for service
-- accounts and a small Cloud KMS REST v1 client. The work is done in
-- lua/logen/gcp/, one module each; this table gathers their API:
--
--   gcp.kms(opts)                 a KMS client (logen.gcp.kms: encrypt, decrypt,
--                                 asymmetricSign, getPublicKey, prepare, check;
--                                 its head lists opts and the rc codes)
--   gcp.auth(opts)                an authenticator (logen.gcp.auth)
--   gcp.service_account([path])   a service-account key, sa:assertion() its JWT
--   gcp.keyfile(file, key[, dir]) an entry of a Pylogen key file (logen.gcp.keyfile)
--   gcp.digest_kind(sha)          "sha384", "SHA-384", "384" -> "sha384"; nil -> "sha256"
--   gcp.RC_TRANSPORT (1), RC_STATUS (2), RC_INTEGRITY (3), RC_AUTH (4)
--   gcp.GOOGLE_TOKEN_URI, SCOPE, KMS_ENDPOINT, REFRESH_MARGIN, RETRY_DELAY
--                                 (read-only copies of the modules' constants)
-- logen.gcp.token caches access tokens; logen.gcp.cut is what the KMS CUTs
-- share.
local auth = require "logen.gcp.auth"
local token = require "logen.gcp.token"
local kms = require "logen.gcp.kms"
local keyfile = require "logen.gcp.keyfile"

return {
    kms = kms.new,
    auth = auth.new,
    service_account = auth.service_account,
    keyfile = keyfile.read,
    digest_kind = kms.digest_kind,
    RC_TRANSPORT = kms.RC_TRANSPORT, RC_STATUS = kms.RC_STATUS,
    RC_INTEGRITY = kms.RC_INTEGRITY, RC_AUTH = kms.RC_AUTH,
    GOOGLE_TOKEN_URI = auth.GOOGLE_TOKEN_URI,
    SCOPE = auth.SCOPE,
    KMS_ENDPOINT = kms.KMS_ENDPOINT,
    REFRESH_MARGIN = token.REFRESH_MARGIN,
    RETRY_DELAY = token.RETRY_DELAY,
}
