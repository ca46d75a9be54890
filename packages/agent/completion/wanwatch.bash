# bash completion for wanwatch (made by `wanwatch completion bash` from its command table)
# install: wanwatch completion bash > /etc/bash_completion.d/wanwatch

_wanwatch_uplinks() {
  local cfg="" i
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    case "${COMP_WORDS[i]}" in -c | --config) cfg="${COMP_WORDS[i + 1]}" ;; esac
  done
  wanwatch __uplinks ${cfg:+-c "$cfg"} 2>/dev/null
}

_wanwatch() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD - 1]}"
  local commands="run check-config status failover failback hold forbid release history reload demo version help completion man"
  local cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      -c | --config | -s | --socket | --to | --since | --limit) ((i++)) ;;
      -*) ;;
      *) cmd="${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
    -c | --config | -s | --socket) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --to) mapfile -t COMPREPLY < <(compgen -W "$(_wanwatch_uplinks)" -- "$cur"); return ;;
    --since | --limit) return ;;
  esac
  if [[ -z "$cmd" ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands -h --help -V --version" -- "$cur")
    return
  fi
  local opts="" what=none
  case "$cmd" in
    run) opts="-c --config -h --help"; what=none ;;
    check-config) opts="-c --config --json -h --help"; what=none ;;
    status) opts="-c --config -s --socket --json -h --help"; what=none ;;
    failover) opts="-c --config -s --socket --json --to -h --help"; what=uplink ;;
    failback) opts="-c --config -s --socket --json -h --help"; what=none ;;
    hold) opts="-c --config -s --socket --json --to -h --help"; what=uplink ;;
    forbid) opts="-c --config -s --socket --json --to -h --help"; what=uplink ;;
    release) opts="-c --config -s --socket --json --to -h --help"; what=uplink ;;
    history) opts="-c --config -s --socket --json --since --limit -h --help"; what=none ;;
    reload) opts="-c --config -s --socket --json -h --help"; what=none ;;
    demo) opts="-h --help"; what=none ;;
    version) opts="--json -h --help"; what=none ;;
    help) opts="-h --help"; what=command ;;
    completion) opts="-h --help"; what=shell ;;
    man) opts="-h --help"; what=none ;;
  esac
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    return
  fi
  case "$what" in
    uplink) mapfile -t COMPREPLY < <(compgen -W "$(_wanwatch_uplinks)" -- "$cur") ;;
    command) mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur") ;;
    shell) mapfile -t COMPREPLY < <(compgen -W "bash zsh" -- "$cur") ;;
  esac
}

complete -F _wanwatch wanwatch
