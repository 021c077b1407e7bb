#!/usr/bin/env bash
# The module boundaries hold on the tree, and the check really fails when a
# forbidden include is added (one case per rule).
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "ok   $2"; else fail=$((fail+1)); echo "FAIL $2"; fi; }

out=$(tests/lint/lint-deps . 2>&1); rc=$?
ok $rc "tree passes lint-deps${out:+: $out}"
make -s --no-print-directory lint-deps >/dev/null 2>&1; ok $? "make lint-deps passes"

scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
try() { # try DIR/FILE INCLUDE: lint must fail once the include is added
	rm -rf "$scratch"/*
	cp -r client render widgets tui themes "$scratch"/
	mkdir -p "$scratch/$(dirname "$1")"
	printf '#include %s\n' "$2" >"$scratch/$1"
	tests/lint/lint-deps "$scratch" >/dev/null 2>&1
	[ $? -ne 0 ]; ok $? "forbidden: $2 in $1"
}
try client/bad.c '<curses.h>'
try render/bad.h '<ncursesw/ncurses.h>'
try tui/bad.c '<curl/curl.h>'
try widgets/bad.c '<cJSON.h>'
try client/bad.c '<sixel.h>'
try tui/bad.c '"stb_image.h"'
try widgets/bad.c '<webp/decode.h>'
try themes/bad.c '<stdio.h>
#include <curses.h>'
try widgets/bad.c '"client/net/client.h"'
try widgets/bad.c '"../render/image.h"'
try client/bad.c '"tui/app.h"'
try client/net/bad.c '<yaml.h>'
try client/bad.c '<yaml.h>'
try tui/bad.c '<yaml.h>'
try tui/cli/bad.c '<curses.h>'
try tui/cli/bad.h '<ncursesw/ncurses.h>'
try client/bad.c '<sqlite3.h>'
try client/net/bad.c '<sqlite3.h>'
try tui/bad.c '<sqlite3.h>'
try client/cost/bad.c '<cJSON.h>'
try client/cost/bad.h '<curl/curl.h>'
try client/forms/bad.c '<curl/curl.h>'
try client/files/bad.c '<cJSON.h>'
try client/files/bad.c '"client/net/rc.h"'
# and a permitted one passes
rm -rf "$scratch"/*; cp -r client render widgets tui themes "$scratch"/
printf '#include "themes/theme.h"\n' >"$scratch/widgets/good.c"
tests/lint/lint-deps "$scratch" >/dev/null 2>&1; ok $? "allowed: themes/ from widgets/"
rm -rf "$scratch"/*; cp -r client render widgets tui themes "$scratch"/
printf '#include <yaml.h>\n' >"$scratch/client/project/good.c"
tests/lint/lint-deps "$scratch" >/dev/null 2>&1; ok $? "allowed: yaml.h in client/project/"
mkdir -p "$scratch/client/history"
printf '#include <sqlite3.h>\n' >"$scratch/client/history/good.c"
tests/lint/lint-deps "$scratch" >/dev/null 2>&1; ok $? "allowed: sqlite3 in client/history/"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
