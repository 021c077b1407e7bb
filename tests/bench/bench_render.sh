#!/usr/bin/env bash
# tests/bench/bench_render.sh (make bench-render): r8play show against
# img2sixel and chafa -f sixels on photo-like pictures: a 1024x1024 PNG
# (the corgi fixture upscaled 2x, bilinear, plus fixed grain), the same as
# JPEG (quality 90) and WebP (quality 80, Replicate's default format), and
# a 2048x2048 PNG, each into a 640x640 box; and the 1024 PNG into an 80x24
# pane of 10x20 px cells (480x480).
#
# Per input, first the stage table: render_tool stages runs the code of
# `r8play show` (render_prepare) in one process and prints the median ms of
# read, decode, scale, quantise, encode and write. Then per tool the whole
# process: median, min and max wall time over RUNS runs, output bytes, PSNR
# of the sixel decoded with libsixel against the source area-averaged to
# the decoded size. No assertions (benchmarks never fail a build).
#
# When BENCH_SUMMARY names a file, one line per case is appended to it for
# make bench's summary: case, r8play med/min/max, the faster peer's name and
# med/min/max (tab-separated, ms).
# Env: R8PLAY (binary), RENDER_TOOL, O, RUNS (default 11), BENCH_SUMMARY.
set -u
cd "$(dirname "$0")/../.."
O=${O:-build/default}
R8PLAY=${R8PLAY:-$O/r8play}
TOOL=${RENDER_TOOL:-$O/bench/render_tool}
RUNS=${RUNS:-11}
work=$O/bench
mkdir -p "$work"
src=tests/fixtures/images/sdxl-corgi-512.png
p1024=$work/photo1024.png p2048=$work/photo2048.png
j1024=$work/photo1024.jpg w1024=$work/photo1024.webp
[ -f "$p1024" ] || "$TOOL" gen "$src" "$p1024" 1024 || exit 1
[ -f "$p2048" ] || "$TOOL" gen "$src" "$p2048" 2048 || exit 1
[ -f "$j1024" ] || "$TOOL" jpeg "$p1024" "$j1024" 90 || exit 1
[ -f "$w1024" ] || "$TOOL" webp "$p1024" "$w1024" 80 || exit 1

# times CMD...: RUNS whole-process runs, output in $out; prints "med min max"
times() {
	local i t0 t1 ts=()
	for ((i = 0; i < RUNS; i++)); do
		t0=$EPOCHREALTIME
		"$@" >"$out" 2>/dev/null
		t1=$EPOCHREALTIME
		ts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{ v[NR] = $1 }
		END { print v[int((NR + 1) / 2)], v[1], v[NR] }'
}

declare -A med mn mx
row() { # KEY NAME SRC CMD...: one tool's line; fills med/mn/mx[KEY]
	local key=$1 name=$2 ref=$3 t bytes q
	shift 3
	if ! command -v "$1" >/dev/null 2>&1; then
		printf '  %-20s %s\n' "$name" "(not installed)"
		return
	fi
	out=$work/out.$$.six
	t=$(times "$@")
	bytes=$(wc -c <"$out")
	if [ "$bytes" -eq 0 ]; then
		printf '  %-20s %s\n' "$name" "(no output: cannot read this input)"
		rm -f "$out"
		return
	fi
	set -- $t
	med[$key]=$1 mn[$key]=$2 mx[$key]=$3
	q=$("$TOOL" psnr "$ref" "$out" 2>/dev/null || echo "- - -")
	set -- $q
	printf '  %-20s %7s %7s %7s %9s %7s %9s\n' "$name" "${med[$key]}" \
	    "${mn[$key]}" "${mx[$key]}" "$bytes" "$1" "${2}x${3}"
	rm -f "$out"
}

summary() { # CASE: r8play against the faster of img2sixel and chafa
	local c=$1 peer=
	[ -n "${med[$c.r8]:-}" ] || return
	for p in img2sixel chafa; do
		[ -n "${med[$c.$p]:-}" ] || continue
		if [ -z "$peer" ] || awk -v a="${med[$c.$p]}" -v b="${med[$c.$peer]}" \
		    'BEGIN { exit !(a < b) }'; then
			peer=$p
		fi
	done
	[ -n "$peer" ] || return
	printf '  r8play / %s (faster peer): %s\n' "$peer" "$(awk -v a="${med[$c.r8]}" \
	    -v b="${med[$c.$peer]}" 'BEGIN { printf "%.2f", a / b }')"
	[ -z "${BENCH_SUMMARY:-}" ] || printf 'render %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
	    "$c" "${med[$c.r8]}" "${mn[$c.r8]}" "${mx[$c.r8]}" "$peer" \
	    "${med[$c.$peer]}" "${mn[$c.$peer]}" "${mx[$c.$peer]}" >>"$BENCH_SUMMARY"
}

printf 'r8play show vs img2sixel vs chafa -f sixels: whole process, %d runs each, ms\n' "$RUNS"
for c in png1024 jpeg1024 webp1024 png2048; do
	case $c in
	png1024) f=$p1024 ;; jpeg1024) f=$j1024 ;;
	webp1024) f=$w1024 ;; png2048) f=$p2048 ;;
	esac
	printf '\n%s: %s into a 640x640 box\n' "$c" "$f"
	printf '  stages (render_prepare, median ms): %s\n' \
	    "$("$TOOL" stages "$f" 640 640 "$RUNS")"
	printf '  %-20s %7s %7s %7s %9s %7s %9s\n' tool median min max bytes PSNR size
	row "$c.r8" "r8play show" "$f" "$R8PLAY" show --graphics sixel --width 640 --height 640 "$f"
	row "$c.img2sixel" "img2sixel" "$f" img2sixel -w 640 -h 640 "$f"
	row "$c.chafa" "chafa -f sixels" "$f" chafa -f sixels --font-ratio 1/1 -s 80x80 "$f"
	summary "$c"
done
c=pane80x24
printf '\n%s: %s into 80x24 cells of 10x20 px (480x480)\n' "$c" "$p1024"
printf '  %-20s %7s %7s %7s %9s %7s %9s\n' tool median min max bytes PSNR size
row "$c.r8" "r8play show" "$p1024" "$R8PLAY" show --graphics sixel --cols 80 --rows 24 --cell 10x20 "$p1024"
row "$c.img2sixel" "img2sixel" "$p1024" img2sixel -w 480 -h 480 "$p1024"
row "$c.chafa" "chafa -f sixels" "$p1024" chafa -f sixels --font-ratio 1/1 -s 60x60 "$p1024"
summary "$c"
exit 0
