#!/bin/sh
# tests/screen/fake-editor.sh: $EDITOR for screen tests: replaces the file
# with a fixed long prompt over two lines, as a person would in vi; with
# FAKE_EDITOR_LINES set, with those lines instead ('|' between them).
if [ -n "${FAKE_EDITOR_LINES:-}" ]; then
	printf '%s\n' "$FAKE_EDITOR_LINES" | tr '|' '\n' >"$1"
	exit 0
fi
printf 'a watercolour fox in a snowy birch forest,\nsoft morning light\n' >"$1"
