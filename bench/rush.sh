#!/usr/bin/env bash
# The deadline rush matrix (issue 18 part 3): bench/rush_locust.py against gunicorn with 2, 4 and 8 workers and
# with connection reuse on and off (DB_CONN_MAX_AGE 60 / 0), one configuration after the other in one run, so the
# ratios compare like with like on a machine whose load changes. Each run: headless locust, USERS simulated people
# (default 60) started RATE a second (default 10) for DURATION (default 60s); its CSVs go to var/rush/<config>_*.csv
# and a table (per kind of request: req/s, p50/p95/p99 in ms, failures) is printed, then the ratios.
#
#   DB_NAME=sedp_x PORT=8718 ./deploy/up          # first: the demo data and a server on that database
#   DB_NAME=sedp_x PORT=8718 bench/rush.sh        # then the matrix; CONFIGS="4:60 4:0" picks configurations
#
# Every configuration restarts the server (var/gunicorn.pid) as deploy/up does; the last one is left running with
# deploy/up's default (3 workers, DB_CONN_MAX_AGE from the environment): stop it with ./deploy/down.
# The runs write proposals: run it on a bench database, never on a real one.
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/common.sh"
PORT="${PORT:-8000}"
USERS="${USERS:-60}"; RATE="${RATE:-10}"; DURATION="${DURATION:-60s}"
CONFIGS="${CONFIGS:-2:60 4:60 8:60 4:0}"   # workers:CONN_MAX_AGE
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

serve() {  # $1 workers, $2 CONN_MAX_AGE
  if [ -f "$ROOT/var/gunicorn.pid" ] && kill -0 "$(cat "$ROOT/var/gunicorn.pid")" 2>/dev/null; then
    kill "$(cat "$ROOT/var/gunicorn.pid")"
    for _ in $(seq 1 40); do kill -0 "$(cat "$ROOT/var/gunicorn.pid")" 2>/dev/null || break; sleep 0.5; done
  fi
  (cd "$ROOT" && DB_CONN_MAX_AGE="$2" "$VENV/bin/gunicorn" config.wsgi:application --pythonpath "$ROOT/platform" \
    --bind "0.0.0.0:$PORT" --workers "$1" --timeout 60 --daemon --capture-output \
    --pid "$ROOT/var/gunicorn.pid" --access-logfile "$ROOT/var/log/access.log" --error-logfile "$ROOT/var/log/error.log")
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return; sleep 0.5; done
  die "the server did not come up; see var/log/error.log"
}

for config in $CONFIGS; do
  workers="${config%%:*}"; age="${config##*:}"
  say "workers=$workers CONN_MAX_AGE=$age: $USERS users for $DURATION (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  serve "$workers" "$age"
  (cd "$ROOT" && "$VENV/bin/locust" -f bench/rush_locust.py --headless -u "$USERS" -r "$RATE" -t "$DURATION" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/w${workers}_age${age}" --only-summary --loglevel WARNING) >/dev/null 2>"$OUT/w${workers}_age${age}.log" || true
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/w${workers}_age${age}.log"
done
serve "${WEB_WORKERS:-3}" "${DB_CONN_MAX_AGE:-60}"
"$VENV/bin/python" "$ROOT/bench/rush_table.py" "$OUT" $CONFIGS
