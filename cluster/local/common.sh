# Shared by cluster/local/{start,stop,check}; sourced, not run.
# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this
# Layout of the state directory (ADAMIX_SLURM_DIR, default /tmp/adamix-slurm):
#   slurm.conf  mpi.conf  env (the export line)  munge/ (key, socket, pid, log, seed)
#   state/ (StateSaveLocation)  spool/ (SlurmdSpoolDir)  log/  run/ (pid files)
#   tmp/ (PMIx per-step dirs)  check/ (cluster/local/check's scratch)

SLURM_DIR=${ADAMIX_SLURM_DIR:-/tmp/adamix-slurm}
case "$SLURM_DIR" in /*) ;; *) SLURM_DIR="$PWD/$SLURM_DIR" ;; esac
SLURM_DIR=${SLURM_DIR%/}
CONF="$SLURM_DIR/slurm.conf"
MUNGE_DIR="$SLURM_DIR/munge"
MUNGE_SOCKET="$MUNGE_DIR/munge.socket"
RUN_DIR="$SLURM_DIR/run"
LOG_DIR="$SLURM_DIR/log"
# Every daemon carries this variable in its environment: with the pid files, it tells this
# cluster's processes from any other (pid reuse, a system munged, another Slurm).
MARKER="ADAMIX_SLURM_INSTANCE=$SLURM_DIR"

# The three daemons, in start order: name, pid file.
DAEMONS=(munged slurmctld slurmd)
pid_file() {
  case "$1" in
    munged) echo "$MUNGE_DIR/munged.pid" ;;
    *) echo "$RUN_DIR/$1.pid" ;;
  esac
}

# Prints the pid of daemon $1 if its pid file names a live process of that name that carries
# this cluster's marker; returns 1 otherwise.
daemon_pid() {
  local f pid
  f=$(pid_file "$1")
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' <"$f")
  [ -n "$pid" ] && is_ours "$pid" "$1" || return 1
  echo "$pid"
}

# is_ours PID [COMM]: PID is alive, has our marker in its environment (and the given name).
is_ours() {
  local pid=$1 comm=${2:-}
  [ -r "/proc/$pid/environ" ] || return 1
  if [ -n "$comm" ]; then
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
  fi
  { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "$MARKER"
}

# This cluster's processes still alive: those that carry the marker (the daemons), and every
# slurmstepd whose working directory is inside the state dir (slurmstepd overwrites its
# environment with its process title, but keeps slurmd's working directory, the log dir).
leftover_pids() {
  local p pid cwd
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = $$ ] && continue
    if [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ]; then
      cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
      case "$cwd/" in "$SLURM_DIR"/*) echo "$pid" ;; esac
    elif is_ours "$pid"; then
      echo "$pid"
    fi
  done
  return 0
}

# Every descendant of the given pids (job tasks under a slurmstepd), from /proc/*/stat.
descendants() {
  local -A kids=()
  local p stat rest ppid pid queue=("$@") found=()
  for p in /proc/[0-9]*/stat; do
    stat=$(cat "$p" 2>/dev/null) || continue
    rest=${stat##*) }          # fields after "pid (comm) "
    ppid=$(echo "$rest" | cut -d' ' -f2)
    pid=${p#/proc/}; pid=${pid%/stat}
    kids[$ppid]+="$pid "
  done
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    for pid in ${kids[$p]:-}; do found+=("$pid"); queue+=("$pid"); done
  done
  [ ${#found[@]} -eq 0 ] || printf '%s\n' "${found[@]}"
}

slurm_env() { SLURM_CONF="$CONF" "$@"; }

log_tails() {
  local f
  for f in "$LOG_DIR"/*.log "$MUNGE_DIR"/munged.log; do
    [ -s "$f" ] || continue
    echo "---- last lines of $f" >&2
    tail -n 15 "$f" >&2
  done
}
