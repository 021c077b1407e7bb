#!/usr/bin/env bash
# tests/bench/bench_render.sh: r8play show vs img2sixel vs chafa on one
# 1024x1024 photo-like PNG (generated from the corgi fixture: bilinear 2x
# plus fixed grain), for a 640x640 box and an 80x24-cell pane of 10x20 px
# cells (a 480x480 picture). Per tool: median wall time of the whole
# process over RUNS runs, output bytes, PSNR of the decoded sixel (libsixel)
# against the source area-averaged to the decoded size. Prints a table; no
# assertions (benchmarks never fail a build).
# Env: R8PLAY (binary, a release build for fair times), RENDER_TOOL, O,
# RUNS (default 9).
set -u
cd "$(dirname "$0")/../.."
O=${O:-build/release}
R8PLAY=${R8PLAY:-$O/r8play}
TOOL=${RENDER_TOOL:-$O/bench/render_tool}
RUNS=${RUNS:-9}
work=$O/bench
mkdir -p "$work"
photo=$work/photo1024.png
[ -f "$photo" ] || "$TOOL" gen tests/fixtures/images/sdxl-corgi-512.png "$photo" || exit 1

median_ms() { # CMD... > output file in $out
	local i t0 t1 times=()
	for ((i = 0; i < RUNS; i++)); do
		t0=$EPOCHREALTIME
		"$@" >"$out" 2>/dev/null
		t1=$EPOCHREALTIME
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

row() { # CASE TOOL CMD...
	local case=$1 name=$2 ms bytes q
	shift 2
	if ! command -v "$1" >/dev/null 2>&1; then
		printf '%-14s %-22s %s\n' "$case" "$name" "(not installed)"
		return
	fi
	out=$work/out.$$.six
	ms=$(median_ms "$@")
	bytes=$(wc -c <"$out")
	q=$("$TOOL" psnr "$photo" "$out" 2>/dev/null || echo "- - -")
	set -- $q
	printf '%-14s %-22s %8s %10s %8s %9s\n' "$case" "$name" "$ms" "$bytes" "$1" "${2}x${3}"
	rm -f "$out"
}

printf 'input: %s (1024x1024), median of %d runs, whole process\n\n' "$photo" "$RUNS"
printf '%-14s %-22s %8s %10s %8s %9s\n' case tool ms bytes PSNR size
for c in box640 pane80x24; do
	if [ $c = box640 ]; then
		row $c "r8play show" "$R8PLAY" show --graphics sixel --width 640 --height 640 "$photo"
		row $c "img2sixel" img2sixel -w 640 -h 640 "$photo"
		row $c "img2sixel -d none" img2sixel -d none -w 640 -h 640 "$photo"
		row $c "chafa -f sixels" chafa -f sixels --font-ratio 1/1 -s 80x80 "$photo"
	else
		row $c "r8play show" "$R8PLAY" show --graphics sixel --cols 80 --rows 24 --cell 10x20 "$photo"
		row $c "img2sixel" img2sixel -w 480 -h 480 "$photo"
		row $c "img2sixel -d none" img2sixel -d none -w 480 -h 480 "$photo"
		row $c "chafa -f sixels" chafa -f sixels --font-ratio 1/1 -s 60x60 "$photo"
	fi
done
