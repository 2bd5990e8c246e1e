#!/bin/sh
# The committed reference pages must be exactly what tools/gendoc.c makes
# from include/nimble/ (run `make docs` after changing a table).
#   docs-check.sh GENDOC
gendoc=$1
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$gendoc" "$tmp" || exit 1
echo "1..3"
n=0
for page in isa.md hooks.md helpers.md; do
	n=$((n + 1))
	if diff -u "docs/$page" "$tmp/$page" >"$tmp/diff" 2>&1; then
		echo "ok $n - docs/$page matches the tables in include/nimble/"
	else
		echo "not ok $n - docs/$page is stale or edited by hand: run make docs"
		head -20 "$tmp/diff" | sed 's/^/# /'
	fi
done
