# opsdeck — build, test, bench, install.  Plain make + pkg-config.
VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc

PKGS      := ncursesw yaml-0.1 libsystemd libgit2 mysqlclient hiredis libcurl libcjson zlib md4c libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-unused-parameter -Wvla -Wpointer-arith
CFLAGS    ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DOPSDECK_VERSION='"$(VERSION)"' -DLIBSYSTEMD_VERSION='"$(shell pkg-config --modversion libsystemd 2>/dev/null)"' $(WARN) -I. $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS    := -Wl,--as-needed $(PKG_LIBS) -lpthread -lm $(EXTRA_LDFLAGS)

CORE_SRC    := $(wildcard core/*.c)
WIDGETS_SRC := $(wildcard widgets/*.c)
TUI_SRC     := $(wildcard tui/*.c)
CLI_SRC     := $(filter-out cli/main.c,$(wildcard cli/*.c))
CORE_OBJ    := $(CORE_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ     := $(CORE_OBJ) $(WIDGETS_SRC:%.c=$(BUILD)/%.o) $(TUI_SRC:%.c=$(BUILD)/%.o) $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB         := $(BUILD)/libopsdeck.a
BIN         := $(BUILD)/opsdeck

UNIT_SRC    := $(wildcard tests/unit/test_*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC    := $(wildcard tests/tools/*.c)
TOOL_BIN    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
BENCH_SRC   := $(wildcard bench/*.c)
BENCH_BIN   := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps check unit cli-tests demo bench install uninstall clean check-layers format-check
all: $(BIN)

deps:
	@./scripts/install-deps.sh

Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(BUILD)/cli/main.o $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB) $(LDLIBS) -lcmocka

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB) $(LDLIBS)

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TOOL_BIN) $(RELIABILITY_BIN)
	@$(MAKE) --no-print-directory check-layers
	@BUILD=$(BUILD) ./tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@./scripts/demo.sh $(BIN)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) ./bench/run.sh

check-layers:
	@./scripts/check-layers.sh

CLANG_FORMAT ?= $(shell command -v clang-format-16 || command -v clang-format-15 || echo clang-format)

format-check:
	@$(CLANG_FORMAT) --dry-run -Werror $(CORE_SRC) $(wildcard core/*.h) $(WIDGETS_SRC) $(TUI_SRC) $(wildcard cli/*.c cli/*.h)

# make install PREFIX=/usr/local DESTDIR=...: the binary, the man pages, the bash and
# zsh completions, the example plans and the themes; make uninstall removes exactly
# those, and the share/opsdeck directories once empty.
INST_DIR      = $(DESTDIR)$(PREFIX)
INST_EXAMPLES = $(notdir $(wildcard examples/*.yaml))
INST_THEMES   = $(notdir $(wildcard themes/*.theme))

install: $(BIN)
	install -d $(INST_DIR)/bin $(INST_DIR)/share/man/man1 $(INST_DIR)/share/man/man5 \
	    $(INST_DIR)/share/bash-completion/completions $(INST_DIR)/share/zsh/site-functions \
	    $(INST_DIR)/share/opsdeck/examples
	install -m 0755 $(BIN) $(INST_DIR)/bin/opsdeck
	install -m 0644 man/opsdeck.1 $(INST_DIR)/share/man/man1/opsdeck.1
	install -m 0644 man/opsdeck-plan.5 $(INST_DIR)/share/man/man5/opsdeck-plan.5
	install -m 0644 completions/opsdeck.bash $(INST_DIR)/share/bash-completion/completions/opsdeck
	install -m 0644 completions/_opsdeck $(INST_DIR)/share/zsh/site-functions/_opsdeck
	install -m 0644 $(addprefix examples/,$(INST_EXAMPLES)) $(INST_DIR)/share/opsdeck/examples/
	$(if $(INST_THEMES),install -d $(INST_DIR)/share/opsdeck/themes)
	$(if $(INST_THEMES),install -m 0644 $(addprefix themes/,$(INST_THEMES)) $(INST_DIR)/share/opsdeck/themes/)

uninstall:
	rm -f $(INST_DIR)/bin/opsdeck $(INST_DIR)/share/man/man1/opsdeck.1 \
	    $(INST_DIR)/share/man/man5/opsdeck-plan.5 \
	    $(INST_DIR)/share/bash-completion/completions/opsdeck \
	    $(INST_DIR)/share/zsh/site-functions/_opsdeck
	rm -f $(addprefix $(INST_DIR)/share/opsdeck/examples/,$(INST_EXAMPLES))
	rm -f $(addprefix $(INST_DIR)/share/opsdeck/themes/,$(INST_THEMES))
	for d in themes examples; do \
	    if [ -d $(INST_DIR)/share/opsdeck/$$d ]; then rmdir --ignore-fail-on-non-empty $(INST_DIR)/share/opsdeck/$$d; fi; \
	done
	if [ -d $(INST_DIR)/share/opsdeck ]; then rmdir --ignore-fail-on-non-empty $(INST_DIR)/share/opsdeck; fi

clean:
	rm -rf $(BUILD)

# check-asan, check-crash, fuzz, fuzz-replay, check-valgrind
include tests/reliability.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
