#!/bin/sh
# tests/screen/fake-editor.sh: $EDITOR for screen tests: replaces the file
# with a fixed long prompt over two lines, as a person would in vi.
printf 'a watercolour fox in a snowy birch forest,\nsoft morning light\n' >"$1"
