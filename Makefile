# logen -- one Makefile for the binary, the tests, the demo and the benchmark.
#
#   make            build build/logen
#   make run        install what is missing, build, run a real demo load
#   make test       install what is missing, build, run every test (TAP, prove)
#   make bench      the throughput and memory benchmarks, then the soak
#   make soak       the soak alone: 2 x SOAK_SECONDS (default 600) flat-memory runs
#   make install    PREFIX=/usr/local: bin/logen, share/logen/{lua,cuts,scenarios}
#   make asan       the same binary with ASan + UBSan, in build/asan/
#   make fuzz       the libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each
#   make valgrind   a short closed and a short open run under memcheck
#
# Variables: OPT (default -O2), SANITIZER (e.g. address,undefined), V=1 shows
# full commands. Objects live under build/ (build/asan/ for a sanitizer
# build); a flags stamp rebuilds everything when the flags change.

PREFIX      ?= /usr/local
DESTDIR     ?=
OPT         ?= -O2
SANITIZER   ?=
CC          ?= cc
PKG_CONFIG  ?= pkg-config

ifeq ($(SANITIZER),)
B := build
else
B := build/asan
endif

LUAJIT_CFLAGS := $(shell $(PKG_CONFIG) --cflags luajit 2>/dev/null || echo -I/usr/include/luajit-2.1)
LUAJIT_LIBS   := $(shell $(PKG_CONFIG) --libs luajit 2>/dev/null || echo -lluajit-5.1)
CURL_CFLAGS   := $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS     := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
SSL_LIBS      := $(shell $(PKG_CONFIG) --libs libssl libcrypto 2>/dev/null || echo -lssl -lcrypto)
JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
JANSSON_LIBS  := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)
ZLIB_LIBS     := $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz)
# Debian's lua5.1-cjson.pc pulls in PUC Lua 5.1: link the static library
# directly, its lua_* symbols come from LuaJIT.
CJSON_LIBS    := -l:liblua5.1-cjson.a

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?=
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -g $(OPT) $(WARN) $(LUAJIT_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) \
              -DLG_PREFIX='"$(PREFIX)"' $(CFLAGS)
ALL_LDFLAGS := -Wl,--dynamic-list=src/lg_ffi.dyn $(LDFLAGS)
LIBS := $(LUAJIT_LIBS) $(CJSON_LIBS) $(CURL_LIBS) $(SSL_LIBS) $(JANSSON_LIBS) $(ZLIB_LIBS) -lm

ifneq ($(SANITIZER),)
ALL_CFLAGS  += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZER)
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

SRCS     := $(wildcard src/*.c)
OBJS     := $(patsubst src/%.c,$(B)/obj/%.o,$(SRCS))
# the HTML report's page, generated from src/report/ (rule below)
OBJS     += $(B)/obj/report_page.o
LIB_OBJS := $(filter-out $(B)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

.PHONY: all run test unit-bins bench soak install clean asan deps fuzz fuzz-bins valgrind FORCE
.DEFAULT_GOAL := all

all: $(B)/logen

deps:
	@third_party/install-deps.sh

$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)' | cmp -s - $@ || \
	    echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)' > $@

$(B)/obj/%.o: src/%.c $(B)/.flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The HTML report's sources, compiled in so an installed logen needs no
# data file (src/report/embed.sh: od and awk).
REPORT_PAGE := html=src/report/report.html css=src/report/report.css chart=src/report/chart.js \
               js=src/report/report.js

$(B)/gen/report_page.c: $(patsubst %,src/report/%,report.html report.css chart.js report.js) \
                        src/report/embed.sh
	@mkdir -p $(@D)
	@$(if $(Q),echo "GEN $@")
	$(Q)sh src/report/embed.sh $(REPORT_PAGE) > $@.tmp && mv $@.tmp $@

$(B)/obj/report_page.o: $(B)/gen/report_page.c $(B)/.flags
	@$(if $(Q),echo "CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -MMD -MP -c $< -o $@

$(B)/logen: $(OBJS) src/lg_ffi.dyn
	@$(if $(Q),echo "LD $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $(OBJS) $(LIBS) -o $@

$(B)/tests/%: tests/unit/%.c $(LIB_OBJS) tests/unit/tap.h $(B)/.flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -MMD -MP $(ALL_LDFLAGS) $< $(LIB_OBJS) $(LIBS) -o $@

$(B)/bench/%: tests/bench/%.c $(LIB_OBJS) $(B)/.flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -MMD -MP $(ALL_LDFLAGS) $< $(LIB_OBJS) $(LIBS) -o $@
-include $(B)/bench/bench_hist.d

asan:
	$(MAKE) SANITIZER=address,undefined OPT=-O1

unit-bins: $(UNIT_BINS)

# The unit tests run sanitized (ASan + UBSan); the end-to-end tests drive
# the optimised binary as a user would, and sanitized.t replays typical runs
# with the sanitized one. One prove run, one closing line.
ASAN_UNIT_BINS := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRCS))
E2E_TESTS := $(wildcard tests/e2e/*.t)

test: deps
	$(MAKE) all
	$(MAKE) SANITIZER=address,undefined OPT=-O1 all unit-bins
	$(MAKE) fuzz-bins
	LOGEN=$(CURDIR)/build/logen FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) \
	    prove --exec '' $(ASAN_UNIT_BINS) $(E2E_TESTS) tests/fuzz/fuzz.t

# Fuzzing: libFuzzer targets built by clang with ASan + UBSan over the pure
# parsers (options, --defaults, schedule and burst, units, scenario lines,
# a summary JSON read back and merged).
# tests/fuzz/fuzz.t replays tests/fuzz/regressions/, then runs each target
# FUZZ_SECONDS from its seeds (tests/fuzz/corpus/), growing build/fuzz/corpus/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 30
FUZZ_NAMES   := cli defaults schedule scenario summary
FUZZ_LIB     := cli cli_bounds cli_defaults cli_help schedule units scenario infile mem threshold \
                results results_load results_merge results_merge_check jread hist hist_v2 \
                summary_json threshold_eval
FUZZ_OBJS    := $(patsubst %,build/fuzz/obj/%.o,$(FUZZ_LIB))
FUZZ_BINS    := $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) $(JANSSON_CFLAGS) -Isrc \
                -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

build/fuzz/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' | cmp -s - $@ || echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' > $@

build/fuzz/obj/%.o: src/%.c build/fuzz/.flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "FUZZCC $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS) build/fuzz/.flags
	@$(if $(Q),echo "FUZZLD $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP $< $(FUZZ_OBJS) $(JANSSON_LIBS) $(ZLIB_LIBS) -lm -o $@

fuzz-bins: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_OBJS)

fuzz: fuzz-bins
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/fuzz.t

# memcheck over short closed, open and crypto runs of build/logen, every
# process followed; make test runs the same file among the e2e tests.
valgrind: deps
	$(MAKE) all
	LOGEN=$(CURDIR)/build/logen tests/e2e/valgrind.t

run: deps
	$(MAKE) all
	tests/demo.sh

bench: deps
	$(MAKE) all build/bench/bench_hist
	tests/bench/bench.sh
	tests/bench/http.sh
	tests/bench/soak.sh

soak: deps
	$(MAKE) all
	tests/bench/soak.sh

# What make install ships: these files only, never a user's experiments
# lying in cuts/ or scenarios/ (install.t checks the lists against git).
SHIPPED_CUTS      := cuts/Dummy.lua cuts/Sbgc01.lua cuts/KmsEncryptSymmetric.lua \
                     cuts/KmsEncrytSymmetric.lua cuts/KmsSignature.lua cuts/KmsDefault.json
SHIPPED_SCENARIOS := scenarios/Scenario.txt scenarios/demo.txt scenarios/mixed.txt scenarios/shape.txt
# the recipes for running shards on a cluster engine (README, Shards)
SHIPPED_DEPLOY    := scenarios/deploy/ssh.sh scenarios/deploy/slurm/logen.sbatch \
                     scenarios/deploy/kubernetes/logen-job.yaml

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/logen/lua/logen/gcp \
	    $(DESTDIR)$(PREFIX)/share/logen/cuts $(DESTDIR)$(PREFIX)/share/logen/scenarios
	install -m 755 build/logen $(DESTDIR)$(PREFIX)/bin/logen
	install -m 644 lua/logen/*.lua $(DESTDIR)$(PREFIX)/share/logen/lua/logen/
	install -m 644 lua/logen/gcp/*.lua $(DESTDIR)$(PREFIX)/share/logen/lua/logen/gcp/
	install -m 644 $(SHIPPED_CUTS) $(DESTDIR)$(PREFIX)/share/logen/cuts/
	install -m 644 $(SHIPPED_SCENARIOS) $(DESTDIR)$(PREFIX)/share/logen/scenarios/
	for f in $(SHIPPED_DEPLOY); do install -D -m $$(test -x $$f && echo 755 || echo 644) \
	    $$f $(DESTDIR)$(PREFIX)/share/logen/$$f || exit 1; done
	install -m 644 src/summary-1.schema.json $(DESTDIR)$(PREFIX)/share/logen/

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d) $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
