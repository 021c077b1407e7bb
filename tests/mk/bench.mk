# make bench: every benchmark, one after another (never two at once, even
# under make -j: they time wall clocks), then one summary table of the
# cases with a peer or a budget: case, r8play, peer, ratio; each figure the
# median of its runs with [min-max] (tests/bench/summary.sh). Each bench
# appends its lines to $BENCH_SUMMARY; the fragments add their bench to
# BENCH_SEQ (BENCH_SEQ += bench-cog). A bench that fails does not stop the
# others: the table comes out, the failed ones are named, make bench fails.
BENCH_SUMMARY_FILE := build/bench-summary.tsv
BENCH_SEQ := bench-render bench-tui bench-client
bench:
	@mkdir -p $(dir $(BENCH_SUMMARY_FILE))
	$(Q)rm -f $(BENCH_SUMMARY_FILE)
	$(Q)failed=; for t in $(BENCH_SEQ); do \
	  echo "== make $$t (load $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"; \
	  BENCH_SUMMARY=$(abspath $(BENCH_SUMMARY_FILE)) \
	    $(MAKE) --no-print-directory $$t || failed="$$failed $$t"; \
	  echo; \
	done; \
	echo "== summary (load $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"; \
	tests/bench/summary.sh $(BENCH_SUMMARY_FILE); \
	if [ -n "$$failed" ]; then echo "bench: failed:$$failed"; exit 1; fi
.PHONY: bench
