# make bench: every benchmark, one after another (never two at once: they
# time wall clocks), then one summary table of the cases that have a peer
# or a budget: case, r8play, peer, ratio; each figure the median of its
# runs with [min-max]. Benches add their lines through BENCH_SUMMARY
# (tests/bench/summary.sh prints the table). bench-schema, bench-cost and
# bench-cog are prerequisites of bench in their own fragments and print
# their own tables before these.
BENCH_SUMMARY_FILE := build/bench-summary.tsv
BENCH_SEQ := bench-render bench-tui bench-client
bench:
	@mkdir -p $(dir $(BENCH_SUMMARY_FILE))
	$(Q)rm -f $(BENCH_SUMMARY_FILE)
	$(Q)for t in $(BENCH_SEQ); do \
	  echo "== make $$t"; \
	  BENCH_SUMMARY=$(abspath $(BENCH_SUMMARY_FILE)) $(MAKE) --no-print-directory $$t || exit 1; \
	  echo; \
	done
	$(Q)tests/bench/summary.sh $(BENCH_SUMMARY_FILE)
.PHONY: bench
