#!/bin/bash
# check.sh: `make check`. Runs the CUnit programs given as arguments
# (test/unit/run.sh), then the netns suite (test/netns/run.sh), and ends
# with "check: N passed, N failed" over both (netns scenarios count one
# each; skipped ones are not counted). Exits 1 on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp /tmp/hamgr-check.XXXXXX)
trap 'rm -f "$out"' EXIT

"$here/unit/run.sh" "$@" | tee "$out"
unit_rc=${PIPESTATUS[0]}
read -r up uf < <(sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out" | tail -n 1)

"$here/netns/run.sh" | tee "$out"
netns_rc=${PIPESTATUS[0]}
read -r np nf < <(sed -n 's/^netns: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$out" | tail -n 1)

# A runner that died before its summary line still fails the check.
[ -n "${up:-}" ] || { up=0 uf=1; }
[ -n "${np:-}" ] || { np=0 nf=1; }
[ "$unit_rc" -ne 0 ] && [ "$uf" -eq 0 ] && uf=1
[ "$netns_rc" -ne 0 ] && [ "$nf" -eq 0 ] && nf=1
echo "check: $((up + np)) passed, $((uf + nf)) failed"
[ $((uf + nf)) -eq 0 ]
