# tests/mk/cost.mk: the cost module's generated price table.
# client/cost/prices.tsv is the data; client/cost/prices.awk turns it into a C string
# literal that client/cost/cost.c includes and parses at start-up with the same
# parser as the user's prices file (so the shipped file is always in the
# documented format). tests/bench/bench_cost.c: `make bench-cost`.
COST_PRICES_INC := $(O)/gen/client/cost/prices.inc
GEN += $(COST_PRICES_INC)

$(COST_PRICES_INC): client/cost/prices.tsv client/cost/prices.awk
	@mkdir -p $(@D)
	$(Q)awk -f client/cost/prices.awk client/cost/prices.tsv > $@.tmp && mv $@.tmp $@

$(O)/client/cost/cost.o: $(COST_PRICES_INC)
$(O)/client/cost/cost.o: CPPFLAGS += -I$(O)/gen

BENCH_COST := $(O)/bench/bench_cost
$(BENCH_COST): tests/bench/bench_cost.c $(LINK_client)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)
TEST_BIN += $(BENCH_COST)

COST_BENCH_O := build/bench-cost
bench-cost:
	$(Q)$(MAKE) --no-print-directory BUILD=release O=$(COST_BENCH_O) \
	    $(COST_BENCH_O)/bench/bench_cost
	$(Q)$(COST_BENCH_O)/bench/bench_cost
BENCH_SEQ += bench-cost
.PHONY: bench-cost
