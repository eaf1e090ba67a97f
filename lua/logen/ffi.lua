-- logen.ffi -- the C functions of the worker, declared once for the FFI.
-- These prototypes mirror src/lg_ffi.h (a test checks they agree). They
-- never raise and never call back into Lua; times are ns on the run clock.
-- The record types and rc codes they take come from src/record.h through
-- logen.record (built by src/lrt.c), never written here.
local ffi = require "ffi"

ffi.cdef [[
double lg_ffi_now(void);
int lg_ffi_sleep_until(double t_ns);
int lg_ffi_stopping(void);
void lg_ffi_cut_enter(int step, const char *manager, size_t len);
int lg_ffi_cut_leave(void);
void lg_ffi_request_begin(const char *manager, size_t mlen, const char *name, size_t nlen,
                          double begin_ns);
int lg_ffi_request_end(void);
double lg_ffi_timeout(void);
int lg_ffi_name(const char *s, size_t len);
void lg_ffi_text(const char *s, size_t len);
void lg_ffi_record(int type, int rc, int name, int step, double opcount, double tra,
                   double begin_ns, double end_ns, double inlen, double outlen);
void lg_ffi_start(double t_ns);
void lg_ffi_log(int level, const char *s, size_t len);
int lg_ffi_verbosity(void);
int lg_ffi_job_take(double *job);
void lg_ffi_job_done(const double *job, double begin_ns, double end_ns, int requests, int dropped);
int lg_ffi_sched_start(int n);
void lg_ffi_sched_enter(int i);
int lg_ffi_sched_wait(int *ready);
]]

return { C = ffi.C }
