# fish completion for patd (installed by the Debian package)
set -l cmds serve user oidc cert audit backup restore migrate
complete -c patd -f
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a serve -d "run the token service"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a user -d "accounts and 2FA"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a oidc -d "trusted OIDC issuers and policies"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a cert -d "print the signing certificate"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a audit -d "read the audit log"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a backup -d "copy the SQLite database"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a restore -d "replace the SQLite database by a backup"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -a migrate -d "copy the SQLite database into PostgreSQL"
complete -c patd -n "__fish_seen_subcommand_from migrate" -l to -x -d "postgresql:// URL of an empty database"
complete -c patd -n "__fish_seen_subcommand_from backup restore" -F
complete -c patd -n "__fish_seen_subcommand_from restore" -l force -d "replace a database that holds accounts"
complete -c patd -n "not __fish_seen_subcommand_from $cmds" -l version -d "print the version"
complete -c patd -s h -l help -d "show help"
complete -c patd -l config -r -F -d "settings file"
complete -c patd -l data-dir -r -a "(__fish_complete_directories)" -d "data dir"
complete -c patd -l database -x -d "sqlite:// or postgresql:// URL"
complete -c patd -l log-level -xa "debug info warn error off"
complete -c patd -n "__fish_seen_subcommand_from user; and not __fish_seen_subcommand_from add 2fa list" -a "add 2fa list"
complete -c patd -n "__fish_seen_subcommand_from 2fa" -a "enable disable"
complete -c patd -n "__fish_seen_subcommand_from user" -l password-stdin -d "read the password from stdin"
complete -c patd -n "__fish_seen_subcommand_from oidc; and not __fish_seen_subcommand_from add-issuer list-issuers remove-issuer policy" -a "add-issuer list-issuers remove-issuer policy"
complete -c patd -n "__fish_seen_subcommand_from policy; and not __fish_seen_subcommand_from add list remove" -a "add list remove"
for o in audience account issuer claim ttl
  complete -c patd -n "__fish_seen_subcommand_from oidc" -l $o -x
end
for o in account token since until
  complete -c patd -n "__fish_seen_subcommand_from audit" -l $o -x
end
complete -c patd -n "__fish_seen_subcommand_from audit" -l json -d "one JSON object per line"
complete -c patd -n "__fish_seen_subcommand_from oidc" -l scope -xa "read write delete"
for o in listen service issuer public-url token-ttl last-used-interval audit-retention public-namespace auth-fail-limit auth-max-delay auth-ban-seconds password-logins-per-minute trusted-proxy max-connections max-connections-per-address threads oidc-admin oidc-fetch-timeout oidc-key-refresh oidc-sweep-interval registry device-poll-interval device-code-ttl
  complete -c patd -n "__fish_seen_subcommand_from serve" -l $o -x
end
complete -c patd -n "__fish_seen_subcommand_from serve" -l signing-key -r -F
complete -c patd -n "__fish_seen_subcommand_from serve" -l signing-cert -r -F
