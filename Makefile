# r8play: non-recursive GNU make. `make help` lists the targets.
#   make                 optimised build with debug info (-O2 -g) in build/default
#   make BUILD=debug     -O0 -g3 in build/debug   make BUILD=release
#   make BUILD=asan test sanitizer test run     make test / make demo / make run
#   make deps            install what is missing (Debian packages, npm lockfile)
#   make lint-deps       module include boundaries    make fuzz    make screenshots
#
# BUILD is default | debug | release | asan; one object tree per flavour so sanitizer
# objects never mix with plain ones. O can be overridden to give a parallel
# worker its own tree. (No trailing comments on assignment lines: make keeps
# the spaces before '#'.)
.DEFAULT_GOAL := all
PROG       := r8play
VERSION    := 0.1.0
BUILD      ?= default
O          ?= build/$(BUILD)
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
DESTDIR    ?=

CSTD     := -std=c11
CPPFLAGS += -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -DR8PLAY_VERSION='"$(VERSION)"' -I.
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wpointer-arith -Wformat=2 \
            -Wundef -Wvla -Wcast-qual -Wimplicit-fallthrough -Wno-format-nonliteral
CFLAGS_default := -O2 -g
CFLAGS_debug   := -O0 -g3
CFLAGS_release := -O2 -DNDEBUG
SAN            := -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS_asan    := -O1 -g -fno-omit-frame-pointer $(SAN)
LDFLAGS_asan   := $(SAN)
CFLAGS   += $(CSTD) $(WARN) $(CFLAGS_$(BUILD))
LDFLAGS  += $(LDFLAGS_$(BUILD))

# ncursesw's .pc adds -D_XOPEN_SOURCE=600 -D_DEFAULT_SOURCE: drop them, we set our own
pc_cflags = $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null))
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)
CURSES_CFLAGS := $(call pc_cflags,ncursesw)
CURSES_LIBS   := $(call pc_libs,ncursesw)
# libcjson's .pc adds -I/usr/include/cjson: sources write #include <cJSON.h>
NET_CFLAGS    := $(call pc_cflags,libcurl libcjson)
NET_LIBS      := $(call pc_libs,libcurl libcjson)
# client/gpu loads NVML with dlopen (-ldl: part of libc since glibc 2.34).
# stb_image: Debian's libstb-dev ships headers without a .pc we rely on;
# render/ compiles the one implementation itself (with our limits).
IMG_CFLAGS    := $(call pc_cflags,libsixel libwebp spng libturbojpeg) -isystem /usr/include/stb
# r8play encodes sixel itself (render/sixel.c says why); libsixel decodes
# sixel in the tests, so only test, fuzz and bench programs link it.
IMG_LIBS      := $(call pc_libs,libwebp spng libturbojpeg) -lpthread -lm
SIXEL_LIBS    := $(call pc_libs,libsixel)
# libyaml: client/project only (cog.yaml).
YAML_CFLAGS   := $(call pc_cflags,yaml-0.1)
YAML_LIBS     := $(or $(call pc_libs,yaml-0.1),-lyaml)
# SQLite: client/history/ only (the run history)
SQLITE_CFLAGS := $(call pc_cflags,sqlite3)
SQLITE_LIBS   := $(call pc_libs,sqlite3)
PROG_LIBS      = $(CURSES_LIBS) $(NET_LIBS) $(SQLITE_LIBS) $(IMG_LIBS) $(YAML_LIBS) -lutil -lm -ldl
ALL_LIBS       = $(PROG_LIBS) $(SIXEL_LIBS)

MODULES     := themes client render widgets tui
THEMES_SRC  := $(wildcard themes/*.c)
CLIENT_SRC  := $(wildcard client/*.c client/*/*.c)
RENDER_SRC  := $(wildcard render/*.c)
WIDGETS_SRC := $(wildcard widgets/*.c)
TUI_SRC     := $(filter-out tui/main.c,$(wildcard tui/*.c tui/view/*.c))
obj = $(patsubst %.c,$(O)/%.o,$(1))

$(call obj,$(CLIENT_SRC)):  CPPFLAGS += $(NET_CFLAGS)
$(call obj,$(wildcard client/project/*.c)): CPPFLAGS += $(YAML_CFLAGS)
$(call obj,$(wildcard client/history/*.c)): CPPFLAGS += $(SQLITE_CFLAGS)
$(call obj,$(RENDER_SRC)):  CPPFLAGS += $(IMG_CFLAGS)
$(call obj,$(WIDGETS_SRC)): CPPFLAGS += $(CURSES_CFLAGS)
$(call obj,$(TUI_SRC) tui/main.c): CPPFLAGS += $(CURSES_CFLAGS)

# One static archive per module: a unit test links only the archives of the
# module it tests (and of what that module may include).
LIB_themes  := $(O)/lib/libthemes.a
LIB_client  := $(O)/lib/libclient.a
LIB_render  := $(O)/lib/librender.a
LIB_widgets := $(O)/lib/libwidgets.a
LIB_tui     := $(O)/lib/libtui.a
$(LIB_themes):  $(call obj,$(THEMES_SRC))
$(LIB_client):  $(call obj,$(CLIENT_SRC))
$(LIB_render):  $(call obj,$(RENDER_SRC))
$(LIB_widgets): $(call obj,$(WIDGETS_SRC))
$(LIB_tui):     $(call obj,$(TUI_SRC))
$(O)/lib/%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(Q)ar rcs $@ $^

# Link order: tui first, leaves last.
LINK_tui     := $(LIB_tui) $(LIB_widgets) $(LIB_client) $(LIB_render) $(LIB_themes)
LINK_widgets := $(LIB_widgets) $(LIB_themes)
LINK_client  := $(LIB_client)
LINK_render  := $(LIB_render)
LINK_themes  := $(LIB_themes)

all: $(O)/$(PROG)
$(O)/$(PROG): $(call obj,tui/main.c) $(LINK_tui)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PROG_LIBS)

# Module fragments (tests/mk/*.mk) add helper programs (TEST_BIN), fuzz
# targets, benches and generated headers (GEN: compiled-in data files every
# object waits for). Included before the pattern rule below, whose
# prerequisites are expanded as it is read.
GEN      :=
TEST_BIN :=
include $(sort $(wildcard tests/mk/*.mk))

$(O)/%.o: %.c | $(GEN)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# ---- unit tests: tests/unit/t_<module>[_topic].c -> $(O)/tests/t_<...>
UNIT_SRC := $(wildcard tests/unit/t_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))
unit_mod = $(firstword $(subst _, ,$(patsubst t_%,%,$(basename $(notdir $(1))))))
define unit_rule
$(O)/tests/$(basename $(notdir $(1))): $(1) $$(LINK_$(call unit_mod,$(1)))
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CPPFLAGS) $$(CURSES_CFLAGS) $$(NET_CFLAGS) $$(IMG_CFLAGS) $$(CFLAGS) -MMD -MP -o $$@ $(1) $$(filter %.a,$$^) $$(ALL_LIBS)
endef
$(foreach t,$(UNIT_SRC),$(eval $(call unit_rule,$(t))))


build-tests: $(O)/$(PROG) $(UNIT_BIN) $(TEST_BIN)

# ---- the commands a person types
test: deps
	$(Q)$(MAKE) --no-print-directory build-tests
	$(Q)BUILD=$(BUILD) O=$(O) R8PLAY=$(O)/$(PROG) tests/run

check: test

run: $(O)/$(PROG)
	$(O)/$(PROG)

# The demo needs the build and python3 (the fakes), nothing of the tests:
# no npm, no Prism, no test-only packages.
demo: deps-demo
	$(Q)$(MAKE) --no-print-directory $(O)/$(PROG)
	$(Q)R8PLAY=$(O)/$(PROG) tests/demo

# Debian packages: what building r8play needs, what the demo adds, and
# what the tests, fuzzing and screenshots add (DEB_PKGS, what CI installs).
# The benchmark's peers (img2sixel, chafa) are installed by make bench.
BUILD_PKGS := make gcc pkg-config libncurses-dev libcurl4-openssl-dev \
              libcjson-dev libstb-dev libwebp-dev libspng-dev libturbojpeg0-dev \
              libyaml-dev libsqlite3-dev
DEMO_PKGS  := $(BUILD_PKGS) python3
DEB_PKGS   := $(DEMO_PKGS) libsixel-dev libvterm-dev \
              tmux clang libclang-rt-14-dev nodejs npm
NPM_DIR  := tests/conformance
# apt_need PKGS: install those of PKGS that are missing (root), or say how
apt_need = missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || \
	  { [ $$p = npm ] && command -v npm >/dev/null; } || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing" $$missing; \
	    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing) >/dev/null || exit 1; \
	  else \
	    echo "deps: missing packages; run: sudo apt-get install -y" $$missing; exit 1; \
	  fi; \
	fi
deps-demo:
	$(Q)$(call apt_need,$(DEMO_PKGS))
# npm ci empties node_modules first: through a link (a worktree sharing
# another checkout's) it would empty the other one, so a link is left alone.
deps:
	$(Q)$(call apt_need,$(DEB_PKGS))
	$(Q)if [ -L $(NPM_DIR)/node_modules ]; then \
	  echo "deps: $(NPM_DIR)/node_modules is a link (shared): no npm ci here"; \
	elif [ -f $(NPM_DIR)/package-lock.json ] && \
	   { [ ! -d $(NPM_DIR)/node_modules ] || [ $(NPM_DIR)/package-lock.json -nt $(NPM_DIR)/node_modules/.package-lock.json ]; }; then \
	  echo "deps: npm ci in $(NPM_DIR)"; \
	  (cd $(NPM_DIR) && npm ci --no-audit --no-fund --loglevel=error) >/dev/null || exit 1; \
	fi

# Module boundaries (STYLE.md 2.1). tests/lint/test_lint_deps proves this
# fails when a forbidden include is added. LINT_ROOT lets that test point it
# at a scratch copy.
LINT_ROOT ?= .
lint-deps:
	$(Q)tests/lint/lint-deps $(LINT_ROOT)

# The README's key table is generated from the key tables (tui/keys.c);
# tests/lint/test_readme.sh fails when it is stale.
readme-keys: $(O)/$(PROG)
	$(Q)$(O)/$(PROG) --list-keys >$(O)/keys.md
	$(Q)awk -v f=$(O)/keys.md '/<!-- keys:end -->/ { while ((getline l < f) > 0) print l; skip = 0 } !skip { print } /<!-- keys:begin -->/ { skip = 1 }' README.md >$(O)/README.md.new
	$(Q)mv $(O)/README.md.new README.md

install: $(O)/$(PROG)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(O)/$(PROG) $(DESTDIR)$(PREFIX)/bin/$(PROG)

fmt:
	clang-format -i $(wildcard */*.[ch] tests/*/*.[ch])

clean:
	rm -rf build

help:
	@echo 'r8play make targets (BUILD=$(BUILD), objects in $(O)):'
	@echo '  make               build $(O)/$(PROG); the default flavour is optimised'
	@echo '                     with debug info (-O2 -g) in build/default'
	@echo '  make BUILD=debug   -O0 -g3 in build/debug (for a debugger)'
	@echo '  make BUILD=release -O2 -DNDEBUG in build/release (make install uses it)'
	@echo '  make BUILD=asan    ASan+UBSan in build/asan (make BUILD=asan test)'
	@echo '  make demo          install what the demo needs, build, run against local fakes'
	@echo '  make run           build and start the TUI'
	@echo '  make test          install what is missing, build, run every suite'
	@echo '                     (T_FILTER=regex tests/run for a subset)'
	@echo '  make deps          install missing Debian packages and the npm lockfile'
	@echo '  make lint-deps     module include boundaries'
	@echo '  make fuzz          every fuzz target for FUZZ_SECONDS; fuzz-smoke: quick'
	@echo '  make bench         every benchmark, one at a time, and one summary table'
	@echo '                     (bench-render, bench-tui, bench-client, bench-cog, bench-cost,'
	@echo '                     bench-docker, bench-schema, bench-history, bench-history-tui,'
	@echo '                     bench-dev)'
	@echo '  make screenshots   README screenshots from a real xterm under Xvfb'
	@echo '  make install PREFIX=/usr/local    make clean    make fmt'

Q := $(if $(V),,@)
.PHONY: all build-tests test check run demo deps deps-demo help lint-deps readme-keys install fmt clean fuzz screenshots bench
-include $(shell find $(O) -name '*.d' 2>/dev/null)
