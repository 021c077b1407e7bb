# Forms (client/schema, form, share, schema_diff): the schema benchmark.
#   make bench-schema     parse/build time per recorded schema (release)
BENCH_SCHEMA := $(O)/bench/bench_schema
$(BENCH_SCHEMA): tests/bench/bench_schema.c $(LINK_client)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(NET_CFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)
TEST_BIN += $(BENCH_SCHEMA)

SCHEMA_BENCH_O := build/bench-schema
bench-schema:
	$(Q)$(MAKE) --no-print-directory BUILD=release O=$(SCHEMA_BENCH_O) \
	    $(SCHEMA_BENCH_O)/bench/bench_schema
	$(Q)$(SCHEMA_BENCH_O)/bench/bench_schema tests/fixtures
BENCH_SEQ += bench-schema
.PHONY: bench-schema
