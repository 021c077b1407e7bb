#!/usr/bin/env bash
# The README tells the truth: its key table is what `r8play --list-keys`
# prints (regenerate with `make readme-keys`), the screenshots it shows
# exist, and it names the two set-up commands.
set -u
cd "$(dirname "$0")/../.."
R8PLAY=${R8PLAY:-build/default/r8play}
pass=0 fail=0
ok() { if [ "$1" = 0 ]; then pass=$((pass+1)); echo "ok   $2"; else fail=$((fail+1)); echo "FAIL $2"; fi; }

table=$(sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' README.md | sed '1d;$d')
want=$("$R8PLAY" --list-keys)
[ -n "$table" ] && [ "$table" = "$want" ]; ok $? "README key table matches r8play --list-keys (make readme-keys)"
if [ "$table" != "$want" ]; then diff <(echo "$want") <(echo "$table") | head -20; fi

shots=$(grep -oE 'screenshots/[A-Za-z0-9_.-]+\.png' README.md | sort -u)
[ -n "$shots" ]; ok $? "README shows screenshots"
for s in $shots; do
	[ -s "$s" ]; ok $? "$s exists"
done
grep -q '^make demo' README.md; ok $? "README names make demo"
grep -q '^make test' README.md; ok $? "README names make test"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
