#!/usr/bin/env bash
# Install or update the services on this machine, as root, from the clone at /srv/cds:
#   sudo /srv/cds/deploy/install.sh
# Creates the user cds (home /var/lib/cds, no login), its folders, copies the units to
# /etc/systemd/system, seeds the warehouse when there is none, enables and (re)starts the app and
# the timers. Idempotent: run it again after every update of /srv/cds. nginx: README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "Chạy với quyền root (sudo)." >&2; exit 1; }
[ "$PWD" = /srv/cds ] || { echo "Các unit chạy mã ở /srv/cds, không phải $PWD." >&2; exit 1; }
[ -x .venv/bin/python ] || { echo "Chưa có .venv: chạy 'make' trong /srv/cds trước." >&2; exit 1; }
command -v curl >/dev/null || { echo "cds-health cần curl: apt-get install curl" >&2; exit 1; }

id cds >/dev/null 2>&1 ||
    useradd --system --user-group --home-dir /var/lib/cds --no-create-home --shell /usr/sbin/nologin cds
install -d -o cds -g cds -m 0700 /var/lib/cds /var/lib/cds/nhan /var/backups/cds
# the analysts' passwords: readable by the app, by nobody else
if [ -f .streamlit/secrets.toml ]; then
    chown root:cds .streamlit/secrets.toml && chmod 0640 .streamlit/secrets.toml
fi

# as the service runs it: the warehouse with the reference (and sample) data before the first
# scheduled load, then the views of this version of sql/
as_cds() {
    ( umask 077; runuser -u cds -- env HOME=/var/lib/cds GX_ANALYTICS_ENABLED=False \
        WAREHOUSE_DB=/var/lib/cds/warehouse.duckdb .venv/bin/python -m warehouse "$@" )
}
as_cds seed --if-empty
as_cds build

install -m 0644 deploy/*.service deploy/*.timer /etc/systemd/system/
systemctl daemon-reload
systemctl enable cds-app.service cds-health.timer cds-load-dir.timer cds-backup.timer
systemctl restart cds-app.service
systemctl start cds-health.timer cds-load-dir.timer cds-backup.timer
systemctl --no-pager --lines=0 status cds-app.service
