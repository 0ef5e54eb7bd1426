#!/bin/bash
# healthcheck [PATH]: GET PATH (default /healthz) from the local engram server with bash's /dev/tcp
# (debian:bookworm-slim has no curl); exit 0 on HTTP 200, 1 otherwise. Used by the image's
# HEALTHCHECK and by docker-compose.yml with /readyz: 200 once the stores are recovered ("ready" or
# "degraded"), 503 while recovering.
#
# The address is the server's own: ENGRAM_PORT (default 8080) on ENGRAM_HOST, where a wildcard
# (0.0.0.0, ::) is reached through loopback. /healthz and /readyz need no API key.
#
# With TLS on (ENGRAM_TLS_CERT set), bash cannot speak HTTPS: the check is then only that the port
# accepts TCP connections. Install curl in the image and use `curl -fsk https://127.0.0.1:8080/readyz`
# if readiness matters there.
set -u

path=${1:-/healthz}
port=${ENGRAM_PORT:-8080}
host=${ENGRAM_HOST:-127.0.0.1}
case $host in
  "" | 0.0.0.0) host=127.0.0.1 ;;
  :: | "[::]") host=::1 ;;
  \[*\]) host=${host#[}; host=${host%]} ;;
esac

if ! exec 3<>"/dev/tcp/$host/$port"; then
  echo "healthcheck: cannot connect to $host:$port" >&2
  exit 1
fi

if [ -n "${ENGRAM_TLS_CERT:-}" ]; then
  exec 3>&-
  exit 0
fi

printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: engram-healthcheck\r\nConnection: close\r\n\r\n' "$path" >&3
status=""
IFS= read -r -t 5 status <&3 || true
exec 3>&-
status=${status%$'\r'}
case $status in
  "HTTP/1."?" 200"*) exit 0 ;;
esac
echo "healthcheck: GET $path on $host:$port answered '${status:-nothing}'" >&2
exit 1
