# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are set for the sourcing script
# Shared helpers for tests that drive a real docker-registry (CNCF
# distribution 2.8, Debian's /usr/bin/docker-registry) on 127.0.0.1.
# Source it:  . "$(dirname "${BASH_SOURCE[0]}")/../lib/registry.sh"
#
# Every wait is bounded; nothing here installs a trap, so the caller owns
# cleanup and must call pat_registry_stop from its own `trap ... EXIT`.
#
#   pat_free_port                       print a currently free TCP port on 127.0.0.1
#   pat_wait_port PORT [SECONDS] [PID]  wait until 127.0.0.1:PORT accepts (default 10 s);
#                                       fails early if PID (when given) has exited
#   pat_htpasswd_auth DIR USER PASS     write DIR/htpasswd (bcrypt) and print the
#                                       registry's `auth:` section for it
#   pat_token_auth REALM SERVICE ISSUER CERT_BUNDLE
#                                       print an `auth: token:` section (for patd)
#   pat_registry_start DIR AUTH_YAML    write DIR/config.yml, start the registry on a
#                                       free port with storage in DIR/storage and its
#                                       log in DIR/registry.log; sets PAT_REGISTRY_PID
#                                       and PAT_REGISTRY_PORT (retries on a port race)
#   pat_registry_stop                   stop it (TERM, then KILL after 5 s); idempotent
#   pat_docker_config DIR JSON          write DIR/config.json (validated with python3)
#   pat_umoci_image LAYOUT TAG TEXT     build a one-layer OCI image LAYOUT:TAG holding
#                                       /hello.txt = TEXT (no network, no daemon)
#   pat_oci_file LAYOUT TAG PATH        print file PATH from the image's single layer

pat_free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

pat_wait_port() {
  local port=$1 seconds=${2:-10} pid=${3:-} deadline
  deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  echo "pat_wait_port: nothing listens on 127.0.0.1:$port after ${seconds}s" >&2
  return 1
}

pat_htpasswd_auth() {
  local dir=$1 user=$2 pass=$3
  # distribution 2.8 only accepts bcrypt entries (-B).
  htpasswd -Bbn "$user" "$pass" >"$dir/htpasswd" || return 1
  printf 'auth:\n  htpasswd:\n    realm: pat-test-registry\n    path: %s\n' "$dir/htpasswd"
}

pat_token_auth() {
  local realm=$1 service=$2 issuer=$3 bundle=$4
  printf 'auth:\n  token:\n    realm: %s\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n' \
    "$realm" "$service" "$issuer" "$bundle"
}

PAT_REGISTRY_PID=
PAT_REGISTRY_PORT=

# pat_wait_registry_log LOG SKIP PORT SECS PID: waits until the log, after its
# first SKIP lines, says the registry listens on PORT; fails if PID exits.
pat_wait_registry_log() {
  local log=$1 skip=$2 port=$3 seconds=$4 pid=$5 deadline
  deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    tail -n +"$((skip + 1))" "$log" 2>/dev/null | grep -q "listening on 127.0.0.1:$port\"" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  echo "pat_wait_registry_log: the registry did not report listening on $port in ${seconds}s" >&2
  return 1
}

pat_registry_start() {
  local dir=$1 auth=$2 attempt port log_lines
  mkdir -p "$dir/storage"
  for attempt in 1 2 3; do
    port=$(pat_free_port) || return 1
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: pat-test-$RANDOM$RANDOM
$auth
EOF
    log_lines=$( (wc -l <"$dir/registry.log") 2>/dev/null || echo 0)
    docker-registry serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 &
    PAT_REGISTRY_PID=$!
    # Something answering on the port is not proof that it is our registry:
    # another test's server may have taken the port between pat_free_port's
    # bind(0) and ours. Wait for this registry to say it listens, and check
    # that it is still alive after the port answers.
    if pat_wait_registry_log "$dir/registry.log" "$log_lines" "$port" 15 "$PAT_REGISTRY_PID" &&
      pat_wait_port "$port" 5 "$PAT_REGISTRY_PID" && kill -0 "$PAT_REGISTRY_PID" 2>/dev/null; then
      PAT_REGISTRY_PORT=$port
      return 0
    fi
    # Lost the port to another test between bind(0) and listen, or crashed.
    pat_registry_stop
    echo "pat_registry_start: attempt $attempt failed on port $port" >&2
  done
  echo "pat_registry_start: registry did not start; last log lines:" >&2
  tail -n 20 "$dir/registry.log" >&2
  return 1
}

pat_registry_stop() {
  local pid=$PAT_REGISTRY_PID i
  [ -n "$pid" ] || return 0
  PAT_REGISTRY_PID=
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

pat_docker_config() {
  local dir=$1 json=$2
  mkdir -p "$dir"
  printf '%s\n' "$json" | python3 -c 'import json,sys; json.load(sys.stdin)' || {
    echo "pat_docker_config: not JSON: $json" >&2
    return 1
  }
  printf '%s\n' "$json" >"$dir/config.json"
}

pat_umoci_image() {
  local layout=$1 tag=$2 text=$3 add
  add=$(mktemp -d) || return 1
  printf '%s\n' "$text" >"$add/hello.txt"
  { [ -d "$layout" ] || umoci init --layout "$layout"; } &&
    umoci new --image "$layout:$tag" &&
    umoci insert --image "$layout:$tag" "$add/hello.txt" /hello.txt &&
    umoci config --image "$layout:$tag" --author pat-tests --config.cmd /hello.txt
  local rc=$?
  rm -rf "$add"
  return $rc
}

pat_oci_file() {
  local layout=$1 tag=$2 path=$3
  python3 - "$layout" "$tag" "$path" <<'EOF'
import json, sys, tarfile
layout, tag, path = sys.argv[1:4]
def blob(digest):
    algo, hexd = digest.split(":", 1)
    return f"{layout}/blobs/{algo}/{hexd}"
index = json.load(open(f"{layout}/index.json"))
desc = next(m for m in index["manifests"]
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
manifest = json.load(open(blob(desc["digest"])))
for layer in manifest["layers"]:
    # umoci's layers end without tar's two zero blocks, which Python reports
    # as "unexpected end of data" when it reads past the last member.
    with tarfile.open(blob(layer["digest"])) as tar:
        try:
            for member in iter(tar):
                if member.name.lstrip("./") == path.lstrip("/"):
                    sys.stdout.write(tar.extractfile(member).read().decode())
                    sys.exit(0)
        except tarfile.ReadError:
            pass
sys.exit(f"pat_oci_file: {path} not in {layout}:{tag}")
EOF
}
