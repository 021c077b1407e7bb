# Fuzz targets: tests/fuzz/fuzz_<module>_<topic>.c, each a libFuzzer entry
# point linked against its module's archive built with clang and ASan+UBSan.
#   make fuzz                 every target for FUZZ_SECONDS (default 60) each
#   make fuzz FUZZ=schema     only targets whose name contains "schema"
# Seeds: tests/fuzz/corpus/<target>/; dictionary: tests/fuzz/<target>.dict.
FUZZ_SECONDS ?= 60
FUZZ         ?=
CFLAGS_fuzz  := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -DR8PLAY_FUZZ
LDFLAGS_fuzz := -fsanitize=address,undefined
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(FUZZ_SRC))
fuzz_mod = $(firstword $(subst _, ,$(patsubst fuzz_%,%,$(basename $(notdir $(1))))))
define fuzz_rule
$(O)/fuzz/$(basename $(notdir $(1))): $(1) $$(LINK_$(call fuzz_mod,$(1)))
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CPPFLAGS) $$(NET_CFLAGS) $$(IMG_CFLAGS) $$(CFLAGS) -fsanitize=fuzzer -o $$@ $$(filter %.c %.a,$$^) $$(ALL_LIBS)
endef
ifeq ($(BUILD),fuzz)
$(foreach t,$(FUZZ_SRC),$(eval $(call fuzz_rule,$(t))))
endif
fuzz-build: $(FUZZ_BIN)
fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=fuzz CC=clang fuzz-build
	$(Q)tests/fuzz/run build/fuzz/fuzz $(FUZZ_SECONDS) '$(FUZZ)'
.PHONY: fuzz-build
