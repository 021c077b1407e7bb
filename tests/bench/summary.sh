#!/bin/sh
# tests/bench/summary.sh FILE: make bench's summary table (markdown) from
# the lines benches appended to FILE: case, r8play med, min, max, peer
# name, peer med, min, max (tab-separated, ms; "-" when there is no peer).
# ratio = r8play median / peer median (below 1: r8play is faster).
[ -s "${1:-}" ] || { echo "bench: no summary lines"; exit 0; }
awk -F '\t' '
BEGIN {
	print "| case | r8play ms: median [min-max] | peer ms: median [min-max] | ratio |"
	print "|---|---|---|---|"
}
{
	peer = $5 == "-" ? "-" : sprintf("%s %s [%s-%s]", $5, $6, $7, $8)
	ratio = ($5 == "-" || $6 + 0 == 0) ? "-" : sprintf("%.2f", $2 / $6)
	printf "| %s | %s [%s-%s] | %s | %s |\n", $1, $2, $3, $4, peer, ratio
}' "$1"
