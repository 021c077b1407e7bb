# client/cog + client/listener (client-cog): the webhook path's bench.
#   make bench-cog      parse, merge and loopback webhook costs
BENCH_COG := $(O)/bench/bench_cog
$(BENCH_COG): tests/bench/bench_cog.c $(LINK_client)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(NET_CFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)
TEST_BIN += $(BENCH_COG)

COG_BENCH_O := build/bench-cog
bench-cog:
	$(Q)$(MAKE) --no-print-directory BUILD=release O=$(COG_BENCH_O) \
	    $(COG_BENCH_O)/bench/bench_cog
	$(Q)$(COG_BENCH_O)/bench/bench_cog
BENCH_SEQ += bench-cog
.PHONY: bench-cog
