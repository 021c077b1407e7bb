# tests/mk/tui.mk: the TUI's build pieces (helper "tui").
#   themes/*.theme compiled in    -> $(O)/gen/themes_builtin.inc
#   tests/pty/pty_harness         forkpty + libvterm driver for tests/pty/
#   make golden-update            rewrite tests/screen/expected/ from the app
#   make screenshots              real xterm under Xvfb -> screenshots/*.png
#   make bench-tui                time to first frame, RSS, key latency

THEME_FILES := $(sort $(wildcard themes/*.theme))
$(O)/gen/themes_builtin.inc: $(THEME_FILES) tests/mk/tui.mk
	@mkdir -p $(@D)
	$(Q)for f in $(THEME_FILES); do \
	  n=$$(basename $$f .theme); \
	  printf '{ "%s",\n' "$$n"; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/  "/' -e 's/$$/\\n"/' $$f; \
	  printf '},\n'; \
	done >$@.tmp && mv $@.tmp $@
$(O)/themes/theme.o: $(O)/gen/themes_builtin.inc
$(O)/themes/theme.o: CPPFLAGS += -I$(O)/gen
GEN += $(O)/gen/themes_builtin.inc

# PTY harness: C, forkpty() + libvterm.
VTERM_CFLAGS := $(call pc_cflags,vterm)
VTERM_LIBS   := $(or $(call pc_libs,vterm),-lvterm)
PTY_HARNESS  := $(O)/tests/pty_harness
$(PTY_HARNESS): tests/pty/pty_harness.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(VTERM_CFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(VTERM_LIBS) -lutil
TEST_BIN += $(if $(wildcard tests/pty/pty_harness.c),$(PTY_HARNESS))

golden-update: $(O)/$(PROG)
	$(Q)GOLDEN_UPDATE=1 O=$(O) R8PLAY=$(O)/$(PROG) ROOT=$(CURDIR) python3 tests/screen/test_screens.py

# Only `make screenshots` needs these (a real xterm under Xvfb).
SCREENSHOT_PKGS := xterm xvfb xdotool imagemagick x11-utils fonts-dejavu-core
screenshot-deps:
	$(Q)missing=$$(for p in $(SCREENSHOT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "screenshot-deps: installing" $$missing; \
	    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing) >/dev/null || exit 1; \
	  else \
	    echo "screenshot-deps: missing packages; run: sudo apt-get install -y" $$missing; exit 1; \
	  fi; \
	fi

screenshots: screenshot-deps $(O)/$(PROG)
	$(Q)O=$(O) R8PLAY=$(O)/$(PROG) ROOT=$(CURDIR) python3 tests/screen/screenshots.py

bench-tui: $(O)/$(PROG)
	$(Q)O=$(O) R8PLAY=$(O)/$(PROG) ROOT=$(CURDIR) python3 tests/bench/bench_tui.py

.PHONY: golden-update bench-tui screenshot-deps
