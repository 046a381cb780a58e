#!/usr/bin/env bash
# Installs PostgreSQL 15 from Debian and builds pgvector from Debian's own source package of the
# next release (pgvector is not packaged for bookworm). The system's apt sources are never edited:
# a private deb-src list and private list/cache dirs are handed to apt with -o options, and the
# mirror is read from the system's own apt configuration rather than written here.
# Then starts a throwaway cluster on 127.0.0.1 and prints its connection string on the last line.
set -euo pipefail

PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
PORT=${AI_ASSISTANT_PG_PORT:-54329}
WORK=${AI_ASSISTANT_PG_WORK:-/tmp/ai-assistant-pg}
export DEBIAN_FRONTEND=noninteractive

log() { echo "[setup-postgres] $*" >&2; }

need_pkgs=()
for p in postgresql-$PGVER postgresql-server-dev-$PGVER dpkg-dev build-essential; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]}"
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
fi

if [ ! -f "/usr/share/postgresql/$PGVER/extension/vector.control" ]; then
  mirror=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    mirror=$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | head -n1 | awk '{print $2}')
  fi
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(grep -h -E '^deb ' /etc/apt/sources.list | grep -v security | head -n1 | awk '{print $2}')
  fi
  [ -n "$mirror" ] || { log "no Debian mirror found in apt sources"; exit 1; }
  apt_dir="$WORK/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/parts"
  echo "deb-src $mirror trixie main" > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives")
  log "fetching Debian's pgvector source package"
  apt-get "${apt_opts[@]}" update -qq >&2
  src="$WORK/src"; rm -rf "$src"; mkdir -p "$src"
  (cd "$src" && apt-get "${apt_opts[@]}" source -qq pgvector >&2)
  dir=$(find "$src" -maxdepth 1 -mindepth 1 -type d -name 'pgvector*' | head -n1)
  log "building $(basename "$dir")"
  make -s -C "$dir" PG_CONFIG="$PGBIN/pg_config" OPTFLAGS="" >&2
  make -s -C "$dir" PG_CONFIG="$PGBIN/pg_config" install >&2
fi

data="$WORK/data"
if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"; mkdir -p "$data"; chown -R postgres:postgres "$WORK" 2>/dev/null || true
  chown postgres:postgres "$data"
  su postgres -c "$PGBIN/initdb -D '$data' -U postgres --auth=trust -E UTF8 >/dev/null"
fi
if ! su postgres -c "$PGBIN/pg_ctl -D '$data' status" >/dev/null 2>&1; then
  su postgres -c "$PGBIN/pg_ctl -D '$data' -l '$data/server.log' -w -o '-h 127.0.0.1 -p $PORT -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' start" >&2
fi
psql -h 127.0.0.1 -p "$PORT" -U postgres -qAt -c "CREATE EXTENSION IF NOT EXISTS vector; SELECT 'pgvector ' || extversion FROM pg_extension WHERE extname='vector'" >&2
echo "postgresql://postgres@127.0.0.1:$PORT"
