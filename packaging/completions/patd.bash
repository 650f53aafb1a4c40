# bash completion for patd (installed by the Debian package)
_patd() {
  local cur prev words cword
  _init_completion || return
  local common="--config --data-dir --database --log-level --help"
  local serve="--listen --service --issuer --public-url --signing-key --signing-cert --token-ttl
    --last-used-interval --audit-retention --public-namespace --auth-fail-limit --auth-max-delay --auth-ban-seconds
    --password-logins-per-minute --trusted-proxy --max-connections --max-connections-per-address
    --threads
    --oidc-admin --oidc-fetch-timeout --oidc-key-refresh --oidc-sweep-interval
    --registry --device-poll-interval --device-code-ttl"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "serve user oidc cert audit backup restore migrate --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --config|--signing-key|--signing-cert) _filedir; return ;;
    --data-dir) _filedir -d; return ;;
    --log-level) COMPREPLY=($(compgen -W "debug info warn error off" -- "$cur")); return ;;
    --scope) COMPREPLY=($(compgen -W "read write delete" -- "$cur")); return ;;
  esac
  local opts=$common
  case ${words[1]} in
    serve) opts="$serve $common" ;;
    audit) opts="--account --token --since --until --json $common" ;;
    backup) [[ $cur != -* ]] && { _filedir; return; } ;;
    restore) [[ $cur != -* ]] && { _filedir; return; }; opts="--force $common" ;;
    migrate) opts="--to $common" ;;
    user)
      case $cword in
        2) COMPREPLY=($(compgen -W "add 2fa list" -- "$cur")); return ;;
        4) [[ ${words[2]} == 2fa ]] && { COMPREPLY=($(compgen -W "enable disable" -- "$cur")); return; } ;;
      esac
      opts="--password-stdin $common" ;;
    oidc)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "add-issuer list-issuers remove-issuer policy" -- "$cur"))
        return
      fi
      if [[ ${words[2]} == policy && $cword -eq 3 ]]; then
        COMPREPLY=($(compgen -W "add list remove" -- "$cur"))
        return
      fi
      opts="--audience --account --issuer --claim --scope --ttl $common" ;;
  esac
  [[ $cur == -* || -z $cur ]] && COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _patd patd
