# Helpers of proxy-bench.sh (sourced; uses its globals WORK, PIDS, KEEP).
say() { printf '%s\n' "$*" >&2; }
die() { say "proxy-bench: $*"; exit 1; }

cleanup() {
  set +e
  local p i
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null
  done
  if [ "${KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}

USED=" "
free_port() { # free_port VAR: a port nothing listens on, not handed out before in this run
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ $USED == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then USED+="$p "; printf -v "$1" %s "$p"; return; fi
  done
}
wait_for() { # wait_for PID SECONDS COMMAND…: until COMMAND succeeds; fails if PID died or time ran out
  local pid=$1 limit=$2 i
  shift 2
  for i in $(seq $((limit * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
ticks() { # CPU ticks (user+system) used so far by the given processes and their children (nginx's workers)
  local total=0 p
  for p in "$@" $(for q in "$@"; do pgrep -P "$q" || true; done); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)
random_hex() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

rotated() { # rotated N WORDS…: the words, starting at the (N mod count)-th
  local n=$1; shift
  local a=("$@") i
  for i in "${!a[@]}"; do printf '%s ' "${a[$(((i + n) % ${#a[@]}))]}"; done
}
