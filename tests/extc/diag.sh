#!/bin/sh
# Golden diagnostics: extc -v on each tests/extc/diag/NAME.ext must print
# exactly the error and note lines of NAME.expect
# ("NAME.ext:LINE:COL: error: MESSAGE" or "...: note: ..."), in order, each
# followed by its source line and a caret under column COL, and exit with
# status 1 if errors are expected, else 0.  One TAP test per expected
# line, plus one per file for the exit status and no unexpected lines.
#
#   tests/extc/diag.sh EXTC DIR
extc=$1 dir=$2
total=0
for e in "$dir"/*.expect; do total=$((total + 1 + $(grep -c . "$e"))); done
echo "1..$total"
t=0
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
for e in "$dir"/*.expect; do
	src=${e%.expect}.ext name=$(basename "$src")
	(cd "$dir" && "$extc" -v -o /dev/null "$name") >"$out" 2>&1
	rc=$?
	want_rc=0
	grep -q ': error: ' "$e" && want_rc=1
	while IFS= read -r want; do
		t=$((t + 1))
		# the caret line two lines below the message: column = its length - 1
		col=${want#*:*:}; col=${col%%:*}
		got=$(awk -v w="$want" '$0 == w { getline; getline; print length($0) - 1; exit }' "$out")
		if [ -z "$got" ]; then
			echo "not ok $t - $want: not reported"
		elif [ "$got" != "$col" ]; then
			echo "not ok $t - $want: caret at column $got"
		else
			echo "ok $t - $want"
		fi
	done < "$e"
	t=$((t + 1))
	unexpected=$(grep ': error: \|: note: ' "$out" | grep -vxF -f "$e")
	order=$(grep ': error: \|: note: ' "$out" | grep -xF -f "$e" | diff - "$e" >/dev/null && echo same)
	if [ $rc -eq $want_rc ] && [ -z "$unexpected" ] && [ "$order" = same ]; then
		echo "ok $t - $name: exit $rc, messages in order, none unexpected"
	else
		echo "not ok $t - $name: exit $rc, order ${order:-differs}"
		printf '%s\n' "$unexpected" | sed 's/^/#   unexpected: /'
	fi
done
exit 0
