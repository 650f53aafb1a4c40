# fish completion for docker-credential-pat (installed by the Debian package)
set -l cmds store get erase list version tokens check login logout ci configure doctor
complete -c docker-credential-pat -f
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a "store get erase list version" -d "credential helper protocol action"
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a tokens -d "manage your tokens on patd"
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a check -d "state of each stored credential"
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a login -d "sign in with the browser (device code)"
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a logout -d "sign out: delete the token on patd and here"
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a ci -d "registry logins for CI jobs"
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a configure -d "point the docker CLI at the helper"
complete -c docker-credential-pat -n "not __fish_seen_subcommand_from $cmds" -a doctor -d "check keychain, D-Bus, token services"
set -l verbs list create rename activate deactivate delete
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens; and not __fish_seen_subcommand_from $verbs" -a "$verbs"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from ci; and not __fish_seen_subcommand_from login logout" -a "login logout"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens check ci configure doctor" -l format -xa "table json" -d "output format"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens check ci configure doctor" -s h -l help -d "show help"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens check ci configure" -l registry -x -d "registry"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens ci" -l username -x -d "account"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens ci" -l password-stdin -d "read the password from stdin"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens" -l otp -x -d "2FA code"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from tokens" -l no-session-cache -d "no session in the keychain"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from create" -l label -x -d "token label"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from create" -l scope -xa "read write delete public-read"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from create" -l expires -xa "30d 90d"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from create" -l store -x -d "keep it in the keychain for registry R"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from rename activate deactivate delete" -l token -x -d "uuid or label"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from rename" -l new-label -x
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l password-env -x -d "token from this variable"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l password-file -r -F -d "token from this file"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l oidc -d "exchange the CI job's OIDC ID token"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l audience -x
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l id-token-env -x -d "ID token from this variable"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l id-token-file -r -F -d "ID token from this file"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l timeout -x -d "exchange deadline"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l require -xa "pull push delete"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l ttl -x
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login" -l no-configure
complete -c docker-credential-pat -n "__fish_seen_subcommand_from login; and not __fish_seen_subcommand_from ci" -l no-browser -d "do not open a browser"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from check" -l refresh -d "ask the token service now"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from configure" -l store-all -d "credsStore = pat"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from configure" -l config -r -F -d "docker config file"
complete -c docker-credential-pat -n "__fish_seen_subcommand_from doctor" -l offline -d "skip network checks"
