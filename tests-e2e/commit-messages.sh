#!/usr/bin/env bash
# Commit messages after BASELINE (the last commit before the rule was kept): subject at most 72
# characters, and a body (the problem, the change, the proof). Merges are not checked. Works on a
# shallow clone: when BASELINE is not in it, the commits it holds are checked (a shallow clone holds
# only recent ones). Outside a git checkout (a source archive) there is nothing to check.
# usage: tests-e2e/commit-messages.sh [REVISION, default HEAD]
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINE=5e86d513871a0a8cd7f3872598dd6997cdd3b686
head=${1:-HEAD}
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "commit-messages: not a git checkout, nothing to check"
  exit 0
fi
range=("$head")
if git cat-file -e "$BASELINE^{commit}" 2>/dev/null; then
  range+=("^$BASELINE")
fi
git log --no-merges --format='%H%x00%s%x00%b%x01' "${range[@]}" | python3 -c '
import sys
bad = []
records = [r.strip("\n").split("\0") for r in sys.stdin.read().split("\1") if r.strip()]
for commit, subject, body in records:
    if len(subject) > 72:
        bad.append(f"{commit[:12]} subject has {len(subject)} characters (at most 72): {subject[:72]}…")
    if not body.strip():
        bad.append(f"{commit[:12]} has no body (say the problem, the change, the proof): {subject[:72]}")
for line in bad:
    print("commit-messages:", line)
print(f"commit-messages: {len(records)} commits checked, {len(bad)} problems")
sys.exit(1 if bad else 0)
'
