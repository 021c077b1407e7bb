# render/: bench helper and the bench-render target.
#   make bench-render   r8play show vs img2sixel vs chafa -f sixels (a table),
#                       per input a stage table, then whole-process times
#                       of the default build (build/default)
RENDER_TOOL := $(O)/bench/render_tool
$(RENDER_TOOL): tests/bench/render_tool.c $(LINK_render)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(IMG_CFLAGS) $(CFLAGS) -o $@ $(filter %.c %.a,$^) $(ALL_LIBS)
TEST_BIN += $(RENDER_TOOL)

# The bench measures the default build (what `make` gives), in its own
# tree so a BUILD=asan or debug tree is never what is timed. Its peers are
# installed here, not through DEB_PKGS: only the bench needs them.
RENDER_BENCH_O := build/default
BENCH_PEER_PKGS := chafa libsixel-bin
bench-render:
	$(Q)$(call apt_need,$(BENCH_PEER_PKGS))
	$(Q)$(MAKE) --no-print-directory BUILD=default O=$(RENDER_BENCH_O) \
	    $(RENDER_BENCH_O)/$(PROG) $(RENDER_BENCH_O)/bench/render_tool
	$(Q)O=$(RENDER_BENCH_O) R8PLAY=$(RENDER_BENCH_O)/$(PROG) \
	    RENDER_TOOL=$(RENDER_BENCH_O)/bench/render_tool \
	    python3 tests/bench/bench_render.py
.PHONY: bench-render
