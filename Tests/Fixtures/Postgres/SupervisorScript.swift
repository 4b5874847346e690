/// The shell script between a sandbox and its `postgres`: it initialises the data directory, runs
/// the server as the `postgres` user (PostgreSQL refuses root) and takes one command a line on its
/// standard input, answering one line each on its standard output:
///
/// - `start` → `ready`, or `failed: …` (also the answer to the launch itself);
/// - `stop` → `stopped` (a fast shutdown, the data kept for the next `start`);
/// - end of input → the server is stopped, the directory removed, the script exits.
///
/// End of input is what ties the server to the process that started it: the sandbox keeps the write
/// end of that channel (a socket pair made close-on-exec, so no other child inherits it), and the kernel closes it when
/// that process exits however it ends, SIGKILL included. Should the script itself be killed, the
/// server gets SIGQUIT as its parent-death signal (setpriv's `--pdeathsig`) and stops at once.
enum SupervisorScript {
    /// Arguments: bin directory, sandbox directory, port, then extra `postgres -c` settings.
    static let text = #"""
        set -u
        bin=$1 dir=$2 port=$3
        shift 3
        settings=()
        for setting in "$@"; do settings+=(-c "$setting"); done
        as_postgres=(setpriv --pdeathsig QUIT)
        if [ "$(id -u)" -eq 0 ]; then
          as_postgres+=(--reuid=postgres --regid=postgres --init-groups)
          chown postgres "$dir"
        fi
        cd "$dir" || exit 1
        log="$dir/server.log"
        server=
        start() {
          if [ ! -f "$dir/data/PG_VERSION" ]; then
            if ! "${as_postgres[@]}" -- "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
                --no-sync >>"$log" 2>&1; then
              echo "failed: initdb failed, see $log"
              return
            fi
          fi
          "${as_postgres[@]}" -- "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" \
            -c listen_addresses=127.0.0.1 "${settings[@]}" >>"$log" 2>&1 &
          server=$!
          for _ in $(seq 1 300); do
            if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then echo ready; return; fi
            if ! kill -0 "$server" 2>/dev/null; then
              wait "$server"
              server=
              echo "failed: postgres exited at start: $(tail -n 3 "$log" | tr '\n' ' ')"
              return
            fi
            sleep 0.1
          done
          echo "failed: postgres did not accept connections within 30 s, see $log"
        }
        stop() {
          if [ -n "$server" ]; then
            kill -INT "$server" 2>/dev/null
            for _ in $(seq 1 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
            kill -QUIT "$server" 2>/dev/null
            wait "$server" 2>/dev/null
            server=
          fi
          echo stopped
        }
        finish() {
          stop >/dev/null
          rm -rf "$dir"
          exit 0
        }
        trap finish TERM INT HUP
        start
        while read -r command; do
          case "$command" in
            start) start ;;
            stop) stop ;;
            *) echo "failed: unknown command $command" ;;
          esac
        done
        finish
        """#
}
