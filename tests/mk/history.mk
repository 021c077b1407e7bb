# tests/mk/history.mk: the run history (client/history/): its bench.
#   make bench-history     100,000 runs: record, list, filter, search times
#                          (BENCH_HISTORY_RUNS=N for another size)
#   make bench-history-tui the history screen on 100,000 runs (times)
BENCH_HISTORY := $(O)/bench/bench_history
$(BENCH_HISTORY): tests/bench/bench_history.c $(LINK_client)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(NET_CFLAGS) $(SQLITE_CFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)
TEST_BIN += $(BENCH_HISTORY)

HISTORY_BENCH_O := build/bench-history
bench-history:
	$(Q)$(MAKE) --no-print-directory BUILD=release O=$(HISTORY_BENCH_O) \
	    $(HISTORY_BENCH_O)/bench/bench_history
	$(Q)$(HISTORY_BENCH_O)/bench/bench_history
BENCH_SEQ += bench-history
.PHONY: bench-history

# make bench-history-tui: the TUI's history screen (R) on 100,000 runs:
# open, filter by model/status/text, jump to the end (query times).
bench-history-tui: $(O)/$(PROG)
	$(Q)O=$(O) R8PLAY=$(O)/$(PROG) ROOT=$(CURDIR) \
	    python3 tests/bench/bench_history_tui.py
BENCH_SEQ += bench-history-tui
.PHONY: bench-history-tui
