#!/usr/bin/env bash
# What `npm test` needs beyond node_modules, installed when missing (runs as npm's pretest):
# - promtool (Debian package prometheus) checks the generated alert rules and dashboard queries;
# - redis-server, nats-server and PostgreSQL, from which the tests start private instances
#   (unless REDIS_URL / DATABASE_URL / NATS_URL point at running ones);
# - varnish with vmod_xkey (varnish-modules) and nginx with ngx_cache_purge
#   (libnginx-mod-http-cache-purge), which the edge tests run in front of the app (test/edge).
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ -z "${REDIS_URL:-}" ]; then command -v redis-server >/dev/null 2>&1 || missing+=(redis-server); fi
if [ -z "${NATS_URL:-}" ]; then command -v nats-server >/dev/null 2>&1 || missing+=(nats-server); fi
if [ -z "${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then missing+=(postgresql); fi
command -v varnishd >/dev/null 2>&1 || [ -x /usr/sbin/varnishd ] || missing+=(varnish)
ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing+=(varnish-modules)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_cache_purge_module.so ] || missing+=(libnginx-mod-http-cache-purge)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "npm test: installing ${missing[*]} (Debian packages the tests need)" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if ! command -v apt-get >/dev/null 2>&1; then
  echo "npm test: apt-get not found; install ${missing[*]} by hand (promtool comes with Prometheus)" >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
