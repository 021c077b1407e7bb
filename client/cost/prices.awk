# client/cost/prices.awk: client/cost/prices.tsv -> a C string literal (the shipped
# price table, parsed at start-up by cost_table_parse(), the same parser as
# the user's prices file). Fails the build on a data row that does not have
# 8 tab-separated columns, naming the line.
#   awk -f client/cost/prices.awk client/cost/prices.tsv > prices.inc
BEGIN {
	FS = "\t"
	print "/* generated from client/cost/prices.tsv by client/cost/prices.awk: do not edit */"
	print "static const char cost_prices_tsv[] ="
	rows = 0
}
{
	sub(/\r$/, "")
	if ($0 !~ /^[ ]*(#|@|$)/ && NF != 8) {
		printf "%s:%d: %d columns, want 8 (tab-separated)\n", FILENAME, FNR, NF > "/dev/stderr"
		bad = 1
		exit 1
	}
	if ($0 ~ /^[ ]*#/ || $0 ~ /^[ ]*$/)
		next
	if ($0 !~ /^@/)
		rows++
	line = $0
	gsub(/\\/, "\\\\", line)
	gsub(/"/, "\\\"", line)
	gsub(/\t/, "\\t", line)
	print "\t\"" line "\\n\""
}
END {
	if (bad)
		exit 1
	print "\t\"\";"
	print "#define COST_PRICES_TSV_ROWS " rows
}
