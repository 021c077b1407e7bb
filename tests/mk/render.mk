# render/: bench helper and the bench-render target.
#   make bench-render            r8play show vs img2sixel vs chafa (table)
RENDER_TOOL := $(O)/bench/render_tool
$(RENDER_TOOL): tests/bench/render_tool.c $(LINK_render)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(IMG_CFLAGS) $(CFLAGS) -o $@ $^ $(ALL_LIBS)
TEST_BIN += $(RENDER_TOOL)

bench-render: $(O)/$(PROG) $(RENDER_TOOL)
	$(Q)O=$(O) R8PLAY=$(O)/$(PROG) RENDER_TOOL=$(RENDER_TOOL) \
	    tests/bench/bench_render.sh
.PHONY: bench-render
