# client/ (client-core): the compiled-in catalogue snapshot, unit-test
# helpers, the bench and the fuzz seeds.
#   make bench-client      parse times of every fixture, requests per run

# client/snapshot.json -> decimal byte list included by client/snapshot.c
# (od instead of xxd -i: od is in coreutils everywhere).
CLIENT_SNAPSHOT_INC := $(O)/gen/client/snapshot.inc
$(CLIENT_SNAPSHOT_INC): client/snapshot.json tests/mk/client.mk
	@mkdir -p $(@D)
	$(Q)od -An -v -tu1 client/snapshot.json | \
	    sed -e 's/^ *//' -e 's/  */,/g' -e 's/$$/,/' >$@.tmp && mv $@.tmp $@
GEN += $(CLIENT_SNAPSHOT_INC)
$(O)/client/snapshot.o: $(CLIENT_SNAPSHOT_INC)
$(O)/client/snapshot.o: CPPFLAGS += -I$(O)/gen
