# tests/mk/cli.mk: the command line's build pieces (helper "cli").
#   tui/cli/*.c                  into libtui.a (no curses: lint-deps)
#   $(O)/man/r8play.1            the man page, from the command tables
#   $(O)/completions/r8play.bash, _r8play   bash and zsh completions
#   make install                 also installs those three
CLI_SRC := $(wildcard tui/cli/*.c)
$(LIB_tui): $(call obj,$(CLI_SRC))

CLI_MAN  := $(O)/man/r8play.1
CLI_BASH := $(O)/completions/r8play.bash
CLI_ZSH  := $(O)/completions/_r8play
$(CLI_MAN): $(O)/$(PROG)
	@mkdir -p $(@D)
	$(Q)$(O)/$(PROG) --man >$@.tmp && mv $@.tmp $@
$(CLI_BASH): $(O)/$(PROG)
	@mkdir -p $(@D)
	$(Q)$(O)/$(PROG) --completion bash >$@.tmp && mv $@.tmp $@
$(CLI_ZSH): $(O)/$(PROG)
	@mkdir -p $(@D)
	$(Q)$(O)/$(PROG) --completion zsh >$@.tmp && mv $@.tmp $@
cli-docs: $(CLI_MAN) $(CLI_BASH) $(CLI_ZSH)
all: cli-docs
build-tests: cli-docs

install: install-cli-docs
install-cli-docs: cli-docs
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(CLI_MAN) $(DESTDIR)$(PREFIX)/share/man/man1/r8play.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 $(CLI_BASH) $(DESTDIR)$(PREFIX)/share/bash-completion/completions/r8play
	install -d $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0644 $(CLI_ZSH) $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_r8play
.PHONY: cli-docs install-cli-docs
