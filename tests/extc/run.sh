#!/bin/sh
# Execution tests: compile each .ext with extc and run every "//>" line of
# it in nxrun, once as written (untrusted: checked handlers) and once with
# the extension switched to trusted and inserted with --trusted (unchecked
# handlers).  Prints TAP, one test per run line and mode.
#
#   tests/extc/run.sh EXTC NXRUN WORKDIR file.ext...
#
# A run line is   //> [@ENTRY] NXRUN-OPTIONS => EXPECT [&& EXPECT]...
# where each EXPECT is a whole line nxrun must print on stdout (a trailing
# '*' matches it anywhere in a line instead).  The expected exit status is 1 when an EXPECT
# starts with "fault:", else 0.  "//>u" lines run only untrusted (e.g. a
# loop only fuel stops); a file declared trusted runs only trusted.
# Every line runs once more from an object built with extc -O0, in the
# first mode, expecting the same lines except "insns: N" (the optimiser's
# whole point is to change that one): -O0 and -O1 must compute the same.
extc=$1 nxrun=$2 work=$3; shift 3
mkdir -p "$work" || exit 2
set -f
total=0
for f in "$@"; do
	if grep -q '^extension [A-Za-z_0-9]* trusted;' "$f"; then
		total=$((total + 2 * $(grep -c '^//>u\{0,1\} ' "$f")))
	else
		total=$((total + 3 * $(grep -c '^//> ' "$f") + 2 * $(grep -c '^//>u ' "$f")))
	fi
done
echo "1..$total"
t=0
check() { # file mode opts expects obj trustflag entry
	t=$((t + 1))
	# Bounded: a run the runaway stop failed to end must fail, not hang.
	out=$(timeout 60 "$nxrun" $6 $3 "$5" $7 2>&1)
	rc=$?
	[ $rc = 124 ] && out="nxrun timed out after 60 s"
	want_rc=0 ok=1 why=""
	rest="$4"
	while [ -n "$rest" ]; do
		e=${rest%% && *}
		case $rest in *" && "*) rest=${rest#* && } ;; *) rest="" ;; esac
		case $e in fault:*) want_rc=1 ;; esac
		case $e in
		*\*) p=${e%\*}; printf '%s\n' "$out" | grep -qF -- "$p" || { ok=0; why="no line starting '$p'"; } ;;
		*) printf '%s\n' "$out" | grep -qxF -- "$e" || { ok=0; why="no line '$e'"; } ;;
		esac
	done
	[ $rc -eq $want_rc ] || { ok=0; why="$why exit $rc, want $want_rc"; }
	if [ $ok = 1 ]; then
		echo "ok $t - $1 ($2) $3"
	else
		echo "not ok $t - $1 ($2) $3: $why"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}
for f in "$@"; do
	base=$(basename "$f" .ext)
	obj_u="$work/$base.nx" obj_t="$work/$base.trusted.nx"
	sed 's/^\(extension [A-Za-z_0-9]*\) untrusted;/\1 trusted;/' "$f" > "$work/$base.trusted.ext"
	cu=1 ct=1 c0=1
	"$extc" -o "$obj_u" "$f" || cu=0
	"$extc" -o "$obj_t" "$work/$base.trusted.ext" || ct=0
	trusted_only=0 flag0=""
	grep -q '^extension [A-Za-z_0-9]* trusted;' "$f" && trusted_only=1 flag0=--trusted
	obj_0="$work/$base.O0.nx"
	"$extc" -O0 -o "$obj_0" "$f" || c0=0
	grep '^//>u\{0,1\} ' "$f" | while IFS= read -r line; do
		only_u=0
		case $line in "//>u "*) only_u=1 ;; esac
		line=${line#//>* }
		entry=""
		case $line in @*) entry=${line%% *}; entry=${entry#@}; line=${line#* } ;; esac
		opts=${line%%=>*}
		opts=${opts% }
		exp=${line#*=> }
		name="$base${entry:+:$entry}"
		exp0=$(printf '%s\n' "$exp" | sed 's/ && insns: [0-9]*//g; s/^insns: [0-9]* && //')
		if [ $c0 = 1 ]; then check "$name" "-O0" "$opts" "$exp0" "$obj_0" "$flag0" "$entry"
		else t=$((t + 1)); echo "not ok $t - $name (-O0): extc -O0 failed"; fi
		if [ $trusted_only = 0 ]; then
			if [ $cu = 1 ]; then check "$name" untrusted "$opts" "$exp" "$obj_u" "" "$entry"
			else t=$((t + 1)); echo "not ok $t - $name: extc failed"; fi
			[ $only_u = 1 ] && continue
		fi
		if [ $ct = 1 ]; then check "$name" trusted "$opts" "$exp" "$obj_t" --trusted "$entry"
		else t=$((t + 1)); echo "not ok $t - $name (trusted): extc failed"; fi
	done
	if [ $trusted_only = 1 ]; then
		t=$((t + 2 * $(grep -c '^//>u\{0,1\} ' "$f")))
	else
		t=$((t + 3 * $(grep -c '^//> ' "$f") + 2 * $(grep -c '^//>u ' "$f")))
	fi
done
exit 0
