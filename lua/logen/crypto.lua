-- logen.crypto -- hashing, encodings, CRC-32C, signatures and AES-GCM for
-- CUTs, on the OpenSSL binding logen.cryptoc (src/bind_crypto.c, with its
-- keys in src/bind_key.c and its codecs in src/codec.c).
--
--   local crypto = require "logen.crypto"
--   crypto.digest(name, data)      raw digest; name: sha1 sha224 sha256 sha384 sha512
--   crypto.sha256(data)            (and sha1, sha384, sha512): the same, shorter
--   crypto.hmac(name, key, data)   raw HMAC
--   crypto.random(n)               n bytes from OpenSSL's CSPRNG
--   crypto.base64(data)            standard alphabet, padded, one line
--   crypto.base64url(data)         URL-safe alphabet, no padding (JWT)
--   crypto.unbase64(text)          bytes | nil, msg: either alphabet, padded or
--                                  not, white space skipped
--   crypto.hex(data), crypto.unhex(text)   lowercase hex | nil, msg
--   crypto.crc32c(data[, crc])     CRC-32C (Castagnoli) as an integer 0..2^32-1,
--                                  continuing from crc: Cloud KMS's *Crc32c fields
--   crypto.aes_gcm_encrypt(key32, iv, plaintext[, aad]) -> ciphertext, tag16
--   crypto.aes_gcm_decrypt(key32, iv, ciphertext, tag[, aad]) -> plaintext | nil, msg
--   crypto.private_key(pem[, passphrase]) -> key | nil, msg  (PKCS#8 or
--                                  traditional PEM; RSA, EC, Ed25519)
--   crypto.public_key(pem)         -> key | nil, msg  ("PUBLIC KEY" PEM, or a
--                                  certificate)
--   crypto.private_key_file(path[, passphrase]), crypto.public_key_file(path)
--   crypto.read_file(path)         the whole file | nil, msg
--   crypto.jwt_rs256(header_json, claims_json, key)  "h.c.s", base64url parts
--
-- A key (userdata "logen.crypto.pkey"):
--   key:sign(digest, data)         signature | nil, msg. RSA: PKCS#1 v1.5 (RS256
--                                  with sha256); EC: ECDSA, DER-encoded, as Cloud
--                                  KMS returns it; Ed25519: digest ignored.
--   key:verify(digest, data, sig)  true | false[, msg]
--   key:public_pem()               SubjectPublicKeyInfo PEM text
--   key:type() "RSA"/"EC"/...,  key:bits(),  key:private()
--   key:close()                    frees it now (the GC does it otherwise)
--
-- Misuse (an unknown digest name, a wrong argument type, signing with a
-- public key, a closed key) raises; bad input returns nil and a message
-- with OpenSSL's reason. The functions are cheap enough per request: they
-- write into a reused buffer and allocate only their result string.
local c = require "logen.cryptoc"

local open, format = io.open, string.format
local digest = c.digest

local M = {
    digest = digest,
    hmac = c.hmac,
    random = c.random,
    base64 = c.base64,
    base64url = c.base64url,
    unbase64 = c.unbase64,
    hex = c.hex,
    unhex = c.unhex,
    crc32c = c.crc32c,
    aes_gcm_encrypt = c.aes_gcm_encrypt,
    aes_gcm_decrypt = c.aes_gcm_decrypt,
    private_key = c.private_key,
    public_key = c.public_key,
    crc32c_hw = c.crc32c_hw,
    openssl_version = c.openssl_version,
}

function M.sha1(data) return digest("sha1", data) end
function M.sha256(data) return digest("sha256", data) end
function M.sha384(data) return digest("sha384", data) end
function M.sha512(data) return digest("sha512", data) end

function M.read_file(path)
    local f, err = open(path, "rb")
    if not f then
        return nil, err
    end
    local data = f:read("*a")
    f:close()
    if not data then
        return nil, format("%s: cannot read", path)
    end
    return data
end

local function from_file(load, path, pass)
    local pem, err = M.read_file(path)
    if not pem then
        return nil, err
    end
    local key, kerr = load(pem, pass)
    if not key then
        return nil, format("%s: %s", path, kerr)
    end
    return key
end

function M.private_key_file(path, pass)
    return from_file(c.private_key, path, pass)
end

function M.public_key_file(path)
    return from_file(c.public_key, path)
end

-- A compact JWS signed RS256: the caller supplies the header and claims as
-- JSON text, so their order and escaping are its own.
function M.jwt_rs256(header_json, claims_json, key)
    if key:type() ~= "RSA" then
        error("jwt_rs256: RS256 needs an RSA key, got " .. key:type(), 2)
    end
    local input = c.base64url(header_json) .. "." .. c.base64url(claims_json)
    local sig, err = key:sign("sha256", input)
    if not sig then
        return nil, err
    end
    return input .. "." .. c.base64url(sig)
end

return M
