#!/usr/bin/env bash
# Shell completion: the bash script completes commands, subcommands and
# flags through the real binary; the zsh and fish scripts parse (zsh -n,
# fish --no-execute; both installed from Debian when missing). PowerShell is
# not checked here.
set -euo pipefail
source .ci/lib/common.sh
ci_tmpdir
work=$CI_TMP
mkdir -p "$work/bin"
ci_build_screen "$work/bin/screen"
export PATH="$work/bin:$PATH"
for sh in bash zsh fish powershell; do
  screen completion "$sh" >"$work/screen.$sh"
done
bash -n "$work/screen.bash"
# complete LINE...: the candidates the bash completion gives for the words.
complete_words() {
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _screen_complete
    printf "%s\n" "${COMPREPLY[@]}"' _ "$work/screen.bash" "$@"
}
status=0
expect() { # expect WANT WORDS...
  local want="$1"
  shift
  local got
  got=$(complete_words "$@")
  if ! grep -qx -- "$want" <<<"$got"; then
    echo "bash completion of '$*' lacks $want:"; echo "$got"; status=1
  fi
}
expect scan screen ""
expect completion screen comp
expect import screen lists ""
expect --format screen scan --fo
expect --fail-on screen scan shipments.csv --fail
ci_need zsh zsh
ci_need fish fish
zsh -n "$work/screen.zsh"
fish --no-execute "$work/screen.fish"
[ $status -eq 0 ] && echo "bash completion completes commands, subcommands and flags; zsh and fish scripts parse"
exit $status
