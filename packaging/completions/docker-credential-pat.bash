# bash completion for docker-credential-pat (installed by the Debian package)
_docker_credential_pat() {
  local cur prev words cword
  _init_completion || return
  local common="--format --help"
  local session="--registry --username --password-stdin --otp --no-session-cache"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "store get erase list version tokens check login logout ci configure doctor accounts --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
    --scope) COMPREPLY=($(compgen -W "read write delete public-read" -- "$cur")); return ;;
    --require) COMPREPLY=($(compgen -W "pull push delete" -- "$cur")); return ;;
    --expires) COMPREPLY=($(compgen -W "30d 90d" -- "$cur")); return ;;
    --config|--password-file) _filedir; return ;;
    --password-env) COMPREPLY=($(compgen -v -- "$cur")); return ;;
  esac
  local opts=""
  case ${words[1]} in
    tokens)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "list create rename activate deactivate delete --help" -- "$cur"))
        return
      fi
      case ${words[2]} in
        create) opts="--label --scope --expires --store $session $common" ;;
        rename) opts="--token --new-label $session $common" ;;
        *) opts="--token $session $common" ;;
      esac ;;
    ci)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "login logout --help" -- "$cur"))
        return
      fi
      case ${words[2]} in
        login) opts="--registry --username --password-env --password-file --password-stdin --oidc --audience --id-token-env --id-token-file --account --timeout --require --ttl --no-configure $common" ;;
        *) opts="--registry $common" ;;
      esac ;;
    accounts)
      if [[ $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "list use remove --help" -- "$cur"))
        return
      fi
      opts="--registry --username $common" ;;
    check) opts="--registry --refresh $common" ;;
    login) opts="--no-browser --help" ;;
    logout) opts="--help" ;;
    configure) opts="--registry --store-all --config $common" ;;
    doctor) opts="--offline $common" ;;
    *) return ;;
  esac
  [[ $cur == -* || -z $cur ]] && COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _docker_credential_pat docker-credential-pat
