#!/bin/sh
# Unmodified static Linux binaries on a node, compared with the host.
#
# usage: tests/linux/run.sh iso OUT KERNEL RUNNER BINDIR CASES
#          the ISO: the kernel, RUNNER as the PCT, and one GRUB module per
#          line of CASES, its command line "NAME [K=V]... ARGV0 [ARG]..."
#        tests/linux/run.sh test ISO BINDIR CASES
#          boot it once (the runner runs the cases one after the other),
#          run each case on the host too (env -i K=V... execas FILE ARGV0
#          ARG...), and compare stdout+stderr byte for byte and the exit
#          status.  TAP on stdout.
# BINDIR holds the binaries built from source and execas; FILE busybox is
# the host's (Debian busybox-static).
set -f    # case words like * are words, not patterns
verb=$1
shift

binpath() {
	if [ "$1" = busybox ]; then command -v busybox; else echo "$bindir/$1"; fi
}

cases() { grep -v '^#' "$1" | grep -v '^[[:space:]]*$'; }

if [ "$verb" = iso ]; then
	out=$1 kernel=$2 runner=$3 bindir=$4 list=$5
	tree=$out.d
	rm -rf "$tree" && mkdir -p "$tree/boot/grub" "$tree/boot/modules" || exit 1
	cp "$kernel" "$tree/boot/kernel.elf" && cp "$runner" "$tree/boot/modules/pct" || exit 1
	{
		printf 'set timeout=0\nset default=0\nmenuentry "Linux binaries" {\n'
		printf '\tmultiboot2 /boot/kernel.elf\n\tmodule2 /boot/modules/pct pct\n'
		cases "$list" | while read -r name file rest; do
			src=$(binpath "$file")
			base=$(basename "$src")
			[ -f "$tree/boot/modules/$base" ] || cp "$src" "$tree/boot/modules/$base" || exit 1
			printf '\tmodule2 /boot/modules/%s %s' "$base" "$name"
			# GRUB joins its quoted words with single spaces
			for w in $rest; do printf " '%s'" "$w"; done
			printf '\n'
		done
		printf '\tboot\n}\n'
	} > "$tree/boot/grub/grub.cfg" || exit 1
	grub-mkrescue -o "$out" "$tree" > "$tree.log" 2>&1 || { cat "$tree.log"; exit 1; }
	exit 0
fi

[ "$verb" = test ] || { echo "usage: $0 iso OUT KERNEL RUNNER BINDIR CASES | test ISO BINDIR CASES" >&2; exit 2; }
iso=$1 bindir=$2 list=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
tools/node.sh -i "$iso" -s 2 -t 300 > "$tmp/console.raw" 2>&1
node=$?
tr -d '\r' < "$tmp/console.raw" > "$tmp/console"

# section NAME: the bytes between "@@begin NAME" and "@@end NAME ..." (the
# newline the runner put before @@end included) into $tmp/act, and the
# rest of the @@end line into $tmp/end.
section() {
	awk -v name="$1" -v end="$tmp/end" '
		$0 == "@@begin " name { on = 1; next }
		on && index($0, "@@end " name " ") == 1 {
			print substr($0, length("@@end " name " ") + 1) > end; exit }
		on { print }' "$tmp/console" > "$tmp/act"
}

n=0 failed=0
ncases=$(cases "$list" | wc -l)
echo "1..$((ncases + 2))"
check() {   # check NAME STATUS
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then printf 'ok %d - %s\n' $n "$1"; else printf 'not ok %d - %s\n' $n "$1"; failed=$((failed + 1)); fi
}

cases "$list" > "$tmp/list"
while read -r name file rest; do
	env=""
	set -- $rest
	while [ $# -gt 0 ] && case $1 in *=*) true ;; *) false ;; esac; do env="$env $1"; shift; done
	# shellcheck disable=SC2086  # env and the arguments are word lists
	env -i $env "$bindir/execas" "$(binpath "$file")" "$@" > "$tmp/exp" 2>&1 </dev/null
	want=$?
	printf '\n' >> "$tmp/exp"
	rm -f "$tmp/end"
	section "$name"
	got=$(cat "$tmp/end" 2>/dev/null)
	# the kernel's reports of missing calls, apart from the program's bytes
	grep '^linux: ' "$tmp/act" | sed 's/(task [0-9]*)/(task N)/g' > "$tmp/reports"
	grep -v '^linux: ' "$tmp/act" > "$tmp/out"
	want_reports=tests/linux/$name.reports
	[ -f "$want_reports" ] || want_reports=/dev/null
	if [ "$got" = "exit $want" ] && cmp -s "$tmp/exp" "$tmp/out" &&
	   cmp -s "$want_reports" "$tmp/reports"; then
		check "$name: $file $*: same output and exit status $want as on the host" 0
	else
		check "$name: $file $*: same output and exit status $want as on the host" 1
		echo "# node: ${got:-no @@end line}; diff host node:"
		diff "$tmp/exp" "$tmp/out" | head -n 20 | sed 's/^/#   /'
		echo "# console reports, expected (<) and seen (>):"
		diff "$want_reports" "$tmp/reports" | head -n 10 | sed 's/^/#   /'
	fi
	last=$name
done < "$tmp/list"

# The comparison itself must see a difference of one byte: the last
# case's output with its first byte changed.
section "$last"
{ printf 'X'; tail -c +2 "$tmp/act"; } > "$tmp/bad"
! cmp -s "$tmp/bad" "$tmp/act"
check "the comparison tells a one-byte change apart" $?

grep -q '^@@runner: done$' "$tmp/console" && [ "$node" -eq 0 ]
check "the runner ran every case and the node powered off with pass" $?
if [ $failed -ne 0 ]; then
	echo "# console tail:"
	tail -n 25 "$tmp/console" | sed 's/^/#   /'
	exit 1
fi
