#!/usr/bin/env bash
# docker-env.sh - a real Docker Engine (+ swarm) for dctop's tests and CI, on a systemd-less Debian
# machine that has NO image registry access (the only image is built locally from busybox-static).
#
# Usage (run as root; every command is idempotent and safe to run twice in a row):
#   scripts/docker-env.sh up            install (if needed) -> main dockerd -> image -> swarm manager
#   scripts/docker-env.sh multinode N   `up`, then N worker dockerds joined to the main engine's swarm
#   scripts/docker-env.sh plain         `up`, then one more dockerd that never joins a swarm (not by `up`)
#   scripts/docker-env.sh down          stop the workers and the plain engine, delete their namespaces/
#                                       bridge; the main dockerd keeps running (test runs stay fast)
#   scripts/docker-env.sh status        print what runs
#
# What `up` provides
#   * dockerd on the default socket unix:///var/run/docker.sock (log /tmp/dctop-dockerd.log), started
#     with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 (swarm tasks use the local image instead of trying
#     to pull first) and --dns 127.0.0.1 (containers' lookups of outside names fail fast on loopback).
#   * image dctop-busybox:latest: /bin/busybox (busybox-static) + applet symlinks, `tar | docker
#     import`, CMD ["sh"]; /www/index.html for httpd. Nothing is ever pulled. Start containers with
#     --init (busybox sh as PID 1 ignores SIGTERM), create services with --no-resolve-image (CLI) and
#     deploy stacks with --resolve-image never; there is no IP_VS here: use --endpoint-mode dnsrr and
#     --publish mode=host.
#   * a swarm whose only manager is the main engine. Its address is MANAGER=10.77.255.1, a /32 on
#     the loopback device (label lo:dctop), NOT 127.0.0.1: workers live in other network namespaces
#     and cannot reach the host's 127.0.0.1, and a swarm's advertise address cannot be changed later
#     without re-creating the swarm. A loopback /32 is always there (no dummy module in this kernel),
#     so `up`, `multinode` and `down` never have to re-initialise the swarm. (If the engine already
#     is the manager of a swarm on another address, `up` keeps it; `multinode` then re-creates it on
#     MANAGER, which deletes its services - it says so.)
#   * a guard chain DCTOP-NO-EGRESS in iptables' DOCKER-USER: forwarded packets may only leave
#     through docker's own bridges, so containers cannot reach beyond this machine
#     (DCTOP_DOCKER_ALLOW_EGRESS=1 skips it).
#
# What `multinode N` adds (worker K = 1..N)
#   * netns dctop-sw with bridge br0 (no addresses, no iptables rules); host veth dctop-br
#     (10.77.0.1/24, the host's route to 10.77.0.0/24 uses src MANAGER) plugged into br0
#   * netns dctop-node-K, eth0 = 10.77.0.(10+K)/24 on br0, one route: MANAGER via 10.77.0.1, no
#     default route; so worker traffic reaches only the other workers and the manager.
#   * dockerd in that netns, private UTS namespace (hostname dctop-node-K = its swarm node name),
#     socket unix:///run/dctop-node-K.sock, data /var/lib/dctop-env/node-K, exec-root/pidfile in
#     /run/dctop-env/node-K, log /tmp/dctop-node-K.log, container cgroups under /dctop-node-K;
#     the image is copied with `docker save | docker -H ... load`; joined as a swarm worker
#     (advertise 10.77.0.(10+K)) to MANAGER:2377. Workers above N are stopped.
#   * `down` removes workers (swarm leave + node rm on the manager), their data, the namespaces and
#     dctop-br; MANAGER on lo and the single-node swarm stay.
#
# What `plain` adds (only when asked; `up` and `multinode` never start it, `down` stops it)
#   * a PLAIN engine: never part of any swarm (if something made it join one, `plain` makes it leave).
#     netns dctop-plain, eth0 = 10.77.0.9/24 on br0 of dctop-sw (created as for workers), one route:
#     MANAGER via 10.77.0.1, no default route. Hostname dctop-plain, socket unix:///run/dctop-plain.sock,
#     data /var/lib/dctop-env/dctop-plain, exec-root/pidfile in /run/dctop-env/dctop-plain, log
#     /tmp/dctop-plain.log, container cgroups under /dctop-plain, DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1,
#     same --dns. Its default bridge docker0 (172.17.0.0/16, own iptables) lives inside that netns, so
#     `-p 8080:80` publishes on that netns: reachable there (127.0.0.1:8080, 10.77.0.9:8080) and from the
#     host at 10.77.0.9:8080. Image: `docker save | load` from the main engine (skipped if the id matches).
#     Fast (~0.5 s) when it already runs; a dead plain engine is restarted with empty data.
#
# Environment: DCTOP_DOCKER_IMAGE (dctop-busybox:latest), DCTOP_DOCKER_NET (10.77.0: first three
#   octets of the worker subnet), DCTOP_DOCKER_MANAGER_ADDR (10.77.255.1), DCTOP_DOCKER_DNS
#   (127.0.0.1; "" = docker's default), DCTOP_DOCKER_ALLOW_EGRESS (0).
# Output: logs go to stderr; `up` ends with one summary line on stdout, `multinode` with one line
#   per worker (hostname, socket, address, state), `plain` with one line (socket, address, state).
set -euo pipefail

IMAGE=${DCTOP_DOCKER_IMAGE:-dctop-busybox:latest}
NET=${DCTOP_DOCKER_NET:-10.77.0}
MGR_ADDR=${DCTOP_DOCKER_MANAGER_ADDR:-10.77.255.1}
DNS=${DCTOP_DOCKER_DNS-127.0.0.1}
MAIN_SOCK=/var/run/docker.sock
MAIN_PIDFILE=/var/run/docker.pid
MAIN_LOG=/tmp/dctop-dockerd.log
RUN_DIR=/run/dctop-env            # worker exec-roots, pidfiles, wrapper (keep short: socket paths)
DATA_DIR=/var/lib/dctop-env       # worker data roots (deleted by `down`)
SW_NS=dctop-sw                    # netns holding the workers' bridge br0
NODE=dctop-node-                  # worker K: netns, hostname and socket /run/dctop-node-K.sock
HOST_VETH=dctop-br                # host end of the veth into $SW_NS
LO_LABEL=lo:dctop
GUARD=DCTOP-NO-EGRESS
MAX_WORKERS=200
PLAIN=dctop-plain                 # plain engine: netns, hostname, run/data dir name, cgroup parent
PLAIN_SOCK=/run/$PLAIN.sock
PLAIN_IP=$NET.9                   # workers use $NET.(10+K), the host end $NET.1
PLAIN_VETH=pl0                    # its veth end in $SW_NS (workers' ends are nK)
PLAIN_LOG=/tmp/$PLAIN.log

unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH   # always the sockets named here
T0=$(date +%s%N)
log() { printf 'docker-env: %s\n' "$*" >&2; }
die() { printf 'docker-env: error: %s\n' "$*" >&2; exit 1; }
elapsed() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }
is_root() { [ "$(id -u)" = 0 ]; }
need_root() { is_root || die "need root to $* (running as uid $(id -u)); run: sudo $0 ${ARGV:-up}"; }

lock() {  # serialise concurrent invocations (e.g. parallel test runners calling `up`)
  local f=/run/dctop-docker-env.lock
  [ -w /run ] || f=${TMPDIR:-/tmp}/dctop-docker-env.$(id -u).lock
  exec 9>>"$f"
  flock -w 180 9 || die "another docker-env.sh still holds $f after 180 s"
}

answers() { timeout 10 docker -H "unix://$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
wait_answer() {  # wait_answer SOCKET SECONDS [PID]: 0 once the engine answers, 1 on timeout/death
  local s=$1 n=$(( $2 * 10 )) pid=${3:-}
  while [ "$n" -gt 0 ]; do
    answers "$s" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1; n=$((n - 1))
  done
  return 1
}
pid_of() {  # pid_of PIDFILE MARKER: the pid in PIDFILE if alive and its cmdline contains MARKER
  local p; p=$(cat "$1" 2>/dev/null || true)
  [[ $p =~ ^[0-9]+$ ]] && [ -r "/proc/$p/cmdline" ] || return 1
  [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") == *"$2"* ]] || return 1
  echo "$p"
}
ns_exists() { [ -e "/run/netns/$1" ]; }

# ------------------------------------------------------------------------------ install
busybox_static() {
  [ -x /bin/busybox ] || return 1
  local l; l=$(ldd /bin/busybox 2>&1 || true)
  [[ $l == *"not a dynamic"* || $l == *"statically linked"* ]]
}
ensure_installed() {
  local need=()
  command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 || need+=(docker.io iptables busybox-static)
  busybox_static || need+=(busybox-static)
  command -v iptables >/dev/null 2>&1 || need+=(iptables)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  [ ${#need[@]} -eq 0 ] && return 0
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  is_root || die "docker is not installed (missing: ${need[*]}) and installing it needs root (uid $(id -u))"
  command -v apt-get >/dev/null 2>&1 || die "missing ${need[*]} and there is no apt-get to install them"
  log "installing ${need[*]}"
  local out; out=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
           --no-install-recommends "${need[@]}"; } >"$out" 2>&1; then
    tail -n 15 "$out" >&2; rm -f "$out"; die "apt-get install ${need[*]} failed"
  fi
  rm -f "$out"
  command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after installing docker.io"
  busybox_static || die "/bin/busybox is not the static busybox even after installing busybox-static"
}

# ------------------------------------------------------------------------------ main engine
ensure_manager_addr() {  # MANAGER as a /32 on lo: exists before dockerd (re)starts its swarm
  [[ " $(ip -4 -o addr show dev lo 2>/dev/null | tr '\n' ' ') " == *" $MGR_ADDR/32 "* ]] && return 0
  need_root "add $MGR_ADDR/32 to lo"
  ip addr add "$MGR_ADDR/32" dev lo label "$LO_LABEL"
}

ensure_daemon() {
  answers "$MAIN_SOCK" && return 0
  if [ -S "$MAIN_SOCK" ] && ! [ -r "$MAIN_SOCK" -a -w "$MAIN_SOCK" ]; then
    die "no access to $MAIN_SOCK as uid $(id -u); run as root (or as a member of group docker)"
  fi
  local pid
  if pid=$(pid_of "$MAIN_PIDFILE" dockerd); then   # a dockerd is starting up: give it the same time
    log "dockerd pid $pid exists but does not answer yet; waiting"
    wait_answer "$MAIN_SOCK" 20 "$pid" && return 0
    die "dockerd (pid $pid) does not answer on $MAIN_SOCK after 20 s; see $MAIN_LOG"
  fi
  need_root "start dockerd"
  # A dockerd that was killed (kill -9, the end of a session) leaves its pidfiles behind, and a new one refuses to
  # start while they exist: no dockerd runs (pid_of said so), so they are stale.
  rm -f "$MAIN_PIDFILE" /var/run/docker/containerd/containerd.pid
  local args=(--pidfile "$MAIN_PIDFILE")
  [ -n "$DNS" ] && args+=(--dns "$DNS")
  log "starting dockerd ${args[*]} (log $MAIN_LOG)"
  printf '\n=== %s docker-env.sh: dockerd %s\n' "$(date -Is)" "${args[*]}" >>"$MAIN_LOG"
  DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid dockerd "${args[@]}" >>"$MAIN_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  if ! wait_answer "$MAIN_SOCK" 20 "$pid"; then
    tail -n 20 "$MAIN_LOG" >&2
    die "dockerd (pid $pid) did not answer on $MAIN_SOCK within 20 s; see $MAIN_LOG"
  fi
}

ensure_egress_guard() {  # forwarded traffic may only leave through docker's own bridges
  [ "${DCTOP_DOCKER_ALLOW_EGRESS:-0}" = 1 ] && return 0
  is_root && command -v iptables >/dev/null 2>&1 || return 0
  iptables -w -S DOCKER-USER >/dev/null 2>&1 || return 0      # dockerd runs with --iptables=false
  local want cur
  want=$(printf '%s\n' "-N $GUARD" "-A $GUARD -o docker0 -j RETURN" "-A $GUARD -o docker_gwbridge -j RETURN" \
    "-A $GUARD -o br-+ -j RETURN" "-A $GUARD -j REJECT --reject-with icmp-port-unreachable")
  cur=$(iptables -w -S "$GUARD" 2>/dev/null || true)
  if [ "$cur" != "$want" ]; then
    iptables -w -N "$GUARD" 2>/dev/null || iptables -w -F "$GUARD"
    iptables -w -A "$GUARD" -o docker0 -j RETURN
    iptables -w -A "$GUARD" -o docker_gwbridge -j RETURN
    iptables -w -A "$GUARD" -o br-+ -j RETURN
    iptables -w -A "$GUARD" -j REJECT --reject-with icmp-port-unreachable
  fi
  iptables -w -C DOCKER-USER -j "$GUARD" 2>/dev/null || iptables -w -I DOCKER-USER 1 -j "$GUARD"
}

ensure_image() {  # ~0.2 s, no registry, no Dockerfile
  docker image inspect "$IMAGE" >/dev/null 2>&1 && return 0
  busybox_static || die "cannot build $IMAGE: /bin/busybox is missing or not static (apt-get install busybox-static)"
  local root a
  root=$(mktemp -d "${TMPDIR:-/tmp}/dctop-rootfs.XXXXXX")
  mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp" "$root/www"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo 'hello from busybox httpd' >"$root/www/index.html"
  chmod 1777 "$root/tmp"; chmod 755 "$root"
  if ! tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . \
       | docker import --change 'CMD ["sh"]' --change 'LABEL org.dctop.image=busybox-static' \
           --message "dctop: /bin/busybox ($(/bin/busybox 2>&1 | head -n 1 || true))" - "$IMAGE" >/dev/null; then
    rm -rf "$root"; die "docker import of $IMAGE failed"
  fi
  rm -rf "$root"
  log "imported $IMAGE"
}

swarm_field() { docker info --format "{{.Swarm.$1}}" 2>/dev/null || true; }
init_swarm() {
  docker swarm init --advertise-addr "$MGR_ADDR" --listen-addr "$MGR_ADDR:2377" >/dev/null \
    || die "docker swarm init --advertise-addr $MGR_ADDR failed"
  log "swarm initialised, manager $MGR_ADDR:2377"
}
ensure_swarm() {
  local st; st=$(swarm_field LocalNodeState)
  case "$st" in
    active)
      [ "$(swarm_field ControlAvailable)" = true ] \
        || die "this engine is a worker of another swarm; run 'docker swarm leave --force' first"
      return 0 ;;
    inactive) ;;
    *) log "swarm state '$st': leaving and re-initialising"; docker swarm leave --force >/dev/null 2>&1 || true ;;
  esac
  init_swarm
}

prune_stale_workers() {  # manager entries named dctop-node-K that are not the node of the dockerd
  [ "$(swarm_field ControlAvailable)" = true ] || return 0   # now on /run/dctop-node-K.sock (crash,
  local id h live                                            # killed worker, older runs)
  while read -r id h; do
    [[ $h == "$NODE"* ]] || continue
    live=$(timeout 10 docker -H "unix:///run/$h.sock" info --format '{{.Swarm.NodeID}}' 2>/dev/null || true)
    if [ "$id" != "$live" ]; then
      docker node rm --force "$id" >/dev/null 2>&1 && log "removed stale swarm node $h ($id)" || true
    fi
  done < <(docker node ls --format '{{.ID}} {{.Hostname}}' 2>/dev/null || true)
}

summary() {
  local v img sw
  v=$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || echo '?')
  img=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null | cut -c1-19 || true)
  sw="swarm $(swarm_field LocalNodeState)"
  if [ "$(swarm_field ControlAvailable)" = true ]; then
    sw+=" manager $(swarm_field NodeAddr), $(docker node ls --format '{{.Status}}' | grep -c '^Ready$' || true)/$(docker node ls -q | wc -l) nodes ready"
  fi
  echo "docker-env: up in $(elapsed): engine $v on unix://$MAIN_SOCK; image $IMAGE $([ -n "$img" ] && echo "present ($img)" || echo MISSING); $sw"
}

do_up() {
  ensure_installed
  ensure_manager_addr
  ensure_daemon
  ensure_egress_guard
  ensure_image
  ensure_swarm
  prune_stale_workers
}
cmd_up() { do_up; summary; }

# ------------------------------------------------------------------------------ workers
w_sock() { echo "/run/$NODE$1.sock"; }
w_ip() { echo "$NET.$((10 + $1))"; }
worker_indexes() {  # K of every worker that has any state (socket, run dir, data, netns)
  local f
  { for f in /run/"$NODE"*.sock "$RUN_DIR/$NODE"* "$DATA_DIR/$NODE"* /run/netns/"$NODE"*; do
      [ -e "$f" ] || continue; f=${f##*"$NODE"}; f=${f%.sock}; [[ $f =~ ^[0-9]+$ ]] && echo "$f"
    done; } | sort -un
}

gen_cgroup_mounts() {  # re-create the host's cgroup mounts (ip netns exec re-mounts /sys without them)
  if awk '$2=="/sys/fs/cgroup" && $3=="cgroup2" {f=1} END {exit !f}' /proc/self/mounts; then
    echo 'mount -t cgroup2 cgroup2 /sys/fs/cgroup'; return 0
  fi
  echo 'mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup'
  local mp fs opts o
  while read -r mp fs opts; do
    case "$fs" in
      cgroup2) echo "mkdir -p $mp && mount -t cgroup2 cgroup2 $mp" ;;
      cgroup)
        o=$(tr , '\n' <<<"$opts" | grep -vxE 'rw|ro|relatime|noatime|nosuid|nodev|noexec' | paste -sd, - || true)
        if [[ ,$o, == *,name=* ]] && ! grep -qE '(^|,)(cpu|cpuacct|cpuset|memory|devices|freezer|blkio|pids|net_cls|net_prio|perf_event|hugetlb|rdma|misc)(,|$)' <<<"$o"; then
          o="none,$o"
        fi
        echo "mkdir -p $mp && mount -t cgroup -o $o cgroup $mp" ;;
    esac
  done < <(awk '$2 ~ "^/sys/fs/cgroup/" {print $2, $3, $4}' /proc/self/mounts)
}
write_wrapper() {
  mkdir -p "$RUN_DIR"
  local w=$RUN_DIR/node-wrapper.sh
  {
    echo '#!/bin/bash'
    echo '# node-wrapper.sh HOSTNAME DOCKERD-ARGS... (run by docker-env.sh inside "ip netns exec dctop-node-K")'
    echo 'set -e'
    echo 'if [ -z "${DCTOP_IN_UTS:-}" ]; then exec unshare --uts env DCTOP_IN_UTS=1 "$0" "$@"; fi'
    echo 'hostname "$1"; shift'
    gen_cgroup_mounts
    echo 'exec env -u DCTOP_IN_UTS DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd "$@"'
  } >"$w.tmp"
  chmod 755 "$w.tmp"; mv -f "$w.tmp" "$w"
}

ensure_switch() {
  ns_exists "$SW_NS" || ip netns add "$SW_NS"
  ip -n "$SW_NS" link set lo up
  ip -n "$SW_NS" link show br0 >/dev/null 2>&1 || ip -n "$SW_NS" link add br0 type bridge
  ip -n "$SW_NS" link set br0 up
  if ! ip -n "$SW_NS" link show host >/dev/null 2>&1; then
    ip link del "$HOST_VETH" 2>/dev/null || true
    ip link add "$HOST_VETH" type veth peer name host netns "$SW_NS"
  fi
  ip -n "$SW_NS" link set host master br0 up
  ip addr replace "$NET.1/24" dev "$HOST_VETH" noprefixroute
  ip link set "$HOST_VETH" up
  ip route replace "$NET.0/24" dev "$HOST_VETH" src "$MGR_ADDR"
}

ensure_worker_net() {  # ensure_worker_net K
  local k=$1 ns=$NODE$1
  ns_exists "$ns" || ip netns add "$ns"
  ip -n "$ns" link set lo up
  if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
    ip -n "$SW_NS" link del "n$k" 2>/dev/null || true
    ip -n "$SW_NS" link add "n$k" type veth peer name eth0 netns "$ns"
  fi
  ip -n "$SW_NS" link set "n$k" master br0 up
  ip -n "$ns" addr replace "$(w_ip "$k")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace "$MGR_ADDR/32" via "$NET.1" dev eth0   # the only way out of this netns
}

start_worker() {  # start_worker K: launch (if needed) without waiting; prints the pid
  local k=$1 S X D p
  S=$(w_sock "$k"); X=$RUN_DIR/$NODE$k; D=$DATA_DIR/$NODE$k
  answers "$S" && { pid_of "$X/dockerd.pid" "$S" || echo 0; return 0; }
  if p=$(pid_of "$X/dockerd.pid" "$S"); then echo "$p"; return 0; fi
  # not running: start from scratch (a killed worker leaves containerd/shims/containers, a pidfile
  # dockerd refuses to start over, and swarm state of a node the manager no longer knows)
  kill_worker_leftovers "$k"
  rm -rf "${X:?}" "${D:?}" "$S"
  mkdir -p "$X" "$D"
  # own engine-ID key (else all engines share /etc/docker/key.json), and no /etc/docker/daemon.json
  printf '{ "deprecated-key-path": "%s" }\n' "$D/key.json" >"$D/daemon.json"
  local args=(--config-file "$D/daemon.json" --data-root "$D/root" --exec-root "$X/exec"
              -H "unix://$S" --pidfile "$X/dockerd.pid" --cgroup-parent "/$NODE$k")
  [ -n "$DNS" ] && args+=(--dns "$DNS")
  printf '\n=== %s docker-env.sh: worker %s\n' "$(date -Is)" "$k" >>"/tmp/$NODE$k.log"
  setsid ip netns exec "$NODE$k" "$RUN_DIR/node-wrapper.sh" "$NODE$k" "${args[@]}" \
    >>"/tmp/$NODE$k.log" 2>&1 </dev/null 9>&- &
  echo $!
}

worker_cgroups() { engine_cgroups "$NODE$1"; }
engine_cgroups() { local c; for c in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do [ -d "$c" ] && echo "$c"; done; return 0; }
kill_worker_leftovers() { kill_leftovers "$NODE$1" "worker $1"; }
kill_leftovers() {  # kill_leftovers NAME LABEL: processes of a dead engine NAME (dctop-node-K,
  local name=$1 f p pids=() n  # dctop-plain) - its containerd and shims (cmdline names its exec-root
  for f in /proc/[0-9]*/cmdline; do                                   # under $RUN_DIR/NAME), its
    [[ $(tr '\0' ' ' 2>/dev/null <"$f" || true) == *"$RUN_DIR/$name/"* ]] || continue   # containers
    p=${f#/proc/}; pids+=("${p%/cmdline}")                                              # (cgroups)
  done
  while read -r f; do mapfile -t -O "${#pids[@]}" pids <"$f" || true; done \
    < <(engine_cgroups "$name" | while read -r c; do find "$c" -name cgroup.procs 2>/dev/null; done)
  [ ${#pids[@]} -gt 0 ] || return 0
  mapfile -t pids < <(printf '%s\n' "${pids[@]}" | sort -un)
  log "$2: killing ${#pids[@]} leftover processes"
  kill -KILL "${pids[@]}" 2>/dev/null || true
  for p in "${pids[@]}"; do
    n=50; while [ -d "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  done
}

load_image() { load_image_into "$(w_sock "$1")" "worker $1"; }
load_image_into() {  # load_image_into SOCKET LABEL: copy $IMAGE there unless it has the same image id
  local W="docker -H unix://$1" want have
  want=$(docker image inspect --format '{{.Id}}' "$IMAGE")
  have=$($W image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  [ "$want" = "$have" ] && return 0
  docker save "$IMAGE" | $W load -q >/dev/null || die "could not load $IMAGE into $2"
}

join_worker() {  # join_worker K TOKEN MEMBERS
  local k=$1 tok=$2 members=$3 W st id ip
  W="docker -H unix://$(w_sock "$k")"; ip=$(w_ip "$k")
  st=$($W info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true)
  id=$($W info --format '{{.Swarm.NodeID}}' 2>/dev/null || true)
  if [ "$st" = active ] && [ -n "$id" ] && [[ $'\n'$members$'\n' == *$'\n'$id$'\n'* ]]; then return 0; fi
  [ "$st" = inactive ] || $W swarm leave --force >/dev/null 2>&1 || true
  timeout 60 $W swarm join --token "$tok" --advertise-addr "$ip" --listen-addr "$ip:2377" "$MGR_ADDR:2377" >/dev/null \
    || die "worker $k could not join the swarm at $MGR_ADDR:2377; see /tmp/$NODE$k.log"
}

stop_workers() {  # stop_workers K...: leave the swarm, stop dockerd, remove node, netns, data
  [ $# -gt 0 ] || return 0
  local k S id p pids=() ids=() bg=() n
  for k in "$@"; do   # all workers in parallel: leave (~1 s), drop containers, SIGTERM (~3 s to exit)
    S=$(w_sock "$k")
    id=$(timeout 10 docker -H "unix://$S" info --format '{{.Swarm.NodeID}}' 2>/dev/null || true)
    [ -n "$id" ] && ids+=("$id")
    p=$(pid_of "$RUN_DIR/$NODE$k/dockerd.pid" "$S" || true)
    [ -n "$p" ] && pids+=("$p")
    ( W="docker -H unix://$S"
      if [ -n "$id" ]; then
        timeout 20 $W swarm leave --force >/dev/null 2>&1 || true
        # their data is discarded anyway: do not wait for stop timeouts of busybox PID-1 shells
        mapfile -t c < <($W ps -aq 2>/dev/null || true)
        [ ${#c[@]} -eq 0 ] || timeout 30 $W rm -f "${c[@]}" >/dev/null 2>&1 || true
      fi
      [ -z "$p" ] || kill -TERM "$p" 2>/dev/null || true ) &
    bg+=($!)
  done
  wait "${bg[@]}"   # only these: the main dockerd may be a background child of this shell too
  for p in "${pids[@]}"; do
    n=300; while kill -0 "$p" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
    kill -0 "$p" 2>/dev/null && { log "worker dockerd $p did not exit in 30 s: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; }
  done
  for id in "${ids[@]}"; do docker node rm --force "$id" >/dev/null 2>&1 || true; done
  for k in "$@"; do
    kill_worker_leftovers "$k"
    ns_exists "$NODE$k" && ip netns del "$NODE$k"
    ip -n "$SW_NS" link del "n$k" 2>/dev/null || true
    rm -rf "${DATA_DIR:?}/$NODE$k" "${RUN_DIR:?}/$NODE$k" "$(w_sock "$k")"
    worker_cgroups "$k" | while read -r p; do find "$p" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
    log "worker $k stopped"
  done
}

remove_switch() {
  ns_exists "$SW_NS" && ip netns del "$SW_NS"     # deletes br0 and every veth plugged into it
  ip link del "$HOST_VETH" 2>/dev/null || true
  return 0
}

cmd_multinode() {
  local n=${1:-}
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -le "$MAX_WORKERS" ] || die "usage: $0 multinode N   (N = number of workers, 0..$MAX_WORKERS)"
  need_root "create network namespaces"
  command -v ip >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 || die "multinode needs ip (iproute2) and unshare (util-linux)"
  do_up
  if [ "$(swarm_field NodeAddr)" != "$MGR_ADDR" ]; then
    log "swarm manager advertises $(swarm_field NodeAddr), workers need $MGR_ADDR: re-creating the swarm (its services are lost)"
    stop_workers $(worker_indexes)
    docker swarm leave --force >/dev/null
    init_swarm
  fi
  local k extra=()
  for k in $(worker_indexes); do [ "$k" -gt "$n" ] && extra+=("$k"); done
  stop_workers "${extra[@]}"
  if [ "$n" -eq 0 ]; then plain_present || remove_switch; prune_stale_workers; echo "docker-env: multinode 0: no workers ($(elapsed))"; return 0; fi

  write_wrapper
  ensure_switch
  local pids=() p
  for k in $(seq 1 "$n"); do ensure_worker_net "$k"; pids[k]=$(start_worker "$k"); done
  for k in $(seq 1 "$n"); do
    p=${pids[k]}; [ "$p" = 0 ] && p=""
    wait_answer "$(w_sock "$k")" 20 "$p" || { tail -n 20 "/tmp/$NODE$k.log" >&2; die "worker $k did not answer on $(w_sock "$k") within 20 s"; }
  done
  for k in $(seq 1 "$n"); do load_image "$k"; done
  prune_stale_workers
  local tok members
  tok=$(docker swarm join-token -q worker)
  members=$(docker node ls -q)
  for k in $(seq 1 "$n"); do join_worker "$k" "$tok" "$members"; done

  local ids=() id ready t=150
  for k in $(seq 1 "$n"); do ids[k]=$(docker -H "unix://$(w_sock "$k")" info --format '{{.Swarm.NodeID}}'); done
  while :; do
    ready=0
    for k in $(seq 1 "$n"); do
      [ "$(docker node inspect --format '{{.Status.State}}' "${ids[k]}" 2>/dev/null || true)" = ready ] && ready=$((ready + 1))
    done
    [ "$ready" -eq "$n" ] && break
    t=$((t - 1)); [ $t -gt 0 ] || die "only $ready of $n workers are Ready after 30 s (docker node ls)"
    sleep 0.2
  done
  for k in $(seq 1 "$n"); do
    printf 'docker-env: worker %d: hostname %s socket unix://%s addr %s node %s %s\n' "$k" \
      "$(docker node inspect --format '{{.Description.Hostname}}' "${ids[k]}")" "$(w_sock "$k")" "$(w_ip "$k")" \
      "${ids[k]:0:12}" "$(docker node inspect --format '{{.Status.State}}/{{.Spec.Availability}}' "${ids[k]}")"
  done
  echo "docker-env: multinode $n ready in $(elapsed): manager $MGR_ADDR:2377 on unix://$MAIN_SOCK, $(docker node ls -q | wc -l) nodes"
}

# ------------------------------------------------------------------------------ plain engine
plain_present() { ns_exists "$PLAIN" || [ -e "$PLAIN_SOCK" ] || [ -e "$RUN_DIR/$PLAIN" ] || [ -e "$DATA_DIR/$PLAIN" ]; }
plain_pid() { pid_of "$RUN_DIR/$PLAIN/dockerd.pid" "$PLAIN_SOCK"; }

ensure_plain_net() {  # like a worker's: one leg on br0, only MANAGER reachable, no default route
  ns_exists "$PLAIN" || ip netns add "$PLAIN"
  ip -n "$PLAIN" link set lo up
  if ! ip -n "$PLAIN" link show eth0 >/dev/null 2>&1; then   # (a removed $SW_NS took the veth along)
    ip -n "$SW_NS" link del "$PLAIN_VETH" 2>/dev/null || true
    ip -n "$SW_NS" link add "$PLAIN_VETH" type veth peer name eth0 netns "$PLAIN"
  fi
  ip -n "$SW_NS" link set "$PLAIN_VETH" master br0 up
  ip -n "$PLAIN" addr replace "$PLAIN_IP/24" dev eth0
  ip -n "$PLAIN" link set eth0 up
  ip -n "$PLAIN" route replace "$MGR_ADDR/32" via "$NET.1" dev eth0
}

start_plain() {  # start the plain dockerd if it is not running, wait until it answers
  answers "$PLAIN_SOCK" && return 0
  local X=$RUN_DIR/$PLAIN D=$DATA_DIR/$PLAIN p
  if p=$(plain_pid); then
    log "plain dockerd pid $p exists but does not answer yet; waiting"
    wait_answer "$PLAIN_SOCK" 30 "$p" && return 0
    die "plain dockerd (pid $p) does not answer on $PLAIN_SOCK after 30 s; see $PLAIN_LOG"
  fi
  # not running: start from scratch (see start_worker)
  kill_leftovers "$PLAIN" "plain engine"
  rm -rf "${X:?}" "${D:?}" "$PLAIN_SOCK"
  mkdir -p "$X" "$D"
  printf '{ "deprecated-key-path": "%s" }\n' "$D/key.json" >"$D/daemon.json"
  local args=(--config-file "$D/daemon.json" --data-root "$D/root" --exec-root "$X/exec"
              -H "unix://$PLAIN_SOCK" --pidfile "$X/dockerd.pid" --cgroup-parent "/$PLAIN")
  [ -n "$DNS" ] && args+=(--dns "$DNS")
  log "starting plain dockerd in netns $PLAIN (log $PLAIN_LOG)"
  printf '\n=== %s docker-env.sh: plain %s\n' "$(date -Is)" "${args[*]}" >>"$PLAIN_LOG"
  setsid ip netns exec "$PLAIN" "$RUN_DIR/node-wrapper.sh" "$PLAIN" "${args[@]}" \
    >>"$PLAIN_LOG" 2>&1 </dev/null 9>&- &
  p=$!
  if ! wait_answer "$PLAIN_SOCK" 30 "$p"; then
    tail -n 20 "$PLAIN_LOG" >&2
    die "plain dockerd did not answer on $PLAIN_SOCK within 30 s; see $PLAIN_LOG"
  fi
}

ensure_plain_no_swarm() {
  local P="docker -H unix://$PLAIN_SOCK" st
  st=$($P info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true)
  [ "$st" = inactive ] && return 0
  log "plain engine: swarm state '$st': leaving (it must never be part of a swarm)"
  timeout 30 $P swarm leave --force >/dev/null 2>&1 || true
  st=$($P info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true)
  [ "$st" = inactive ] || die "plain engine: swarm state is '$st' after 'swarm leave --force'"
}

cmd_plain() {
  need_root "create network namespaces"
  command -v ip >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1 || die "plain needs ip (iproute2) and unshare (util-linux)"
  do_up
  write_wrapper
  ensure_switch
  ensure_plain_net
  start_plain
  ensure_plain_no_swarm
  load_image_into "$PLAIN_SOCK" "the plain engine"
  echo "docker-env: plain ready in $(elapsed): $(plain_line)"
}

plain_line() {  # one line: hostname, socket, address, pid, swarm state, containers, image
  local P="docker -H unix://$PLAIN_SOCK" i img
  if ! i=$($P info --format "hostname {{.Name}} socket unix://$PLAIN_SOCK addr $PLAIN_IP pid $(plain_pid || echo '?') swarm {{.Swarm.LocalNodeState}} containers {{.ContainersRunning}} running/{{.Containers}}" 2>/dev/null); then
    echo "unix://$PLAIN_SOCK not answering (leftover state; '$0 plain' restarts it, '$0 down' cleans it)"; return 0
  fi
  img=$($P image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null | cut -c1-19 || true)
  echo "$i, image $IMAGE $([ -n "$img" ] && echo "present ($img)" || echo MISSING)"
}

stop_plain() {  # remove its containers, stop dockerd, delete netns, data, cgroups
  plain_present || return 0
  local P="docker -H unix://$PLAIN_SOCK" p c n
  p=$(plain_pid || true)
  if answers "$PLAIN_SOCK"; then   # data is discarded: do not wait for busybox PID-1 stop timeouts
    mapfile -t c < <($P ps -aq 2>/dev/null || true)
    [ ${#c[@]} -eq 0 ] || timeout 30 $P rm -f "${c[@]}" >/dev/null 2>&1 || true
  fi
  if [ -n "$p" ]; then
    kill -TERM "$p" 2>/dev/null || true
    n=300; while kill -0 "$p" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
    kill -0 "$p" 2>/dev/null && { log "plain dockerd $p did not exit in 30 s: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; }
  fi
  kill_leftovers "$PLAIN" "plain engine"
  ns_exists "$PLAIN" && ip netns del "$PLAIN"
  ns_exists "$SW_NS" && { ip -n "$SW_NS" link del "$PLAIN_VETH" 2>/dev/null || true; }
  rm -rf "${DATA_DIR:?}/$PLAIN" "${RUN_DIR:?}/$PLAIN" "$PLAIN_SOCK"
  engine_cgroups "$PLAIN" | while read -r p; do find "$p" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
  log "plain engine stopped"
}

cmd_down() {
  need_root "stop the workers"
  stop_workers $(worker_indexes)
  stop_plain
  remove_switch
  answers "$MAIN_SOCK" && prune_stale_workers
  rm -f "$RUN_DIR/node-wrapper.sh"; rmdir "$RUN_DIR" "$DATA_DIR" 2>/dev/null || true
  echo "docker-env: down in $(elapsed): workers and plain engine stopped, namespaces removed; main dockerd $(answers "$MAIN_SOCK" && echo 'still running' || echo 'not running')"
}

cmd_status() {
  local p
  if answers "$MAIN_SOCK"; then
    p=$(pid_of "$MAIN_PIDFILE" dockerd || echo '?')
    echo "main: dockerd pid $p on unix://$MAIN_SOCK, engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"
    echo "main: image $IMAGE $(docker image inspect --format 'present {{.Id}}' "$IMAGE" 2>/dev/null || echo MISSING)"
    echo "main: swarm $(swarm_field LocalNodeState), addr $(swarm_field NodeAddr), manager=$(swarm_field ControlAvailable)"
    if [ "$(swarm_field ControlAvailable)" = true ]; then
      docker node ls --format 'node: {{.Hostname}} {{.ID}} {{.Status}} {{.Availability}} {{.ManagerStatus}}' 2>/dev/null || true
      docker service ls --format 'service: {{.Name}} {{.Replicas}}' 2>/dev/null || true
    fi
  else
    echo "main: no engine answers on unix://$MAIN_SOCK"
  fi
  local k S
  for k in $(worker_indexes); do
    S=$(w_sock "$k")
    if answers "$S"; then
      echo "worker $k: unix://$S pid $(pid_of "$RUN_DIR/$NODE$k/dockerd.pid" "$S" || echo '?') $(docker -H "unix://$S" info --format 'hostname {{.Name}} swarm {{.Swarm.LocalNodeState}} addr {{.Swarm.NodeAddr}} containers {{.ContainersRunning}}' 2>/dev/null)"
    else
      echo "worker $k: unix://$S not answering (leftover state; '$0 down' cleans it)"
    fi
  done
  if plain_present; then echo "plain: $(plain_line)"; else echo "plain: not running"; fi
  ns_exists "$SW_NS" && echo "bridge: netns $SW_NS br0, host $HOST_VETH $NET.1/24" || echo "bridge: none"
  return 0
}

CMD=${1:-}; ARGV="$*"
case "$CMD" in
  up)        lock; cmd_up ;;
  multinode) lock; cmd_multinode "${2:-}" ;;
  plain)     lock; cmd_plain ;;
  down)      lock; cmd_down ;;
  status)    cmd_status ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
