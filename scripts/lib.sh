# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by scripts/quickstart and scripts/test: build npgw, run a private MariaDB.

npgw_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# build_npgw BUILD_DIR [configure args...]: autoreconf once, configure once, make.
build_npgw() {
  local bdir=$1; shift
  local root; root=$(npgw_root)
  [ -x "$root/configure" ] || (cd "$root" && autoreconf -fi >/dev/null)
  mkdir -p "$bdir"
  if [ ! -f "$bdir/Makefile" ]; then
    (cd "$bdir" && "$root/configure" --enable-werror "$@" >configure.out) || { cat "$bdir/configure.out"; return 1; }
  fi
  make -C "$bdir" -j"$(nproc)" >"$bdir/make.out" 2>&1 || { tail -n 40 "$bdir/make.out"; return 1; }
}

# mariadb_start DIR PORT: a private server with its data, socket and log under DIR.
# Sets MARIADB_SOCKET and MARIADB_PID. Reuses existing data.
mariadb_start() {
  local dir=$1 port=$2
  mkdir -p "$dir/data" "$dir/run"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" \
      --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 \
      || { cat "$dir/install.log"; return 1; }
  fi
  MARIADB_SOCKET="$dir/run/mysqld.sock"
  mariadbd --no-defaults --datadir="$dir/data" --socket="$MARIADB_SOCKET" \
    --pid-file="$dir/run/mysqld.pid" --port="$port" --bind-address=127.0.0.1 \
    --user="$(id -un)" --log-error="$dir/error.log" --innodb-buffer-pool-size=256M \
    --innodb-flush-log-at-trx-commit=1 --skip-name-resolve --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --open-files-limit=4096 &
  MARIADB_PID=$!
  for _ in $(seq 1 300); do
    mariadb-admin --no-defaults -S "$MARIADB_SOCKET" -u root ping >/dev/null 2>&1 && return 0
    kill -0 "$MARIADB_PID" 2>/dev/null || { tail -n 20 "$dir/error.log"; return 1; }
    sleep 0.1
  done
  echo "MariaDB did not start; see $dir/error.log" >&2
  return 1
}

mariadb_stop() {
  [ -n "${MARIADB_PID:-}" ] || return 0
  kill "$MARIADB_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$MARIADB_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$MARIADB_PID" 2>/dev/null || true
  MARIADB_PID=""
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
