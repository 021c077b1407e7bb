# make fuzz-long: every fuzz target for FUZZ_LONG_SECONDS (default 600) each,
# one at a time (never in parallel: the long run is meant to own one core),
# then a table: target, execs, result. FUZZ=topic narrows it like `make fuzz`.
# FUZZ_LONG_SHARD=K/N runs every Nth target from the Kth (see the runner).
# Builds through fuzz.mk's locked fuzz-build; the runner is tests/hostile/fuzz_long.
FUZZ_LONG_SECONDS ?= 600
fuzz-long:
	$(fuzz_make)
	$(Q)tests/hostile/fuzz_long $(FUZZ_O)/fuzz $(FUZZ_LONG_SECONDS) '$(FUZZ)'
.PHONY: fuzz-long
