#!/bin/sh
# The docs stay true: every ```ext block of the given Markdown files
# compiles with extc, and docs/language.md names every kernel helper of
# include/nimble/helpers.h and every context field of include/nimble/hooks.h.
#
#   tests/extc/docs.sh EXTC WORKDIR file.md...
extc=$1 work=$2; shift 2
mkdir -p "$work" || exit 2
lang=docs/language.md
helpers=$(sed -n 's/^[[:space:]]*X([A-Z_]*, *"\([a-z_0-9]*\)".*/\1/p' include/nimble/helpers.h)
fields=$(sed -n 's/^[[:space:]]*X([A-Z_]*, *"[a-z]*", *F(\([a-z_0-9]*\)).*/\1/p' include/nimble/hooks.h | sort -u)
blocks=0
for f in "$@"; do blocks=$((blocks + $(grep -c '^```ext$' "$f"))); done
n=$((blocks + $(echo $helpers | wc -w) + $(echo $fields | wc -w)))
echo "1..$n"
t=0
for f in "$@"; do
	# split the ext blocks into files named after their first line
	rm -f "$work/$(basename "$f" .md)"-*.ext
	awk -v dir="$work" -v base="$(basename "$f" .md)" '
		/^```ext$/ { inb = 1; n++; start = NR + 1; out = dir "/" base "-" start ".ext"; printf "" > out; next }
		/^```/ && inb { inb = 0; close(out); next }
		inb { print > out }' "$f"
	for b in $(ls "$work/$(basename "$f" .md)"-*.ext 2>/dev/null | sort -t- -k2 -n); do
		t=$((t + 1))
		line=${b##*-}; line=${line%.ext}
		if msg=$("$extc" -o "${b%.ext}.nx" "$b" 2>&1); then
			echo "ok $t - $f:$line: example compiles"
		else
			echo "not ok $t - $f:$line: example does not compile"
			printf '%s\n' "$msg" | sed 's/^/#   /'
		fi
	done
done
for h in $helpers; do
	t=$((t + 1))
	if grep -q "\`[a-z0-9 ]*$h(" "$lang"; then echo "ok $t - $lang documents helper $h"
	else echo "not ok $t - $lang does not document helper $h"; fi
done
for fl in $fields; do
	t=$((t + 1))
	if grep -q "ctx\.$fl\b\|ctx\.[a-z]*\[i\]\.$fl\b" "$lang"; then echo "ok $t - $lang documents ctx.$fl"
	else echo "not ok $t - $lang does not document context field $fl"; fi
done
exit 0
