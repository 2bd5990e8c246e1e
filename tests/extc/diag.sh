#!/bin/sh
# Golden diagnostics: extc must reject each tests/extc/diag/NAME.ext with
# exit status 1 and print exactly the error lines of NAME.expect
# ("NAME.ext:LINE:COL: error: MESSAGE"), in order, each followed by its
# source line and a caret under column COL.  One TAP test per expected
# error, plus one per file for the exit status and no unexpected errors.
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
	(cd "$dir" && "$extc" -o /dev/null "$name") >"$out" 2>&1
	rc=$?
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
	unexpected=$(grep ': error: ' "$out" | grep -vxF -f "$e")
	order=$(grep ': error: ' "$out" | grep -xF -f "$e" | diff - "$e" >/dev/null && echo same)
	if [ $rc -eq 1 ] && [ -z "$unexpected" ] && [ "$order" = same ]; then
		echo "ok $t - $name: exit 1, errors in order, none unexpected"
	else
		echo "not ok $t - $name: exit $rc, order ${order:-differs}"
		printf '%s\n' "$unexpected" | sed 's/^/#   unexpected: /'
	fi
done
exit 0
