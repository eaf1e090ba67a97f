-- logen.gcp.keyfile -- Pylogen's KMS key files: a JSON object mapping key
-- names to {project_id, location_id, key_ring_id, crypto_key_id[,
-- version_id][, sha]}, turned into Cloud KMS resource names.
--
--   keyfile.read(file, key[, dir]) -> the entry `key`, with key_name (the
--       CryptoKey), version_name (nil without version_id), path and key
--       | nil, message
-- Ids may be strings or numbers. Not done: the service-account key (that
-- is logen.gcp.auth's).
local crypto = require "logen.crypto"
local cjson_safe = require "cjson.safe"

local decode = cjson_safe.decode
local format, type, tostring, pairs, ipairs = string.format, type, tostring, pairs, ipairs
local sort, concat = table.sort, table.concat

local M = {}

local KEY_FIELDS = { "project_id", "location_id", "key_ring_id", "crypto_key_id" }

local function id_string(v)
    if type(v) == "number" then
        return format("%.0f", v)
    end
    return type(v) == "string" and v ~= "" and v or nil
end

-- The entry `key` of a key file: a JSON object mapping key names to
-- {project_id, location_id, key_ring_id, crypto_key_id[, version_id][, sha]}.
-- The file is read as given, then (a relative name) inside dir. Returns a
-- copy with key_name (the CryptoKey), version_name (nil without
-- version_id) and path, or nil, message.
function M.read(file, key, dir)
    local path = file
    local text, err = crypto.read_file(path)
    if not text and dir and file:sub(1, 1) ~= "/" then
        path = dir .. "/" .. file
        text = crypto.read_file(path)
    end
    if not text then
        return nil, format("key file: %s%s", err, dir and format(" (nor in %s)", dir) or "")
    end
    local doc = decode(text)
    if type(doc) ~= "table" then
        return nil, path .. ": not a JSON object"
    end
    local e = doc[key]
    if type(e) ~= "table" then
        local names = {}
        for k in pairs(doc) do names[#names + 1] = tostring(k) end
        sort(names)
        return nil, format("%s: no key %q (it has %s)", path, tostring(key), concat(names, ", "))
    end
    local k = { path = path, key = key }
    for _, f in ipairs(KEY_FIELDS) do
        k[f] = id_string(e[f])
        if not k[f] then
            return nil, format("%s: key %q has no %s", path, key, f)
        end
    end
    k.version_id = id_string(e.version_id)
    k.sha = e.sha
    k.key_name = format("projects/%s/locations/%s/keyRings/%s/cryptoKeys/%s", k.project_id,
                        k.location_id, k.key_ring_id, k.crypto_key_id)
    k.version_name = k.version_id and k.key_name .. "/cryptoKeyVersions/" .. k.version_id
    return k
end

return M
