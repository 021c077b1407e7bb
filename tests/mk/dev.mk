# client/project + tui/view/dev.c (the Cog dev loop): its reload against a
# restart of `cog serve` by hand (process; container with the test bed).
#   make bench-dev      save -> new form, RUNS=7 (container RUNS_DOCKER=3)
bench-dev: $(O)/$(PROG)
	$(Q)R8PLAY=$(O)/$(PROG) python3 tests/bench/bench_dev.py
.PHONY: bench-dev
BENCH_SEQ += bench-dev
