# client/ (client-core): the compiled-in catalogue snapshot, unit-test
# helpers, the bench and the fuzz seeds.
#   make bench-client      parse times of every fixture, requests per run

# client/replicate/snapshot.json -> decimal byte list included by client/replicate/snapshot.c
# (od instead of xxd -i: od is in coreutils everywhere).
CLIENT_SNAPSHOT_INC := $(O)/gen/client/replicate/snapshot.inc
$(CLIENT_SNAPSHOT_INC): client/replicate/snapshot.json tests/mk/client.mk
	@mkdir -p $(@D)
	$(Q)od -An -v -tu1 client/replicate/snapshot.json | \
	    sed -e 's/^ *//' -e 's/  */,/g' -e 's/$$/,/' >$@.tmp && mv $@.tmp $@
GEN += $(CLIENT_SNAPSHOT_INC)
$(O)/client/replicate/snapshot.o: $(CLIENT_SNAPSHOT_INC)
$(O)/client/replicate/snapshot.o: CPPFLAGS += -I$(O)/gen

# The bench: a release build of its own, run from the repo root.
BENCH_CLIENT := $(O)/bench/bench_client
$(BENCH_CLIENT): tests/bench/bench_client.c $(LINK_client)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(NET_CFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)
TEST_BIN += $(BENCH_CLIENT)

CLIENT_BENCH_O := build/bench-client
bench-client:
	$(Q)$(MAKE) --no-print-directory BUILD=release O=$(CLIENT_BENCH_O) \
	    $(CLIENT_BENCH_O)/bench/bench_client
	$(Q)ROOT=$(CURDIR) $(CLIENT_BENCH_O)/bench/bench_client
.PHONY: bench-client
