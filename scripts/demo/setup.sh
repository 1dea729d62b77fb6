#!/usr/bin/env bash
# Runs INSIDE the demo's private systemd (scripts/demo.sh, through nsenter):
# installs and starts what examples/uplink-2.0.yaml watches.  Everything it
# writes lands on the overlay or on tmpfs mounts of the private mount
# namespace, gone when that systemd stops: it refuses to run anywhere else.
#   setup.sh DIR     DIR: this directory, copied to the exchange directory
#   DEMO_DB_PASSWORD the password of MariaDB user uplink (the plan's password_env)
set -u
SRC=$1
PW=${DEMO_DB_PASSWORD:?}
LIB=/usr/local/lib/opsdeck-demo
# a TMPDIR from outside may not exist in here, or not be writable by mysql
unset TMPDIR
failed=0

if [ "$(stat -f -c %T /)" != overlayfs ] || [ "$(cat /proc/1/comm)" != systemd ]; then
    echo "setup.sh: not inside the demo's private systemd (/ is not an overlay): refusing" >&2
    exit 2
fi
say() { echo "demo: $*" >&2; }
fail() {
    say "$*"
    failed=$((failed + 1))
}
# wait_for SECONDS CMD...: until CMD succeeds (bounded)
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.1
    done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# start UNIT...: bounded, whatever a unit's own TimeoutStartSec (MariaDB's is 15 min)
start() { timeout 60 systemctl start "$@"; }

# the app: its programs, units and log directory
install -d "$LIB" /var/log/uplink
install -m 0755 "$SRC/web.py" "$SRC/worker.sh" "$LIB/"
for f in error access gunicorn_error django security system_health; do
    echo "$(date '+%Y-%m-%d %H:%M:%S') INFO opsdeck demo: $f.log opened" >>"/var/log/uplink/$f.log"
done
cp "$SRC"/units/* /run/systemd/system/
systemctl daemon-reload

# MariaDB: a fresh, small data directory on a tmpfs of its own (not the host's
# data, not even a copy of it), then the plan's database, user and tables
cat >/etc/mysql/mariadb.conf.d/90-opsdeck-demo.cnf <<'CNF'
# make demo: a small server on the private systemd's tmpfs
[mariadbd]
bind-address = 127.0.0.1
innodb_buffer_pool_size = 32M
innodb_log_file_size = 8M
CNF
mkdir -p /var/lib/mysql
mount -t tmpfs -o mode=0755 demo-mysql /var/lib/mysql
chown mysql:mysql /var/lib/mysql
db_sql() {
    cat <<SQL
CREATE DATABASE uplink;
CREATE USER 'uplink'@'localhost' IDENTIFIED BY '$PW';
CREATE USER 'uplink'@'127.0.0.1' IDENTIFIED BY '$PW';
GRANT ALL ON uplink.* TO 'uplink'@'localhost', 'uplink'@'127.0.0.1';
GRANT SELECT ON mysql.slow_log TO 'uplink'@'localhost', 'uplink'@'127.0.0.1';
CREATE TABLE uplink.catalogue_product (id INT AUTO_INCREMENT PRIMARY KEY,
    sku VARCHAR(32) NOT NULL, name VARCHAR(128) NOT NULL, price DECIMAL(10, 2) NOT NULL);
INSERT INTO uplink.catalogue_product (sku, name, price) VALUES
    ('SW-24G', '24-port gigabit switch', 189.00), ('RT-AX3', 'Edge router', 249.50),
    ('CB-C6A-5', 'Cat6a patch cable, 5 m', 6.90), ('AP-W6', 'Wi-Fi 6 access point', 139.00);
CREATE TABLE uplink.contacts_contact (id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(128) NOT NULL, email VARCHAR(128) NOT NULL, company VARCHAR(128));
INSERT INTO uplink.contacts_contact (name, email, company) VALUES
    ('Ada Ops', 'ada@example.org', 'Sensational Systems'),
    ('Brian Backup', 'brian@example.org', 'Sensational Systems'),
    ('Chidi Customer', 'chidi@example.com', 'Example Ltd');
SQL
}
if ! timeout 60 mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/run/demo-mariadb-install.log 2>&1; then
    fail "mariadb-install-db failed: $(grep -m3 -iE 'error|fatal|abort' /run/demo-mariadb-install.log | tr '\n' ' ')"
elif ! start mariadb.service; then
    fail "mariadb.service did not start"
elif ! db_sql | timeout 30 mariadb; then
    fail "could not create the uplink database"
fi

# Redis: Debian's unit and configuration; the queue starts empty
if ! start redis-server.service || ! wait_for 10 redis-cli -h 127.0.0.1 PING; then
    fail "redis-server.service did not start"
else
    redis-cli -h 127.0.0.1 DEL huey.redis.uplink >/dev/null
fi

# the checkout being deployed: tagged history, an origin, a commit not pushed yet
# and an uncommitted change, so the panel's git status has something to say
# (on the overlay: a host's /opt/uplink, if any, is not touched)
rm -rf /opt/uplink /srv/git/uplink.git
if ! (
    set -e
    export GIT_AUTHOR_NAME="Uplink Dev" GIT_AUTHOR_EMAIL=dev@example.org
    export GIT_COMMITTER_NAME="Uplink Dev" GIT_COMMITTER_EMAIL=dev@example.org
    git init -q --bare -b main /srv/git/uplink.git
    git init -q -b main /opt/uplink
    cd /opt/uplink
    git remote add origin /srv/git/uplink.git
    mkdir -p uplink
    printf 'Django==3.2.25\nmysqlclient==2.1.1\nhuey==2.4.5\n' >requirements.txt
    echo "# Uplink" >README.md
    git add -A && git commit -q -m "Uplink on Python 3.9 / Django 3.2"
    git tag -a -m "Python 3.9, Django 3.2" v1.0-python3.9-django3.2
    git checkout -q -b upgrade-python-3.12
    printf '[project]\nname = "uplink"\nrequires-python = ">=3.12"\n' >pyproject.toml
    git add -A && git commit -q -m "Python 3.12, dependencies with uv"
    git checkout -q -b upgrade-django-4.2
    printf 'dependencies = ["Django>=4.2,<5", "mysqlclient>=2.2", "huey>=2.5"]\n' >>pyproject.toml
    git rm -q requirements.txt && git commit -q -a -m "Django 4.2 LTS"
    git checkout -q main && git merge -q --ff-only upgrade-django-4.2
    git tag -a -m "Python 3.12, Django 4.2 LTS" v2.0-stable
    git push -q -u origin main upgrade-python-3.12 upgrade-django-4.2 --follow-tags
    echo "def health(request): ..." >uplink/health.py
    git add -A && git commit -q -m "Health check endpoints (not pushed yet)"
    echo "Upgrade notes: see the runbook." >>README.md
    echo "DEBUG = False" >uplink/settings.py
); then
    fail "could not create the git repository /opt/uplink"
fi

# the services, then what the plan's checks need to find up
start uplink-web.service uplink-huey.service uplink-daphne.service uplink-cleanup.timer ||
    fail "the uplink units did not all start"
start uplink-cleanup.service || fail "uplink-cleanup.service failed"
wait_for 10 port_open 8000 || fail "uplink-web does not answer on 127.0.0.1:8000"
exit $((failed > 0))
