# Shared by deploy/up and deploy/test: install what is missing, start PostgreSQL,
# make the database role, build the Python environment. Every step is idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PG_VERSION=15
PG_CLUSTER=main
export DB_NAME="${DB_NAME:-sedp}"
export DB_USER="${DB_USER:-sedp}"
export DB_PASSWORD="${DB_PASSWORD:-sedp}"
export DB_HOST="${DB_HOST:-127.0.0.1}"
export DB_PORT="${DB_PORT:-5432}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'deploy: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_debian_packages() {
  local wanted=("$@") missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
}

# fonts-dejavu-core: a TrueType font with Vietnamese diacritics for the map drawn as PNG (province).
# postgresql-client: pg_dump writes the district template's DDL (tenants/template.py); named although
# the server package pulls it in, since provisioning depends on it.
# libreoffice-writer-nogui: official documents as PDF (geo/documents.py); fonts-liberation2: Liberation Serif,
# metric-compatible with Times New Roman (Decree 30's font, not in Debian), with Vietnamese diacritics;
# poppler-utils: pdftotext/pdftoppm, with which the tests read those PDFs back.
# nodejs: npm installs the browser libraries of package.json (served locally as static files, never from a CDN).
# Debian's npm is a separate package, NodeSource's nodejs carries it: browser_libraries installs npm only when missing.
# wrk: the HTTP load generator bench/layer_answers.py measures requests per second with (a few hundred KB).
# pgbouncer: bench/pgbouncer_search_path.py shows why the pool must be in session mode (docs/SCALE-OUT.md).
server_packages=(postgresql-$PG_VERSION postgresql-client-$PG_VERSION postgresql-$PG_VERSION-postgis-3 gdal-bin libgdal32 gettext fonts-dejavu-core
                 libreoffice-writer-nogui fonts-liberation2 poppler-utils wrk pgbouncer nodejs)

start_postgres() {
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$PG_VERSION $PG_CLUSTER$"; then
    say "Creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
    say "Starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    # A cluster that was stopped uncleanly (a machine handed on with the server
    # still running) first recovers and syncs its whole data directory; with
    # many databases that outlasts pg_ctl's default 60 s, hence the longer wait.
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start -- -t 900 || die "PostgreSQL did not start (see /var/log/postgresql/)"
  fi
  for _ in $(seq 1 30); do
    as_root su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  as_root su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 || die "PostgreSQL does not answer"
  # The local role owns the database and may create the test database and the
  # PostGIS extension in it (PostGIS is not a trusted extension, hence SUPERUSER
  # on this single-machine set-up; see docs/OPERATIONS.md, "Production").
  as_root su postgres -c "psql -qtA" <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE "$DB_USER" LOGIN SUPERUSER PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE "$DB_USER" LOGIN SUPERUSER PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SQL
  if ! as_root su postgres -c "psql -qtAc \"select 1 from pg_database where datname='$DB_NAME'\"" | grep -q 1; then
    say "Creating database $DB_NAME"
    as_root su postgres -c "createdb -O '$DB_USER' '$DB_NAME'"
  fi
  as_root su postgres -c "psql -qtA -d '$DB_NAME' -c 'CREATE EXTENSION IF NOT EXISTS postgis'" >/dev/null
}

python_env() {
  local extra="${1:-}"
  local stamp="$VENV/.installed$extra"
  local want
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the Python environment in .venv"
    python3 -m venv "$VENV" || die "python3 -m venv failed (install python3-venv)"
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing the project and its dependencies${extra:+ ($extra)}"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q -e "$ROOT${extra:+[$extra]}" || die "pip install failed"
    echo "$want" > "$stamp"
  fi
}

# The browser libraries of package.json (package-lock.json pins them) into node_modules/, which settings.py
# serves under /static/vendor/; re-run only when the lock file changes.
browser_libraries() {
  local stamp="$ROOT/node_modules/.installed" want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    command -v npm >/dev/null || install_debian_packages npm
    say "Installing the browser libraries (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null) || die "npm ci failed"
    echo "$want" > "$stamp"
  fi
}

manage() { (cd "$ROOT" && "$VENV/bin/python" manage.py "$@"); }

# ---- Streaming replica (docs/OPERATIONS.md, "Streaming replica") ----
# A second local PostgreSQL cluster, a hot standby of $PG_CLUSTER fed by streaming replication through a physical
# replication slot. The province's and the public's reads go to it (geo/replica.py). Idempotent: a running replica is
# left alone, a stopped one is started, a missing one is made with pg_basebackup. All cluster commands run as postgres.
REPLICA_CLUSTER=replica
export REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_ROLE="${REPLICA_ROLE:-sedp_replicator}"
REPLICA_PASSWORD="${REPLICA_PASSWORD:-sedp_replicator}"
REPLICA_SLOT="${REPLICA_SLOT:-sedp_replica}"

as_postgres() { as_root su postgres -c "$1"; }

replica_state() {  # online, down, or absent
  pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$REPLICA_CLUSTER" '$1==v && $2==c {print $4; f=1} END {if (!f) print "absent"}'
}

# On the primary: a replication role with a password, its pg_hba.conf line (local address; another machine's
# address for a remote replica), and the physical slot that keeps the WAL the replica has not received yet.
replica_primary_side() {
  as_postgres "psql -qtA" <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$REPLICA_ROLE') THEN
    CREATE ROLE "$REPLICA_ROLE" LOGIN REPLICATION PASSWORD '$REPLICA_PASSWORD';
  ELSE
    ALTER ROLE "$REPLICA_ROLE" LOGIN REPLICATION PASSWORD '$REPLICA_PASSWORD';
  END IF;
END \$\$;
SELECT pg_create_physical_replication_slot('$REPLICA_SLOT')
 WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = '$REPLICA_SLOT');
SQL
  local hba="/etc/postgresql/$PG_VERSION/$PG_CLUSTER/pg_hba.conf"
  local line="host    replication     $REPLICA_ROLE     ${REPLICA_FROM:-127.0.0.1/32}            scram-sha-256"
  if ! as_root grep -qF "$line" "$hba"; then
    # First match wins in pg_hba.conf: the role's line goes before Debian's catch-all replication lines.
    as_root sed -i "0,/^local[[:space:]]\+replication/s||$line\n&|" "$hba"
    as_root grep -qF "$line" "$hba" || echo "$line" | as_root tee -a "$hba" >/dev/null
    as_postgres "psql -qtAc 'SELECT pg_reload_conf()'" >/dev/null
  fi
}

start_replica() {
  local state datadir="/var/lib/postgresql/$PG_VERSION/$REPLICA_CLUSTER"
  state="$(replica_state)"
  if [ "$state" = absent ]; then
    replica_primary_side
    say "Creating the streaming replica $PG_VERSION/$REPLICA_CLUSTER on port $REPLICA_PORT (pg_basebackup)"
    as_root pg_createcluster "$PG_VERSION" "$REPLICA_CLUSTER" --port "$REPLICA_PORT" >/dev/null
    as_postgres "find '$datadir' -mindepth 1 -delete"
    # -R writes standby.signal and primary_conninfo (with the slot); -X stream copies the WAL written meanwhile.
    as_postgres "pg_basebackup -d 'host=$DB_HOST port=$DB_PORT user=$REPLICA_ROLE password=$REPLICA_PASSWORD' \
      -D '$datadir' -R -S '$REPLICA_SLOT' -X stream -c fast" || die "pg_basebackup failed"
    as_root mkdir -p "/etc/postgresql/$PG_VERSION/$REPLICA_CLUSTER/conf.d"
    printf 'hot_standby = on\nhot_standby_feedback = on\nrecovery_init_sync_method = syncfs\n' | as_root tee "/etc/postgresql/$PG_VERSION/$REPLICA_CLUSTER/conf.d/sedp-replica.conf" >/dev/null
  fi
  if [[ "$state" != online* ]]; then
    say "Starting the streaming replica $PG_VERSION/$REPLICA_CLUSTER"
    as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" start -- -t 300 || die "the replica did not start (see /var/log/postgresql/)"
  fi
  # A fresh copy syncs its data directory once before it accepts connections.
  for _ in $(seq 1 300); do
    as_postgres "psql -p '$REPLICA_PORT' -qtAc 'select pg_is_in_recovery()'" 2>/dev/null | grep -q t && return 0
    sleep 1
  done
  die "the replica does not answer on port $REPLICA_PORT"
}

stop_replica() {
  [[ "$(replica_state)" == online* ]] || return 0
  as_root pg_ctlcluster "$PG_VERSION" "$REPLICA_CLUSTER" stop && echo "Stopped the replica."
}

# The settings through which Django reads the replica (config/settings.py).
replica_environment() {
  export DB_REPLICA_HOST="${DB_REPLICA_HOST:-127.0.0.1}"
  export DB_REPLICA_PORT="${DB_REPLICA_PORT:-$REPLICA_PORT}"
  export DB_REPLICA_NAME="${DB_REPLICA_NAME:-$DB_NAME}"
}
