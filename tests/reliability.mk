# Reliability targets (issue 7), included by the Makefile:
#   make check-asan      the whole suite under ASan + UBSan (+ LeakSanitizer) in build-asan/
#   make check-crash     the full crash-safety sweep (tests/crash/)
#   make fuzz            each libFuzzer target for FUZZ_SECONDS (clang, build-fuzz/)
#   make fuzz-replay     replay the seed corpus through every target (any compiler)
#   make fuzz-merge      add what earlier fuzz runs found (new edges) to the corpus
#   make check-valgrind  the CLI suites and scripted panel sessions (tmux) with opsdeck
#                        under valgrind memcheck
# `make check` builds the replay drivers and the crash sweep and runs reduced
# versions of both (tests/cli/test_fuzz_replay.sh, tests/cli/test_crash.sh).

FUZZ_TARGETS := plan journal sanitize parsers
CORE_LIB     := $(BUILD)/libopsdeck-core.a
REPLAY_BIN   := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
CRASH_SRC    := $(wildcard tests/crash/sweep*.c)
CRASH_BIN    := $(BUILD)/crash/shim.so $(BUILD)/crash/crashsweep
RELIABILITY_BIN := $(REPLAY_BIN) $(CRASH_BIN)

ASAN_BUILD   ?= build-asan
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
SAN_FLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: test-bins check-asan check-crash fuzz fuzz-bins fuzz-replay fuzz-merge check-valgrind

# Everything the suites run, for the BUILD of this make (used with BUILD=build-asan).
test-bins: all $(UNIT_BIN) $(TOOL_BIN) $(RELIABILITY_BIN)

# The core alone: the fuzz targets and the sweep do not need the panel's objects.
$(CORE_LIB): $(CORE_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c tests/fuzz/fuzz.h $(wildcard tests/tools/*.h) $(CORE_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/replay_main.c $(CORE_LIB) $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(wildcard tests/tools/*.h) $(CORE_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Wno-missing-prototypes -o $@ $< $(CORE_LIB) $(LDLIBS)

# The shim is never sanitized: it is preloaded into sanitized and plain programs alike.
$(BUILD)/crash/shim.so: tests/crash/shim.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -shared -fPIC -o $@ $< -ldl

$(BUILD)/crash/crashsweep: $(CRASH_SRC) tests/crash/sweep.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $(CRASH_SRC) $(CORE_LIB) $(LDLIBS)

check-asan: deps
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN_FLAGS)" test-bins
	@BUILD=$(ASAN_BUILD) ./scripts/check-asan.sh

check-crash: deps
	@$(MAKE) --no-print-directory all $(TOOL_BIN) $(CRASH_BIN)
	@$(BUILD)/crash/crashsweep --opsdeck $(BIN) $(CRASH_ARGS)

# -Wno-error: the code is held to -Werror by gcc in `make check`; a warning only
# clang gives must not stop the fuzzing.
fuzz-bins:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="-O1 -g" \
		EXTRA_CFLAGS="$(SAN_FLAGS) -fsanitize=fuzzer-no-link -Wno-error" \
		$(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/fuzz_%)

fuzz: deps fuzz-bins
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh $(FUZZ_TARGETS)

# Add to the committed corpus the inputs of earlier `make fuzz` runs that reach an edge
# it does not (libFuzzer names them by their SHA-1).
fuzz-merge: fuzz-bins
	@for t in $(FUZZ_TARGETS); do printf '%-9s ' $$t; \
		$(FUZZ_BUILD)/fuzz/fuzz_$$t -merge=1 -use_counters=0 -max_len=65536 tests/fuzz/corpus/$$t \
		$(FUZZ_BUILD)/corpus/$$t 2>&1 | grep -o '[0-9]* new files.*' || echo; done

fuzz-replay: $(REPLAY_BIN)
	@for t in $(FUZZ_TARGETS); do printf '%-9s ' $$t; $(BUILD)/fuzz/replay_$$t tests/fuzz/corpus/$$t || exit 1; done

check-valgrind: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TOOL_BIN) $(RELIABILITY_BIN)
	@BUILD=$(BUILD) ./scripts/check-valgrind.sh
