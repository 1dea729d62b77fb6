# opsdeck — build, test, bench, install.  Plain make + pkg-config.
VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc

PKGS      := ncursesw yaml-0.1 libsystemd libgit2 mysqlclient hiredis libcurl libcjson zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-unused-parameter -Wvla -Wpointer-arith
CFLAGS    ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DOPSDECK_VERSION='"$(VERSION)"' -DLIBSYSTEMD_VERSION='"$(shell pkg-config --modversion libsystemd 2>/dev/null)"' $(WARN) -I. $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS    := $(PKG_LIBS) -lpthread -lm $(EXTRA_LDFLAGS)

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
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TOOL_BIN)
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

format-check:
	@clang-format --dry-run -Werror $(CORE_SRC) $(wildcard core/*.h) $(WIDGETS_SRC) $(TUI_SRC) $(wildcard cli/*.c cli/*.h)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/opsdeck/themes $(DESTDIR)$(PREFIX)/share/opsdeck/examples
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/opsdeck
	install -m 0644 examples/uplink-2.0.yaml $(DESTDIR)$(PREFIX)/share/opsdeck/examples/
	for t in themes/*.theme; do [ -e "$$t" ] && install -m 0644 "$$t" $(DESTDIR)$(PREFIX)/share/opsdeck/themes/ || true; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/opsdeck $(DESTDIR)$(PREFIX)/share/opsdeck/examples/uplink-2.0.yaml
	rm -f $(DESTDIR)$(PREFIX)/share/opsdeck/themes/*.theme
	-rmdir $(DESTDIR)$(PREFIX)/share/opsdeck/themes $(DESTDIR)$(PREFIX)/share/opsdeck/examples $(DESTDIR)$(PREFIX)/share/opsdeck

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
