# client/docker (docker): the start-to-READY bench against the real daemon
# of the test bed (tests/docker/setup, as root).
#   make bench-docker     create / start / inspect / setup times, RUNS=5
bench-docker: $(O)/$(PROG)
	$(Q)R8PLAY=$(O)/$(PROG) python3 tests/bench/bench_docker.py
.PHONY: bench-docker
BENCH_SEQ += bench-docker
