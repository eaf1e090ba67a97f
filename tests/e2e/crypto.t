#!/bin/bash
# logen.crypto (src/bind_crypto.c) and logen.gcp's JWT inside a real worker:
# digests and HMAC against published vectors (FIPS 180, RFC 4231), base64
# (RFC 4648, URL-safe, unpadded, bad input), hex, CRC-32C (check values,
# chaining, the SSE4.2 and table variants against a Lua reference), keys made
# by the openssl CLI (RSA 2048 and EC P-256, PKCS#8 and traditional,
# encrypted) signing for openssl and verifying openssl's signatures,
# AES-256-GCM (GCM spec test case 14), misuse raising, no leak over many
# calls, and a service-account JWT verified by `openssl dgst -verify`.
# Each group of checks is one request of an inline CUT: a failed check
# raises, so the request's rc is 16 and the message names the check.
# sanitized.t runs this whole file again with the ASan + UBSan binary.
. "$(dirname "$0")/lib.sh"

if ! command -v openssl >/dev/null; then
    echo "1..0 # SKIP the openssl CLI is missing (Debian package openssl)"
    exit 0
fi

# ---- keys and signatures from the openssl CLI ----
{
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.p8.pem &&
    openssl pkey -in rsa.p8.pem -traditional -out rsa.trad.pem &&
    openssl pkey -in rsa.p8.pem -pubout -out rsa.pub.pem &&
    openssl ecparam -name prime256v1 -genkey -out ec.trad.pem &&
    openssl pkcs8 -topk8 -nocrypt -in ec.trad.pem -out ec.p8.pem &&
    openssl pkey -in ec.p8.pem -pubout -out ec.pub.pem &&
    openssl pkey -in ec.p8.pem -aes256 -passout pass:s3cret -out ec.enc.pem &&
    openssl req -x509 -new -key ec.p8.pem -subj /CN=logen-test -days 1 -out ec.cert.pem &&
    printf 'a message both sides sign\n' > msg.txt &&
    openssl dgst -sha256 -sign rsa.p8.pem -out msg.rsa.sig msg.txt &&
    openssl dgst -sha256 -sign ec.p8.pem -out msg.ec.sig msg.txt
} 2>openssl.err
ok $? "the openssl CLI makes the keys and signatures"
grep -q "BEGIN RSA PRIVATE KEY" rsa.trad.pem && grep -q "BEGIN EC PARAMETERS" ec.trad.pem &&
    grep -q "BEGIN EC PRIVATE KEY" ec.trad.pem && grep -q "BEGIN PRIVATE KEY" ec.p8.pem &&
    grep -q "BEGIN ENCRYPTED PRIVATE KEY" ec.enc.pem
ok $? "keys in PKCS#8, traditional and encrypted forms"

# a service-account key file around the RSA key (private_key with \n escapes)
pem=$(awk '{ printf "%s\\n", $0 }' rsa.p8.pem)
cat > sa.json <<EOF
{
  "type": "service_account",
  "project_id": "logen-test",
  "private_key_id": "0123abcd",
  "private_key": "$pem",
  "client_email": "loadtest@logen-test.iam.gserviceaccount.com",
  "client_id": "1234567890",
  "token_uri": "https://oauth2.googleapis.com/token"
}
EOF

cat > CryptoT.lua <<'LUA'
local logen = require "logen"
local crypto = require "logen.crypto"
local cryptoc = require "logen.cryptoc"
local gcp = require "logen.gcp"
local bit = require "bit"

local CryptoT = logen.cut "CryptoT"

local function must(cond, what)
    if not cond then error("failed: " .. what, 0) end
end

local function eq(got, want, what)
    if got ~= want then
        error(("failed: %s: got %s, want %s"):format(what, tostring(got), tostring(want)), 0)
    end
end

local function raises(pattern, what, fn, ...)
    local ok, err = pcall(fn, ...)
    must(not ok, what .. " raises")
    must(tostring(err):find(pattern), what .. ": message '" .. tostring(err) .. "' has '" .. pattern .. "'")
end

local function file(name)
    return assert(crypto.read_file(name))
end

local function write(name, data)
    local f = assert(io.open(name, "wb"))
    f:write(data)
    f:close()
end

function CryptoT:init(options, extra)
    self.sabotage = extra.sabotage
    self.leak_iterations = tonumber(extra.leak) or 20000
end

local hex = crypto.hex

CryptoT.digests = logen.exec(function(self)
    local abc256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    if self.sabotage then abc256 = abc256:gsub("^b", "c") end
    eq(hex(crypto.digest("sha256", "abc")), abc256, "sha256(abc)")
    eq(hex(crypto.sha256("abc")), abc256, "crypto.sha256(abc)")
    eq(hex(crypto.digest("SHA256", "abc")), abc256, "digest names are case-blind")
    eq(hex(crypto.sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256('')")
    eq(hex(crypto.digest("sha384", "abc")), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
       .. "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", "sha384(abc)")
    eq(hex(crypto.sha512("abc")), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
       .. "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", "sha512(abc)")
    eq(hex(crypto.sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d", "sha1(abc)")
    eq(hex(crypto.digest("sha224", "abc")), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", "sha224(abc)")
    eq(hex(crypto.sha256(("a"):rep(1000000))),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 of a million a")
    eq(#crypto.sha384("x"), 48, "digests are raw bytes")
    raises("unknown digest 'md5'", "digest md5", crypto.digest, "md5", "abc")
    raises("bad argument #2", "digest of nil", crypto.digest, "sha256", nil)
end)

CryptoT.hmac = logen.exec(function(self)
    local key, data = ("\11"):rep(20), "Hi There" -- RFC 4231 test case 1
    eq(hex(crypto.hmac("sha256", key, data)),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", "HMAC-SHA256 case 1")
    eq(hex(crypto.hmac("sha384", key, data)), "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec6"
       .. "82aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6", "HMAC-SHA384 case 1")
    eq(hex(crypto.hmac("sha512", key, data)), "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
       .. "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854", "HMAC-SHA512 case 1")
    eq(hex(crypto.hmac("sha256", "Jefe", "what do ya want for nothing?")),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "HMAC-SHA256 case 2")
    raises("unknown digest", "hmac md5", crypto.hmac, "md5", "k", "d")
end)

CryptoT.encodings = logen.exec(function(self)
    local vectors = { [""] = "", f = "Zg==", fo = "Zm8=", foo = "Zm9v", foob = "Zm9vYg==",
                      fooba = "Zm9vYmE=", foobar = "Zm9vYmFy" } -- RFC 4648 section 10
    for plain, coded in pairs(vectors) do
        eq(crypto.base64(plain), coded, "base64(" .. plain .. ")")
        eq(crypto.unbase64(coded), plain, "unbase64(" .. coded .. ")")
        eq(crypto.unbase64((coded:gsub("=", ""))), plain, "unpadded unbase64(" .. coded .. ")")
        eq(crypto.base64url(plain), (coded:gsub("=", "")), "base64url(" .. plain .. ")")
    end
    eq(crypto.base64("\251\255\191"), "+/+/", "standard alphabet")
    eq(crypto.base64url("\251\255\191"), "-_-_", "URL-safe alphabet")
    eq(crypto.unbase64("-_-_"), "\251\255\191", "URL-safe input")
    eq(crypto.unbase64("+/8"), "\251\255", "unpadded input")
    eq(crypto.unbase64("Zm9v\nYmFy\r\n"), "foobar", "line breaks are skipped")
    eq(crypto.unbase64("aGVsbG8gd29ybGQ="), "hello world", "KMS worked example A")
    for _, bad in ipairs{ "Zm9v!", "Z", "Zg=a", "Zg=", "Z===", "=Zg=", "Zm9vY" } do
        local v, err = crypto.unbase64(bad)
        must(v == nil and type(err) == "string" and err:find("^unbase64: "), "unbase64('" .. bad .. "') fails")
    end
    for n = 0, 300 do
        local data = crypto.random(n)
        eq(#data, n, "random(" .. n .. ") length")
        eq(crypto.unbase64(crypto.base64(data)), data, "base64 round trip of " .. n .. " bytes")
        eq(crypto.unbase64(crypto.base64url(data)), data, "base64url round trip of " .. n .. " bytes")
        eq(crypto.unhex(hex(data)), data, "hex round trip of " .. n .. " bytes")
        must(not crypto.base64(data):find("\n"), "no line breaks")
    end
    local big = crypto.random(1024 * 1024 + 7) -- past the kept scratch buffer
    eq(crypto.unbase64(crypto.base64(big)), big, "base64 round trip of 1 MiB")
    must(crypto.random(16) ~= crypto.random(16), "random bytes differ")
    eq(hex("\0\1\171\255"), "0001abff", "hex")
    eq(crypto.unhex("0001ABff"), "\0\1\171\255", "unhex either case")
    must(crypto.unhex("abc") == nil and crypto.unhex("zz") == nil, "bad hex fails")
    raises("out of range", "random(-1)", crypto.random, -1)
    raises("bad argument #1", "base64(nil)", crypto.base64, nil)
end)

-- Bitwise CRC-32C, independent of the C code.
local function crc32c_ref(s)
    local crc = -1
    for i = 1, #s do
        crc = bit.bxor(crc, s:byte(i))
        for _ = 1, 8 do
            local lsb = bit.band(crc, 1)
            crc = bit.rshift(crc, 1)
            if lsb == 1 then crc = bit.bxor(crc, 0x82F63B78) end
        end
    end
    local v = bit.bnot(crc)
    return v < 0 and v + 4294967296 or v
end

CryptoT.crc32c = logen.exec(function(self)
    eq(crypto.crc32c("123456789"), 0xE3069283, "crc32c(123456789)")
    eq(crypto.crc32c(""), 0, "crc32c('')")
    eq(crypto.crc32c("hello world"), 3381945770, "crc32c(hello world), KMS example A")
    eq(crypto.crc32c(crypto.unbase64("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")), 1843941858,
       "crc32c of SHA-256(hello world), KMS example B")
    eq(crypto.crc32c(crypto.unbase64("/b2OdaZ/KfcBpOBAOF4uI5hjA+oQI5IRr5B/y7g1eLPkF8txzmRu/QgZ3YwIjeG9")),
       2692206820, "crc32c of SHA-384(hello world), KMS example B")
    eq(cryptoc._crc32c_soft("123456789"), 0xE3069283, "table variant: crc32c(123456789)")
    eq(crypto.crc32c(("\0"):rep(32)), 0x8A9136AA, "32 zero bytes (RFC 3720 B.4)")
    eq(crypto.crc32c(("\255"):rep(32)), 0x62A8AB43, "32 0xff bytes (RFC 3720 B.4)")
    local pool = crypto.random(4096)
    for n = 0, 200 do
        local off = n % 13 + 1 -- every alignment
        local s = pool:sub(off, off + n - 1)
        local want = crc32c_ref(s)
        eq(crypto.crc32c(s), want, "crc32c of " .. n .. " bytes against the reference")
        eq(cryptoc._crc32c_soft(s), want, "table crc32c of " .. n .. " bytes against the reference")
        local cut = math.floor(n / 3)
        eq(crypto.crc32c(s:sub(cut + 1), crypto.crc32c(s:sub(1, cut))), want,
           "chained crc32c of " .. n .. " bytes")
    end
    local big = crypto.random(1024 * 1024 + 3)
    eq(crypto.crc32c(big), cryptoc._crc32c_soft(big), "1 MiB: both variants agree")
    eq(crypto.crc32c(pool), crc32c_ref(pool), "4 KiB against the reference")
    must(type(crypto.crc32c_hw) == "boolean", "crc32c_hw says which variant runs")
    raises("not a CRC%-32C value", "crc32c(s, -1)", crypto.crc32c, "x", -1)
end)

local function sign_both(name, key, pubpem, osig)
    local sig = assert(key:sign("sha256", file("msg.txt")))
    write("lua." .. name .. ".sig", sig)
    local pub = assert(crypto.public_key(pubpem))
    must(not pub:private(), name .. ": a public key is not private")
    eq(pub:verify("sha256", file("msg.txt"), sig), true, name .. ": own signature verifies")
    eq(key:verify("sha256", file("msg.txt"), sig), true, name .. ": the private key verifies too")
    eq(pub:verify("sha256", file("msg.txt") .. "x", sig), false, name .. ": another message does not verify")
    eq(pub:verify("sha384", file("msg.txt"), sig), false, name .. ": another digest does not verify")
    eq(pub:verify("sha256", file("msg.txt"), osig), true,
       name .. ": openssl's signature verifies")
    eq(key:public_pem(), pubpem, name .. ": public_pem is openssl's PEM")
    raises("a public key cannot sign", name .. ": signing with a public key", pub.sign, pub, "sha256", "x")
    raises("unknown digest", name .. ": sign with md4", key.sign, key, "md4", "x")
    return sig
end

CryptoT.keys = logen.exec(function(self)
    local rsapub, ecpub = file("rsa.pub.pem"), file("ec.pub.pem")
    for _, form in ipairs{ "p8", "trad" } do
        local rsa = assert(crypto.private_key_file("rsa." .. form .. ".pem"))
        eq(rsa:type(), "RSA", "rsa." .. form .. " type")
        eq(rsa:bits(), 2048, "rsa." .. form .. " bits")
        must(rsa:private(), "rsa." .. form .. " is private")
        local sig = sign_both("rsa." .. form, rsa, rsapub, file("msg.rsa.sig"))
        eq(#sig, 256, "an RSA-2048 signature has 256 bytes")
        eq(sig, assert(rsa:sign("sha256", file("msg.txt"))), "PKCS#1 v1.5 is deterministic")
        eq(sig, file("msg.rsa.sig"), "and equal to openssl's")
        local ec = assert(crypto.private_key_file("ec." .. form .. ".pem"))
        eq(ec:type(), "EC", "ec." .. form .. " type")
        eq(ec:bits(), 256, "ec." .. form .. " bits")
        sig = sign_both("ec." .. form, ec, ecpub, file("msg.ec.sig"))
        must(#sig >= 8 and #sig <= 72 and sig:byte(1) == 0x30, "an ECDSA P-256 signature is DER, at most 72 bytes")
        must(sig ~= ec:sign("sha256", file("msg.txt")), "ECDSA is randomized")
        ec:close()
        ec:close()
        raises("closed key", "a closed key", ec.sign, ec, "sha256", "x")
        must(tostring(ec):find("closed"), "tostring of a closed key")
    end
    local enc = assert(crypto.private_key(file("ec.enc.pem"), "s3cret"))
    eq(enc:public_pem(), ecpub, "an encrypted key opens with its passphrase")
    must(crypto.private_key(file("ec.enc.pem"), "wrong") == nil, "not with a wrong one")
    must(crypto.private_key(file("ec.enc.pem")) == nil, "nor without one (and no prompt)")
    local cert = assert(crypto.public_key(file("ec.cert.pem")))
    eq(cert:public_pem(), ecpub, "a certificate's public key")
    eq(cert:verify("sha256", file("msg.txt"), file("msg.ec.sig")), true, "verifies with a certificate's key")
    local k, err = crypto.private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    must(k == nil and err:find("^private_key: error:"), "a bad PEM gives OpenSSL's error: " .. tostring(err))
    k, err = crypto.public_key("not a key")
    must(k == nil and err:find("^public_key: "), "not a key: " .. tostring(err))
    k, err = crypto.private_key_file("missing.pem")
    must(k == nil and err:find("missing.pem"), "a missing file is named")
    local ecpubkey = assert(crypto.public_key(ecpub))
    local ok, verr = ecpubkey:verify("sha256", "m", "\48\1\1")
    must(ok == false and (verr == nil or type(verr) == "string"), "a malformed DER signature is false")
    must(tostring(ecpubkey):find("^logen.crypto.pkey %(EC 256%-bit public"), "tostring: " .. tostring(ecpubkey))
    raises("RS256 needs an RSA key", "jwt_rs256 with an EC key", crypto.jwt_rs256, "{}", "{}",
           assert(crypto.private_key_file("ec.p8.pem")))
end)

CryptoT.gcm = logen.exec(function(self)
    local zero32, iv = ("\0"):rep(32), ("\0"):rep(12)
    local ct, tag = crypto.aes_gcm_encrypt(zero32, iv, ("\0"):rep(16)) -- GCM spec test case 14
    eq(hex(ct), "cea7403d4d606b6e074ec5d3baf39d18", "test case 14 ciphertext")
    eq(hex(tag), "d0d1c8a799996bf0265b98b5d48ab919", "test case 14 tag")
    ct, tag = crypto.aes_gcm_encrypt(zero32, iv, "")
    eq(hex(tag), "530f8afbc74536b9a963b4f1c4cb738b", "test case 13 tag")
    local key, nonce, msg = crypto.random(32), crypto.random(12), crypto.random(1000)
    ct, tag = crypto.aes_gcm_encrypt(key, nonce, msg, "aad")
    eq(crypto.aes_gcm_decrypt(key, nonce, ct, tag, "aad"), msg, "round trip with AAD")
    must(crypto.aes_gcm_decrypt(key, nonce, ct, tag, "other") == nil, "another AAD fails")
    local flipped = string.char(bit.bxor(ct:byte(1), 1)) .. ct:sub(2)
    local v, err = crypto.aes_gcm_decrypt(key, nonce, flipped, tag, "aad")
    must(v == nil and err == "aes_gcm_decrypt: authentication failed", "a flipped bit fails")
    ct, tag = crypto.aes_gcm_encrypt(key, crypto.random(16), msg)
    must(#ct == 1000 and #tag == 16, "a 16-byte IV works")
    raises("32%-byte key", "a short key", crypto.aes_gcm_encrypt, "short", nonce, msg)
end)

CryptoT.jwt = logen.exec(function(self)
    local sa = assert(gcp.service_account("sa.json"))
    eq(sa.client_email, "loadtest@logen-test.iam.gserviceaccount.com", "client_email")
    eq(sa.private_key_id, "0123abcd", "private_key_id")
    eq(sa.token_uri, "https://oauth2.googleapis.com/token", "token_uri")
    local jwt = assert(sa:assertion(1700000000))
    write("jwt.txt", jwt)
    local h, c, s = jwt:match("^([%w_-]+)%.([%w_-]+)%.([%w_-]+)$")
    must(h, "three base64url parts")
    eq(h, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjAxMjNhYmNkIn0", "the header of kms-api.md section 8")
    local claims = require("cjson").decode(crypto.unbase64(c))
    eq(claims.iss, sa.client_email, "iss")
    eq(claims.scope, "https://www.googleapis.com/auth/cloud-platform", "scope")
    eq(claims.aud, "https://oauth2.googleapis.com/token", "aud")
    eq(claims.exp - claims.iat, 3600, "exp = iat + 3600")
    eq(sa.key:verify("sha256", h .. "." .. c, crypto.unbase64(s)), true, "RS256 signature")
    local bad, err = gcp.service_account("missing.json")
    must(bad == nil and err:find("missing.json"), "a missing key file: " .. tostring(err))
    write("notsa.json", '{"type":"authorized_user"}')
    bad, err = gcp.service_account("notsa.json")
    must(bad == nil and err:find("not service_account"), "not a service account: " .. tostring(err))
end)

CryptoT.keyfile = logen.exec(function(self)
    write("keys.json", '{"k1":{"project_id":"p1","location_id":"global","key_ring_id":"r1",'
          .. '"crypto_key_id":"c1","version_id":2,"sha":"SHA384"},"k2":{"project_id":"p1"}}')
    local k = assert(gcp.keyfile("keys.json", "k1"))
    eq(k.key_name, "projects/p1/locations/global/keyRings/r1/cryptoKeys/c1", "key_name")
    eq(k.version_name, k.key_name .. "/cryptoKeyVersions/2", "version_name (a number version_id)")
    eq(gcp.digest_kind(k.sha), "sha384", "sha SHA384")
    eq(gcp.digest_kind(nil), "sha256", "sha defaults to sha256")
    eq(gcp.digest_kind("384"), "sha384", "sha 384")
    must(gcp.digest_kind("md5") == nil, "sha md5 is refused")
    local v, err = gcp.keyfile("keys.json", "k2")
    must(v == nil and err:find("has no location_id"), "an incomplete key: " .. tostring(err))
    v, err = gcp.keyfile("keys.json", "k3")
    must(v == nil and err:find('no key "k3" %(it has k1, k2%)'), "an unknown key: " .. tostring(err))
    os.execute("mkdir -p sub && mv keys.json sub/")
    k = assert(gcp.keyfile("keys.json", "k1", "sub"))
    eq(k.path, "sub/keys.json", "found in the CUT's directory")
end)

-- Many calls must not grow the worker: C memory is freed, not leaked.
local function rss_kb()
    local f = io.open("/proc/self/status")
    local kb = tonumber(f:read("*a"):match("VmRSS:%s*(%d+)"))
    f:close()
    return kb
end

-- Under ASan (sanitized.t runs this file with build/asan/logen) a freed
-- block waits in ASan's quarantine (256 MB by default) before reuse, so
-- that a use after free is caught: RSS then grows by design. The loop
-- still runs, for ASan to watch; its growth is noted, not checked.
local function under_asan()
    local f = io.open("/proc/self/maps")
    local maps = f and f:read("*a") or ""
    if f then f:close() end
    return maps:find("libasan", 1, true) ~= nil
end

CryptoT.noleak = logen.exec(function(self)
    local ec = assert(crypto.private_key_file("ec.p8.pem"))
    local ecpem, rsapem = file("ec.p8.pem"), file("rsa.p8.pem")
    local data = crypto.random(1024)
    local function round(n)
        for i = 1, n do
            crypto.unbase64(crypto.base64(crypto.hmac("sha256", data, crypto.sha512(data))))
            crypto.unhex(crypto.hex(data))
            local ct, tag = crypto.aes_gcm_encrypt(data:sub(1, 32), data:sub(1, 12), data)
            crypto.aes_gcm_decrypt(data:sub(1, 32), data:sub(1, 12), ct, tag)
            crypto.crc32c(data)
            if i % 10 == 0 then
                must(ec:verify("sha256", data, ec:sign("sha256", data)), "verify in the loop")
                crypto.crc32c(crypto.random(300 * 1024)) -- past the kept scratch buffer
            end
            if i % 50 == 0 then -- PEM parsing costs ~0.3 ms: keys are loaded in init
                crypto.private_key(ecpem):close()
                crypto.private_key(rsapem) -- left to the GC
                crypto.public_key(ec:public_pem())
                crypto.private_key("garbage")
            end
        end
        collectgarbage()
        collectgarbage()
    end
    round(math.floor(self.leak_iterations / 4))
    local before = rss_kb()
    round(self.leak_iterations)
    local grown = rss_kb() - before
    if under_asan() then
        write("noleak.txt", ("%d iterations, RSS grew %d kB (not checked: ASan's quarantine)\n")
              :format(self.leak_iterations, grown))
        return
    end
    write("noleak.txt", ("%d iterations, RSS grew %d kB\n"):format(self.leak_iterations, grown))
    must(grown < 1024, ("RSS grew %d kB over %d iterations"):format(grown, self.leak_iterations))
end)

function CryptoT:func()
    for _, name in ipairs{ "digests", "hmac", "encodings", "crc32c", "keys", "gcm", "jwt", "keyfile", "noleak" } do
        self[name](self, self:newRequest(name))
    end
end

return CryptoT
LUA

CHECKS="digests hmac encodings crc32c keys gcm jwt keyfile noleak"
run 120 "$LOGEN" CryptoT.lua --proc 1 --loops 1 --steps 1
is "$rc" 0 "the crypto CUT runs"
pids=$(worker_pids out)
is "$(ev 'type == "req"' out | wc -l)" 9 "9 requests, one per group of checks"
for g in $CHECKS; do
    is "$(ev -v g="$g" 'type == "req" && fullId ~ ("\\.RMngr\\." g "$") { print rc }' out)" 0 "$g: every check passes"
done
grep ERROR err | head -5 | sed 's/^/# /'
sed 's/^/# /' noleak.txt 2>/dev/null

# what the worker signed, openssl verifies
for k in rsa.p8 rsa.trad ec.p8 ec.trad; do
    pub=${k%%.*}.pub.pem
    out=$(openssl dgst -sha256 -verify "$pub" -signature "lua.$k.sig" msg.txt 2>&1)
    is "$out" "Verified OK" "openssl verifies logen's $k signature"
done
printf 'another message\n' > other.txt
openssl dgst -sha256 -verify ec.pub.pem -signature lua.ec.p8.sig other.txt >/dev/null 2>&1
ok $(( ! $? )) "and refuses it for another message"

# the JWT of a service-account key, checked by openssl
jwt=$(cat jwt.txt 2>/dev/null)
b64url_decode() { # standard alphabet, padding restored
    local s; s=$(printf '%s' "$1" | tr '_-' '/+')
    while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done
    printf '%s' "$s" | base64 -d
}
IFS=. read -r jh jc js <<<"$jwt"
is "$(b64url_decode "$jh")" '{"alg":"RS256","typ":"JWT","kid":"0123abcd"}' "JWT header"
is "$(b64url_decode "$jc")" '{"iss":"loadtest@logen-test.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/cloud-platform","aud":"https://oauth2.googleapis.com/token","iat":1700000000,"exp":1700003600}' "JWT claims"
printf '%s' "$jh.$jc" > jwt.input
b64url_decode "$js" > jwt.sig
is "$(openssl dgst -sha256 -verify rsa.pub.pem -signature jwt.sig jwt.input 2>&1)" "Verified OK" "openssl verifies the JWT's RS256 signature"
printf '%s' "$jh.${jc}x" > jwt.tampered
openssl dgst -sha256 -verify rsa.pub.pem -signature jwt.sig jwt.tampered >/dev/null 2>&1
ok $(( ! $? )) "and refuses a tampered JWT"

# a failing check is seen: a sabotaged vector makes its request fail
run 120 "$LOGEN" CryptoT.lua --proc 1 --loops 1 --steps 1 --extra '{"sabotage":true,"leak":10}'
is "$(ev 'type == "req" && fullId ~ /\.RMngr\.digests$/ { print rc }' out)" 16 "a failed check fails its request (rc 16)"
like "$(cat err)" "rc=16: failed: sha256\(abc\): got ba7816bf.*, want ca7816bf" "with the check's message"
is "$(ev 'type == "req" && rc != 0' out | wc -l)" 1 "and only that one"
no_process_left $pids $(worker_pids out)

done_testing
