-- KmsEncrytSymmetric -- Pylogen's README spelling of KmsEncryptSymmetric: the
-- same CUT, loaded from the file beside this one (CUTs are loaded with
-- loadfile, not require, so the path comes from this file's own).
return assert(loadfile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "KmsEncryptSymmetric.lua"))()
