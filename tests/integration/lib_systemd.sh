# A private systemd for the integration tests, booted as PID 1 of its own PID
# and mount namespaces on an overlay of the host's root (never on the host
# filesystem itself: its boot services would write there, and systemd-tmpfiles
# would empty the host's /tmp).  Source after tests/lib.sh.
#
#   sd_can_boot || { t_skip NAME "$SD_SKIP"; ...; }   # root? systemd installed?
#   sd_boot                       # boots; sets SD_PID (PID 1 inside, seen from here)
#   sd_exec CMD...                # run CMD inside (mount + PID namespace: its bus, its journal)
#   sd_unit NAME <<EOF ... EOF    # install a unit in /run/systemd/system and daemon-reload
#   sd_shutdown                   # systemctl poweroff inside, bounded; kills what is left
#   free_port                     # a free loopback TCP port (the network is shared)
#
# SD_EXCH is the exchange directory: bind-mounted at the same path inside, so
# files written on either side are seen on both.
#
# Opt-ins, set before sd_boot (the defaults are what the tests rely on):
#   SD_NETNS=1        its own network namespace too, with only lo (brought up):
#                     servers in there may take any port without touching the
#                     host's; sd_exec enters it as well
#   SD_OWNER_PID=PID  the watchdog also ends the systemd once PID is gone, so it
#                     cannot outlive a script that was killed without its traps
SD_BIN=${SD_BIN:-/lib/systemd/systemd}
SD_PID=
SD_UNSHARE_PID=
SD_WATCHDOG_PID=
SD_EXCH="$T_TMP/exchange"
SD_SKIP=
# The units that reach past a sandbox (kernel settings, the clock, the console,
# the disk) are masked; they would act on the host, not on the overlay.
SD_MASK="systemd-sysctl.service systemd-binfmt.service systemd-modules-load.service
proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount systemd-timesyncd.service
systemd-pstore.service systemd-random-seed.service systemd-firstboot.service
systemd-repart.service getty@.service serial-getty@.service console-getty.service
container-getty@.service getty-static.service getty.target timers.target"
# It boots to basic.target (the bus, journald, no multi-user services), and
# the host's servers are masked too: the network namespace is shared, so a
# MariaDB or Redis started in there would take the host's ports.
SD_TARGET=${SD_TARGET:-basic.target}
SD_MASK_SERVERS="mariadb.service mysql.service postgresql.service postgresql@.service
redis-server.service redis.service ssh.service ssh.socket nginx.service apache2.service"

sd_can_boot() {
    if [ "$(id -u)" -ne 0 ]; then
        SD_SKIP="needs root to boot a private systemd (PID and mount namespaces)"
        return 1
    fi
    if [ ! -x "$SD_BIN" ]; then
        SD_SKIP="systemd is not installed ($SD_BIN missing; scripts/install-deps.sh installs it)"
        return 1
    fi
    local c
    for c in unshare nsenter setsid mount $([ "${SD_NETNS:-0}" = 1 ] && echo ip); do
        if ! command -v "$c" >/dev/null 2>&1; then
            SD_SKIP="'$c' is not installed"
            return 1
        fi
    done
    if ! grep -qw overlay /proc/filesystems 2>/dev/null && ! modprobe overlay 2>/dev/null; then
        SD_SKIP="the kernel has no overlayfs"
        return 1
    fi
    return 0
}

# The script that runs as PID 1 of the new namespaces until it execs systemd.
_sd_write_init() {
    local base=$1 init=$2 net=:
    # a new network namespace starts with lo down: nothing could reach 127.0.0.1
    [ "${SD_NETNS:-0}" = 1 ] && net="ip link set lo up"
    cat >"$init" <<INIT
#!/bin/sh
set -e
$net
mount --make-rprivate /
mount -t tmpfs -o mode=0755 sdbase '$base'
mkdir -p '$base/upper' '$base/work' '$base/root'
mount -t overlay overlay -o 'lowerdir=/,upperdir=$base/upper,workdir=$base/work' '$base/root'
R='$base/root'
mount --rbind /dev "\$R/dev"
mount --rbind /sys "\$R/sys"
mount -t proc proc "\$R/proc"
mount -t tmpfs -o mode=0755 run "\$R/run"
mount -t tmpfs -o mode=1777 tmp "\$R/tmp"
mkdir -p "\$R$SD_EXCH"
mount --bind '$SD_EXCH' "\$R$SD_EXCH"
mkdir -p "\$R/etc/systemd/system"
for u in $(echo $SD_MASK $SD_MASK_SERVERS); do
    rm -f "\$R/etc/systemd/system/\$u"
    ln -s /dev/null "\$R/etc/systemd/system/\$u"
done
# the journal lives on the fresh /run (tmpfs), not on the overlay, and takes every
# line: the tests and the bench flood it on purpose
mkdir -p "\$R/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRateLimitIntervalSec=0\nRateLimitBurst=0\n' >"\$R/etc/systemd/journald.conf.d/opsdeck-test.conf"
# no machine-id: systemd makes a transient one on the overlay
rm -f "\$R/etc/machine-id"
: >"\$R/etc/machine-id"
mkdir -p "\$R/.oldroot"
cd "\$R"
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot 2>/dev/null || true
echo ready >'$SD_EXCH/.booting'
exec $SD_BIN --system --unit=$SD_TARGET --log-target=journal --show-status=false </dev/null >/dev/null 2>&1
INIT
    chmod +x "$init"
}

# The host PID of the namespace's PID 1: the child of unshare.
_sd_find_pid() {
    local c
    c=$(cat "/proc/$SD_UNSHARE_PID/task/$SD_UNSHARE_PID/children" 2>/dev/null) || return 1
    set -- $c
    [ -n "${1:-}" ] || return 1
    SD_PID=$1
}

sd_exec() {
    if [ "${SD_NETNS:-0}" = 1 ]; then
        nsenter -t "$SD_PID" -m -p -n -- "$@"
    else
        nsenter -t "$SD_PID" -m -p -- "$@"
    fi
}

# sd_boot [SECONDS]: boot and wait until systemd has finished starting up.
sd_boot() {
    local limit=${1:-60} base deadline state
    mkdir -p "$SD_EXCH" "$T_TMP/sdbase"
    chmod 0755 "$T_TMP" "$SD_EXCH"
    base="$T_TMP/sdbase"
    _sd_write_init "$base" "$T_TMP/sd-init.sh"
    local net=
    [ "${SD_NETNS:-0}" = 1 ] && net=--net
    setsid unshare --pid --fork --mount $net "$T_TMP/sd-init.sh" >"$T_TMP/sd-init.log" 2>&1 &
    SD_UNSHARE_PID=$!
    # a watchdog: however the test goes, this systemd does not outlive SD_MAX_SECONDS
    # (nor SD_OWNER_PID, when set: checked every second)
    (
        trap 'kill "$sp" 2>/dev/null; exit 0' TERM
        if [ -n "${SD_OWNER_PID:-}" ]; then
            end=$((SECONDS + ${SD_MAX_SECONDS:-900}))
            while [ $SECONDS -lt $end ] && kill -0 "$SD_OWNER_PID" 2>/dev/null; do
                sleep 1 &
                sp=$!
                wait "$sp" || exit 0
            done
        else
            sleep "${SD_MAX_SECONDS:-900}" &
            sp=$!
            wait "$sp" || exit 0
        fi
        c=$(cat "/proc/$SD_UNSHARE_PID/task/$SD_UNSHARE_PID/children" 2>/dev/null)
        [ -n "$c" ] && kill -9 $c
    ) >/dev/null 2>&1 </dev/null &
    SD_WATCHDOG_PID=$!
    deadline=$((SECONDS + limit))
    while [ $SECONDS -lt $deadline ]; do
        if ! kill -0 "$SD_UNSHARE_PID" 2>/dev/null; then
            SD_SKIP="the private systemd did not boot: $(tr '\n' ' ' <"$T_TMP/sd-init.log")"
            return 1
        fi
        if [ -f "$SD_EXCH/.booting" ] && _sd_find_pid &&
            [ "$(readlink "/proc/$SD_PID/exe" 2>/dev/null)" = "$(readlink -f "$SD_BIN")" ]; then
            break
        fi
        sleep 0.05
    done
    [ -n "$SD_PID" ] || { SD_SKIP="the private systemd did not start within ${limit}s"; return 1; }
    while [ $SECONDS -lt $deadline ]; do
        state=$(sd_exec systemctl is-system-running 2>/dev/null)
        case $state in
        running | degraded) break ;;
        esac
        sleep 0.1
    done
    case $state in
    running | degraded) ;;
    *)
        SD_SKIP="the private systemd did not finish booting within ${limit}s (state: ${state:-none})"
        sd_shutdown
        return 1
        ;;
    esac
    # the system bus: started on demand by dbus.socket
    deadline=$((SECONDS + 20))
    while [ $SECONDS -lt $deadline ]; do
        sd_exec busctl --system status >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    SD_SKIP="the private systemd has no system bus (is dbus installed?)"
    sd_shutdown
    return 1
}

# sd_unit NAME: the unit file from stdin, installed in /run/systemd/system.
sd_unit() {
    local name=$1
    cat >"$SD_EXCH/.unit.$name"
    sd_exec sh -c "cp '$SD_EXCH/.unit.$name' '/run/systemd/system/$name' && systemctl daemon-reload"
}

sd_shutdown() {
    [ -n "$SD_UNSHARE_PID" ] || return 0
    local deadline
    if [ -n "$SD_PID" ]; then
        sd_exec systemctl poweroff --no-block >/dev/null 2>&1 || true
    fi
    deadline=$((SECONDS + 20))
    while [ $SECONDS -lt $deadline ] && kill -0 "$SD_UNSHARE_PID" 2>/dev/null; do
        sleep 0.1
    done
    if kill -0 "$SD_UNSHARE_PID" 2>/dev/null; then
        # PID 1 of a PID namespace takes everything in it along
        [ -n "$SD_PID" ] && kill -9 "$SD_PID" 2>/dev/null
        kill -9 "$SD_UNSHARE_PID" 2>/dev/null
    fi
    wait "$SD_UNSHARE_PID" 2>/dev/null
    if [ -n "$SD_WATCHDOG_PID" ]; then
        kill "$SD_WATCHDOG_PID" 2>/dev/null
        wait "$SD_WATCHDOG_PID" 2>/dev/null
    fi
    SD_PID= SD_UNSHARE_PID= SD_WATCHDOG_PID=
}

# sd_stage_opsdeck: the binary and the themes into the exchange directory, the only
# one the private systemd shares with the host (the checkout may live under /tmp,
# which it does not see).  Sets X (the exchange directory), OD (the binary there),
# J (a --state option for a journal there) and TM_THEMES for tests/e2e/tmux.sh.
sd_stage_opsdeck() {
    X=$SD_EXCH
    cp "$OPSDECK" "$X/opsdeck"
    cp -r "$ROOT/themes" "$X/themes"
    export TM_THEMES="$X/themes"
    OD="$X/opsdeck"
    J="--state $X/journal"
}
in_ns() { sd_exec "$@"; }

# A free loopback TCP port.
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 30000))
        if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
            echo "$p"
            return 0
        fi
    done
    return 1
}
