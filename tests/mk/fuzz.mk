# Fuzz targets: tests/fuzz/fuzz_<module>_<topic>.c, each a libFuzzer entry
# point linked against its module's archive built with clang and ASan+UBSan.
#   make fuzz                 every target for FUZZ_SECONDS (default 60) each
#   make fuzz FUZZ=schema     only targets whose name contains "schema"
#   make fuzz-smoke           build every target, run each over its corpus
#                             plus FUZZ_RUNS (default 2000) inputs; fails on
#                             any crash (quick enough for CI)
# Seeds: tests/fuzz/corpus/<target>/; dictionary: tests/fuzz/<target>.dict.
# Both build in FUZZ_O (default build/fuzz) whatever O says, under a lock
# (flock) so two `make fuzz` at once never write the same objects; a
# target is linked to a hidden temporary name and renamed, so a running
# fuzzer or tests/fuzz/run never sees a half-written binary. A target may
# #include a module's .c (to reach static parsers): its dependencies are
# tracked (-MMD) so it is relinked when that file changes.
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= 2000
FUZZ_SMOKE_SECONDS ?= 60
FUZZ         ?=
FUZZ_O       ?= build/fuzz
FUZZ_JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CFLAGS_fuzz  := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -DR8PLAY_FUZZ
LDFLAGS_fuzz := -fsanitize=address,undefined
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(FUZZ_SRC))
fuzz_mod = $(firstword $(subst _, ,$(patsubst fuzz_%,%,$(basename $(notdir $(1))))))
define fuzz_rule
$(O)/fuzz/$(basename $(notdir $(1))): $(1) $$(LINK_$(call fuzz_mod,$(1)))
	@mkdir -p $$(@D)
	$$(Q)tmp=$$(@D)/.$$(@F).$$$$$$$$; \
	$$(CC) $$(CPPFLAGS) $$(NET_CFLAGS) $$(IMG_CFLAGS) $$(CFLAGS) -MMD -MP -MT $$@ -MF $$@.d -fsanitize=fuzzer -o $$$$tmp $$(filter tests/fuzz/%.c %.a,$$^) $$(ALL_LIBS) && \
	mv -f $$$$tmp $$@ || { rm -f $$$$tmp; exit 1; }
endef
ifeq ($(BUILD),fuzz)
$(foreach t,$(FUZZ_SRC),$(eval $(call fuzz_rule,$(t))))
endif
fuzz_lock = $(if $(shell command -v flock 2>/dev/null),flock $(FUZZ_O).lock)
fuzz_jobs = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(FUZZ_JOBS))
fuzz_make = @mkdir -p $(dir $(FUZZ_O)) && $(fuzz_lock) $(MAKE) --no-print-directory $(fuzz_jobs) BUILD=fuzz CC=clang O=$(FUZZ_O) fuzz-build
fuzz-build: $(FUZZ_BIN)
fuzz:
	$(fuzz_make)
	$(Q)tests/fuzz/run $(FUZZ_O)/fuzz $(FUZZ_SECONDS) '$(FUZZ)'
fuzz-smoke:
	$(fuzz_make)
	$(Q)FUZZ_RUNS=$(FUZZ_RUNS) tests/fuzz/run $(FUZZ_O)/fuzz $(FUZZ_SMOKE_SECONDS) '$(FUZZ)'
.PHONY: fuzz-build fuzz fuzz-smoke
