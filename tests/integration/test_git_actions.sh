#!/usr/bin/env bash
# git actions and git status on real repositories made here: a bare "origin", a
# clone that commits and tags, and the deployed clone the plan points at.
. "$(dirname "$0")/../lib.sh"
if ! command -v git >/dev/null; then
    t_skip "git actions" "git is not installed (scripts/install-deps.sh installs it)"
    exit 0
fi
export HOME="$T_TMP/home"
mkdir -p "$HOME"
cat >"$HOME/.gitconfig" <<EOF
[user]
    name = Test Operator
    email = op@example.org
[init]
    defaultBranch = main
[advice]
    detachedHead = false
EOF
GS="$TOOLS/gitstatus"
ORIGIN="$T_TMP/origin.git" SEED="$T_TMP/seed" APP="$T_TMP/app"
J="$T_TMP/git.journal"
q() { "$@" >/dev/null 2>&1; }

q git init --bare "$ORIGIN"
q git clone "$ORIGIN" "$SEED"
commit() { # commit DIR FILE TEXT MESSAGE
    echo "$3" >"$1/$2" && q git -C "$1" add "$2" && q git -C "$1" commit -m "$4"
}
commit "$SEED" app.py "v1" "First release"
q git -C "$SEED" tag -a v1.0 -m "version 1.0"
commit "$SEED" app.py "v2" "Second release"
q git -C "$SEED" tag -a v2.0 -m "version 2.0"
commit "$SEED" README "readme" "Docs after 2.0"
q git -C "$SEED" push --tags origin main
q git clone "$ORIGIN" "$APP"

cat >"$T_TMP/plan.yaml" <<EOF
plan: Git weekend
id: gitw
repo: { path: app, remote: origin }
actions:
  - { id: fetch, git.fetch: origin }
  - { id: co-v1, git.checkout: v1.0 }
  - { id: co-v2, git.checkout: { ref: v2.0 } }
  - { id: co-main, git.checkout: main }
  - { id: co-nope, git.checkout: no-such-ref }
  - { id: tag-live, git.tag: { name: LIVE, force: true } }
  - { id: tag-live-once, git.tag: { name: LIVE } }
  - { id: tag-deployed, git.tag: { name: "DEPLOYED-%Y-%m-%d/%H%M" } }
  - { id: rollback, git.rollback: {} }
phases:
  - id: deploy
    title: Deploy
    items:
      - { id: deploy.co, text: Check out, action: co-v2 }
EOF
run() { "$OPSDECK" run --state "$J" --as alice "$T_TMP/plan.yaml" "$@"; }
gs() { "$GS" "$APP" | sed -n "s/^$1=//p"; }
porcelain_dirty() { git -C "$APP" status --porcelain | grep -vc '^??'; }
porcelain_untracked() { git -C "$APP" status --porcelain | grep -c '^??'; }
last_end() { "$OPSDECK" history --json --state "$J" "$T_TMP/plan.yaml" | jq -c 'select(.type=="action-end")' | tail -1; }
head_is() { git -C "$APP" rev-parse HEAD; }
commit_of() { git -C "$APP" rev-parse "$1^{commit}"; }

# ---- status equals what git says
equals "status: HEAD is git rev-parse HEAD" "$(head_is)" "$(gs head)"
equals "status: subject is the commit's" "Docs after 2.0" "$(gs subject)"
equals "status: branch" "main" "$(gs branch)"
equals "status: describe is git describe" "$(git -C "$APP" describe)" "$(gs describe)"
equals "status: upstream" "origin/main" "$(gs upstream)"
commit "$APP" local.txt "local" "A local commit"
commit "$SEED" more.txt "more" "Upstream moves on"
q git -C "$SEED" push origin main
equals "status: ahead is rev-list --count @{u}..HEAD" "$(git -C "$APP" rev-list --count '@{u}..HEAD')" "$(gs ahead)"
expect_exit "git.fetch runs without asking (it reads only)" 0 run fetch </dev/null
contains "git.fetch reports the updated ref" "refs/remotes/origin/main" "$OUT"
equals "status: behind is rev-list --count HEAD..@{u} after the fetch" "1" "$(gs behind)"
equals "status: behind matches git" "$(git -C "$APP" rev-list --count 'HEAD..@{u}')" "$(gs behind)"
echo change >>"$APP/app.py"
echo new >"$APP/untracked.txt"
mkdir -p "$APP/newdir" && echo x >"$APP/newdir/a" && echo y >"$APP/newdir/b"
equals "status: dirty counts status --porcelain lines" "$(porcelain_dirty)" "$(gs dirty)"
equals "status: untracked counts ?? lines" "$(porcelain_untracked)" "$(gs untracked)"
git -C "$APP" checkout -q -- app.py
rm -rf "$APP/untracked.txt" "$APP/newdir"
equals "status: clean again" "0 0" "$(gs dirty) $(gs untracked)"
tags=$(gs tags)
contains "status: recent tags list v2.0" "v2.0" "$tags"

# ---- tags
export OPSDECK_NOW=2026-11-28T22:14:03Z
head=$(head_is)
expect_exit "git.tag LIVE" 0 run tag-live --yes
equals "LIVE points at HEAD" "$head" "$(commit_of LIVE)"
end=$(last_end)
equals "tag: journal commit_before" "\"$head\"" "$(jq -c .commit_before <<<"$end")"
equals "tag: journal commit_after" "\"$head\"" "$(jq -c .commit_after <<<"$end")"
expect_exit "a tag without force that exists is refused" 1 run tag-live-once --yes
contains "the refusal says the tag exists" "exists" "$OUT"
expect_exit "git.tag template" 0 run tag-deployed --yes
equals "the template expanded from the time (UTC)" "$head" "$(commit_of DEPLOYED-2026-11-28/2214)"
equals "status: describe follows the new tags" "$(git -C "$APP" describe)" "$(gs describe)"
contains "status: head_tags lists LIVE" "LIVE" "$(gs head_tags)"

# ---- checkout of a tag
expect_exit "git.checkout v1.0" 0 run co-v1 --yes
equals "HEAD is v1.0's commit" "$(commit_of v1.0)" "$(head_is)"
equals "status: detached (no branch)" "-" "$(gs branch)"
equals "status: describe at a tag" "v1.0" "$(gs describe)"
end=$(last_end)
equals "checkout: journal commit_before" "\"$head\"" "$(jq -c .commit_before <<<"$end")"
equals "checkout: journal commit_after" "\"$(commit_of v1.0)\"" "$(jq -c .commit_after <<<"$end")"
equals "checkout: journal result" '"done"' "$(jq -c .result <<<"$end")"
expect_exit "moving LIVE (force: true)" 0 run tag-live --yes
equals "LIVE moved to v1.0" "$(commit_of v1.0)" "$(commit_of LIVE)"
equals "the move journals where LIVE was" "\"$head\"" "$(jq -c .tag_before <<<"$(last_end)")"
expect_exit "an unknown ref fails" 1 run co-nope --yes
contains "it names the ref" "no-such-ref" "$OUT"

# ---- dry run
lines=$(wc -l <"$J")
expect_exit "dry run of a checkout" 0 run co-v2 --dry-run
contains "the dry run names the commit it would move to" "$(commit_of v2.0)" "$OUT"
equals "the dry run changes nothing: HEAD" "$(commit_of v1.0)" "$(head_is)"
equals "the dry run changes nothing: journal" "$lines" "$(wc -l <"$J")"

# ---- dirty work tree
echo "hotfix" >>"$APP/app.py"
expect_exit "a checkout on a dirty tree is refused, even with --yes" 1 run co-v2 --yes
contains "the refusal says how to force" "--force-target v2.0" "$OUT"
equals "refused: HEAD did not move" "$(commit_of v1.0)" "$(head_is)"
grep -q hotfix "$APP/app.py" && t_ok "refused: the change is still there" || t_fail "refused: the change is still there"
equals "refused: journaled as refused" '"refused"' "$(jq -c .result <<<"$(last_end)")"
expect_exit "a wrong --force-target is refused too" 1 run co-v2 --yes --force-target v1.0
equals "still not moved" "$(commit_of v1.0)" "$(head_is)"
expect_exit "--force-target equal to the ref forces it" 0 run co-v2 --yes --force-target v2.0
equals "forced: HEAD is v2.0" "$(commit_of v2.0)" "$(head_is)"
equals "forced: the tree is clean" "0" "$(porcelain_dirty)"
equals "forced: journaled" '"yes"' "$(jq -c .forced <<<"$(last_end)")"
echo "scratch" >"$APP/notes.txt"
expect_exit "untracked files do not block a checkout" 0 run co-v1 --yes
rm -f "$APP/notes.txt"

# ---- rollback: v2.0 (forced) was deployed after v1.0, then v1.0 again
expect_exit "deploy v2.0" 0 run co-v2 --yes
expect_exit "git.rollback" 0 run rollback --yes
equals "rollback went to the commit deployed before v2.0" "$(commit_of v1.0)" "$(head_is)"
end=$(last_end)
equals "rollback: journal commit_before" "\"$(commit_of v2.0)\"" "$(jq -c .commit_before <<<"$end")"
equals "rollback: journal commit_after" "\"$(commit_of v1.0)\"" "$(jq -c .commit_after <<<"$end")"
expect_exit "dry run of the next rollback" 0 run rollback --dry-run
contains "it names its target" "$(commit_of v2.0)" "$OUT"
expect_exit "a second rollback goes one further back" 0 run rollback --yes
equals "HEAD is the one deployed before v1.0" "$(commit_of v2.0)" "$(head_is)"
expect_exit "git.checkout of a branch" 0 run co-main --yes
equals "HEAD is on main again" "refs/heads/main" "$(git -C "$APP" symbolic-ref HEAD 2>&1)"
equals "status: branch main" "main" "$(gs branch)"
history=$("$OPSDECK" history --json --state "$J" "$T_TMP/plan.yaml")
n_start=$(jq -c 'select(.type=="action-start")' <<<"$history" | wc -l)
n_end=$(jq -c 'select(.type=="action-end")' <<<"$history" | wc -l)
equals "every action-start has its action-end" "$n_start" "$n_end"
equals "action-start carries kind and targets" '{"kind":"git.checkout","targets":["v1.0"],"by":"alice"}' \
    "$(jq -c 'select(.type=="action-start" and .action=="co-v1") | {kind, targets, by}' <<<"$history" | head -1)"
