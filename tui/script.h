/*
 * tui/script.h: the test driver behind the hidden `--script FILE
 * --dump-dir DIR` mode (tig's TIG_SCRIPT analogue). Keys come from the
 * script instead of the tty; ncurses runs headless on /dev/null; `dump`
 * writes the virtual screen to DIR/NAME.screen. Steps, one per line
 * ('#' comments):
 *	key NAME...        keys by name: j <Down> <C-r> <Enter> <Esc>
 *	type TEXT          each character of TEXT as a key
 *	wait idle          until no request, timer or run is pending
 *	wait text TEXT     until TEXT is on the screen
 *	resize W H         the terminal becomes W x H
 *	dump NAME          write the screen to DIR/NAME.screen
 *	dump-style NAME    write each cell's theme role to DIR/NAME.style
 *	sleep-ms N         let N ms pass (events still run)
 *	click X Y          a mouse click at column X, row Y (0-based)
 *	wheel up|down      the mouse wheel
 * A wait gives up after SCRIPT_WAIT_MS (R8PLAY_SCRIPT_WAIT_MS overrides
 * it, 1000 to 600000): the dump NAME.screen is written
 * anyway (for the diff) and the exit status is 3.
 */
#ifndef PG_TUI_SCRIPT_H
#define PG_TUI_SCRIPT_H

#include <stddef.h>

#define SCRIPT_MAX_BYTES	(256 * 1024)
#define SCRIPT_MAX_STEPS	4096
#define SCRIPT_WAIT_MS		20000

struct app;
struct script;

/* Load and check a script. NULL with "FILE:LINE: what" in err. */
struct script *script_load(const char *path, const char *dump_dir,
    char *err, size_t errsz);
void script_free(struct script *s);

/* Run steps until one has to wait. Returns 0 to go on, 1 when the script
 * is finished (app->exit_code set). */
int script_step(struct script *s, struct app *app);

/* How long the loop may sleep before the script wants to look again. */
int script_timeout_ms(const struct script *s, const struct app *app,
    int timeout);

/* Write the virtual screen (stdscr) to path, one line per row, trailing
 * blanks cut, wide characters once. 0 or -1. */
int script_dump(const char *path);
int script_dump_style(const char *path);

#endif
