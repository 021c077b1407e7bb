# tests/mk/cost.mk: the cost module's generated price table.
# client/prices.tsv is the data; client/prices.awk turns it into a C string
# literal that client/cost.c includes and parses at start-up with the same
# parser as the user's prices file (so the shipped file is always in the
# documented format). tests/bench/bench_cost.c: `make bench-cost`.
COST_PRICES_INC := $(O)/gen/client/prices.inc
GEN += $(COST_PRICES_INC)

$(COST_PRICES_INC): client/prices.tsv client/prices.awk
	@mkdir -p $(@D)
	$(Q)awk -f client/prices.awk client/prices.tsv > $@.tmp && mv $@.tmp $@

$(O)/client/cost.o: $(COST_PRICES_INC)
$(O)/client/cost.o: CPPFLAGS += -I$(O)/gen
