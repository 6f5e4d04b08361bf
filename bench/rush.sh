#!/usr/bin/env bash
# The deadline rush matrix (issue 18 part 3): bench/rush_locust.py against gunicorn with 2, 4 and 8 workers and
# with connection reuse on and off (DB_CONN_MAX_AGE 60 / 0), one configuration after the other in one run, so the
# ratios compare like with like on a machine whose load changes. Each run: headless locust, USERS simulated people
# (default 60) started RATE a second (default 10) for DURATION (default 60s); its CSVs go to var/rush/<config>_*.csv
# and a table (per kind of request: req/s, p50/p95/p99 in ms, failures) is printed, then the ratios.
#
#   DB_NAME=sedp_x PORT=8718 ./deploy/up          # first: the demo data and a server on that database
#   DB_NAME=sedp_x PORT=8718 bench/rush.sh        # then the matrix; CONFIGS="4:60 4:0" picks configurations
#   CONFIGS="4:60:replica 4:60:primary" bench/rush.sh   # the streaming replica on and off, side by side
#
# A ":replica" configuration starts the server with the replica settings (deploy/common.sh replica_environment;
# the replica itself started if it is not running), so the province's and the public's reads go to it; every
# answer's X-Read-From is counted per kind of request (var/rush/<config>.readfrom, written by rush_locust.py) and
# the replica's replay lag is sampled once a second during the run (var/rush/<config>.lag).
#
# Every configuration restarts the server (var/gunicorn.pid) as deploy/up does; the last one is left running with
# deploy/up's default (3 workers, DB_CONN_MAX_AGE from the environment): stop it with ./deploy/down.
# The runs write proposals: run it on a bench database, never on a real one.
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/common.sh"
PORT="${PORT:-8000}"
USERS="${USERS:-60}"; RATE="${RATE:-10}"; DURATION="${DURATION:-60s}"
CONFIGS="${CONFIGS:-2:60 4:60 8:60 4:0 4:60:replica}"   # workers:CONN_MAX_AGE[:replica|:primary] (default primary)
python_env bench
OUT="$ROOT/var/rush"; mkdir -p "$OUT"
# One knox API token per demo account the load script plays (village heads, commune teams, districts, province),
# made here so that the measured minute is the rush, not a queue of password checks.
(cd "$ROOT" && "$VENV/bin/python" manage.py shell -v 0 -c "
import json
from knox.models import AuthToken
from accounts.models import User
users = User.objects.filter(username__regex=r'^(thon|xa|huyen)[.]|^tinh$', is_active=True)
print(json.dumps({u.username: AuthToken.objects.create(u)[1] for u in users}))
" > "$OUT/tokens.json") || die "could not make the API tokens"
export RUSH_TOKENS="$OUT/tokens.json"

serve() {  # $1 workers, $2 CONN_MAX_AGE, $3 "replica" (reads of the province and the public on the replica) or "primary"
  local old_pid
  old_pid="$(cat "$ROOT/var/gunicorn.pid" 2>/dev/null || true)"   # gunicorn removes its pid file as it stops
  if [ -n "$old_pid" ] && kill -0 "$old_pid" 2>/dev/null; then
    kill "$old_pid"
    for _ in $(seq 1 40); do kill -0 "$old_pid" 2>/dev/null || break; sleep 0.5; done
  fi
  if [ "${3:-primary}" = replica ]; then
    start_replica   # idempotent: a running replica (shared with the tests) is left as it is
    replica_environment
  else
    unset DB_REPLICA_HOST DB_REPLICA_PORT DB_REPLICA_NAME
  fi
  (cd "$ROOT" && DB_CONN_MAX_AGE="$2" "$VENV/bin/gunicorn" config.wsgi:application --pythonpath "$ROOT/platform" \
    --bind "0.0.0.0:$PORT" --workers "$1" --timeout 60 --daemon --capture-output \
    --pid "$ROOT/var/gunicorn.pid" --access-logfile "$ROOT/var/log/access.log" --error-logfile "$ROOT/var/log/error.log")
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return; sleep 0.5; done
  die "the server did not come up; see var/log/error.log"
}

# The replica's replay lag once a second during a run (geo.replica's measure: 0 once it has replayed up to the
# primary's flush position, else the age of its last replayed transaction), into $1 as "unix-time seconds" lines.
sample_lag() {
  while :; do
    local lsn lag
    lsn="$(as_postgres "psql -p '$DB_PORT' -qtAc 'SELECT pg_current_wal_flush_lsn()'" 2>/dev/null)"
    lag="$(as_postgres "psql -p '$REPLICA_PORT' -qtAc \"SELECT CASE WHEN pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn THEN 0 ELSE round(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::numeric, 2) END\"" 2>/dev/null)"
    echo "$(date +%s) ${lag:-down}" >> "$1"
    sleep 1
  done
}

for config in $CONFIGS; do
  IFS=: read -r workers age reads <<< "$config"
  reads="${reads:-primary}"
  name="w${workers}_age${age}${reads:+_$reads}"
  say "workers=$workers CONN_MAX_AGE=$age reads=$reads: $USERS users for $DURATION (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  serve "$workers" "$age" "$reads"
  rm -f "$OUT/$name.lag"
  sampler=""
  if [ "$reads" = replica ]; then sample_lag "$OUT/$name.lag" & sampler=$!; fi
  (cd "$ROOT" && RUSH_READ_FROM="$OUT/$name.readfrom" "$VENV/bin/locust" -f bench/rush_locust.py --headless -u "$USERS" -r "$RATE" \
    -t "$DURATION" --host "http://127.0.0.1:$PORT" --csv "$OUT/$name" --only-summary --loglevel WARNING) >/dev/null 2>"$OUT/$name.log" || true
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; fi
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/$name.log"
done
serve "${WEB_WORKERS:-3}" "${DB_CONN_MAX_AGE:-60}" primary
"$VENV/bin/python" "$ROOT/bench/rush_table.py" "$OUT" $CONFIGS
