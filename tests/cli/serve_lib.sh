# serve_lib.sh: starting and stopping `claimwatch serve` in the command-line tests, sourced after lib.sh.
# serve_start LOG ARGS...: starts the service on a free loopback port (--listen 127.0.0.1:0, the port it
# took read from its log), sets SERVE_PID and PORT, and waits until /healthz answers. The service is
# stopped at the test's end, also on failure (the EXIT trap), by its own process id.
SERVE_PID=""
PORT=""
serve_stop() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVE_PID" 2>/dev/null
  fi
  wait "$SERVE_PID" 2>/dev/null
  SERVE_RC=$?
  SERVE_PID=""
}
trap 'serve_stop; rm -rf "$TMP"' EXIT

serve_start() {
  local log="$1"; shift
  "$CW" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
  SERVE_PID=$!
  PORT=""
  for _ in $(seq 1 600); do
    # the start line, in either language: "serve: ... listening on 127.0.0.1:PORT" / "...正在监听 127.0.0.1:PORT"
    PORT=$(grep -m1 -o '^serve: .*127\.0\.0\.1:[0-9]*$' "$log" 2>/dev/null | sed 's/.*://')
    [ -n "$PORT" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the service did not start:" >&2; sed 's/^/    /' "$log" >&2
  return 1
}

# post PATH BODY [CURL-ARGS...]: POSTs the body (@FILE: the file's), the answer to $TMP/body and its HTTP
# status to $TMP/status.
post() {
  local path="$1" body="$2"; shift 2
  case "$body" in @*) ;; *) printf '%s' "$body" >"$TMP/request"; body="@$TMP/request" ;; esac
  curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "$body" "$@" \
    "http://127.0.0.1:$PORT$path" >"$TMP/status"
}
