# render/: bench helper and the bench-render target.
#   make bench-render   r8play show vs img2sixel vs chafa -f sixels (a table),
#                       on a release build in build/bench-render
RENDER_TOOL := $(O)/bench/render_tool
$(RENDER_TOOL): tests/bench/render_tool.c $(LINK_render)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(IMG_CFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)
TEST_BIN += $(RENDER_TOOL)

RENDER_BENCH_O := build/bench-render
bench-render:
	$(Q)$(MAKE) --no-print-directory BUILD=release O=$(RENDER_BENCH_O) \
	    $(RENDER_BENCH_O)/$(PROG) $(RENDER_BENCH_O)/bench/render_tool
	$(Q)O=$(RENDER_BENCH_O) R8PLAY=$(RENDER_BENCH_O)/$(PROG) \
	    RENDER_TOOL=$(RENDER_BENCH_O)/bench/render_tool \
	    tests/bench/bench_render.sh
.PHONY: bench-render
