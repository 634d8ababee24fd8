#!/bin/bash
# check.sh: `make check`. Runs the CUnit programs given as arguments
# (test/unit/run.sh), the core's symbol check (test/core_symbols.sh on
# $HM_BUILD/obj/hamgr/core/*.o, one check), the election checker's small
# bound and its mutant (test/explore/run.sh, two checks), the netns suite
# (test/netns/run.sh) and the man page lint, and ends with
# "check: N passed, N failed" over all of them (netns scenarios count one
# each; skipped ones are not counted). Exits 1 on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp /tmp/hamgr-check.XXXXXX)
trap 'rm -f "$out"' EXIT

"$here/unit/run.sh" "$@" | tee "$out"
unit_rc=${PIPESTATUS[0]}
read -r up uf < <(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out" | tail -n 1)

# The pure core links nothing but pure libc (test/core_symbols.allow).
"$here/core_symbols.sh" "${HM_BUILD:-$here/../build}"/obj/hamgr/core/*.o | tee "$out"
read -r cp cf < <(sed -n 's/^core: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out" | tail -n 1)

# Every interleaving of the election up to a small bound; the mutant.
"$here/explore/run.sh" "${HM_BUILD:-$here/../build}/explore" | tee "$out"
read -r ep ef < <(sed -n 's/^explore: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out" | tail -n 1)

"$here/netns/run.sh" | tee "$out"
netns_rc=${PIPESTATUS[0]}
read -r np nf < <(sed -n 's/^netns: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$out" | tail -n 1)

# Man pages must be lint-clean (warnings and worse; style notes such as
# "referenced manual not found" for our own not-yet-installed pages pass).
dp=0 df=0
if command -v mandoc >/dev/null; then
	for m in "$here"/../man/*.[1-9]; do
		if out_m=$(mandoc -Tlint -Wwarning "$m" 2>&1) && [ -z "$out_m" ]; then
			dp=$((dp + 1))
		else
			echo "docs: FAIL $m"; echo "$out_m" | sed 's/^/    /'
			df=$((df + 1))
		fi
	done
	echo "docs: $dp passed, $df failed"
else
	echo "docs: mandoc missing (make deps installs it)"; df=1
fi

# A runner that died before its summary line still fails the check.
[ -n "${up:-}" ] || { up=0 uf=1; }
[ -n "${np:-}" ] || { np=0 nf=1; }
[ -n "${cp:-}" ] || { cp=0 cf=1; }
[ -n "${ep:-}" ] || { ep=0 ef=1; }
[ "$unit_rc" -ne 0 ] && [ "$uf" -eq 0 ] && uf=1
[ "$netns_rc" -ne 0 ] && [ "$nf" -eq 0 ] && nf=1
echo "check: $((up + cp + ep + np + dp)) passed, $((uf + cf + ef + nf + df)) failed"
[ $((uf + cf + ef + nf + df)) -eq 0 ]
