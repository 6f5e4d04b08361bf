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
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start || die "PostgreSQL did not start (see /var/log/postgresql/)"
  fi
  for _ in $(seq 1 30); do
    as_root su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  as_root su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 || die "PostgreSQL does not answer"
  # The local role owns the database and may create the test database and the
  # PostGIS extension in it (PostGIS is not a trusted extension, hence SUPERUSER
  # on this single-machine set-up; see README, "Production").
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
