#!/usr/bin/env bash
# A 3-node QuorumWatch cluster on loopback: ./cluster.sh start | stop | status | logs NODE
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
qw="$here/../../bin/quorumwatch"
nodes=(us-west us-east eu-west)

start() {
  for n in "${nodes[@]}"; do
    if [ -f "$here/$n.pid" ] && kill -0 "$(cat "$here/$n.pid")" 2>/dev/null; then
      echo "$n already running (pid $(cat "$here/$n.pid"))"
      continue
    fi
    nohup "$qw" node --config "$here/$n.yaml" >>"$here/$n.log" 2>&1 &
    echo $! >"$here/$n.pid"
    echo "started $n (pid $!, log $here/$n.log)"
  done
  echo "waiting for a leader..."
  for _ in $(seq 1 60); do
    if "$qw" status --server 127.0.0.1:9201 >/dev/null 2>&1; then
      "$qw" status --server 127.0.0.1:9201
      return 0
    fi
    sleep 1
  done
  echo "no answer from 127.0.0.1:9201 after 60 s; see the logs in $here" >&2
  return 1
}

stop() {
  for n in "${nodes[@]}"; do
    if [ -f "$here/$n.pid" ]; then
      pid="$(cat "$here/$n.pid")"
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
        echo "stopped $n"
      fi
      rm -f "$here/$n.pid"
    fi
  done
}

status() {
  "$qw" status --server 127.0.0.1:9201 || "$qw" status --server 127.0.0.1:9202 || "$qw" status --server 127.0.0.1:9203
  "$qw" targets --server 127.0.0.1:9201 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  logs) tail -n 50 -f "$here/${2:?which node? us-west, us-east or eu-west}.log" ;;
  *) echo "usage: $0 start | stop | status | logs NODE" >&2; exit 2 ;;
esac
