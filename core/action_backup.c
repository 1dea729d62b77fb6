/* Action kind db.backup: mysqldump --single-transaction as a child, its output
 * gzipped (zlib) into DIR/<db>-YYYYmmdd-HHMMSS.sql.gz.partial with its sha256
 * (libcrypto) computed on the way, then fsync and rename; a failed dump leaves
 * nothing that looks complete.
 *
 * The credentials go in a [client] option file, mode 0600, in a private
 * directory (0700), passed as --defaults-extra-file and removed afterwards: never
 * on the command line, never in the environment (the password_env variable is
 * taken out of the child's environment too). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "core/action_internal.h"
#include "core/spawn.h"
#include "core/timeutil.h"

extern char **environ;

#define PROGRESS_EVERY (1u << 20)

typedef struct Dump {
    ActionCtx *c;
    int fd;
    z_stream z;
    bool z_ready;
    EVP_MD_CTX *md;
    uint64_t in_bytes, out_bytes, reported;
    unsigned char out[1 << 17];
    LineSplit err;
} Dump;

static int write_all(int fd, const unsigned char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += w, n -= (size_t)w;
    }
    return 0;
}

/* Deflate what is in d->z.next_in (flush: Z_NO_FLUSH or Z_FINISH) to the file. */
static int deflate_out(Dump *d, int flush) {
    for (;;) {
        d->z.next_out = d->out;
        d->z.avail_out = sizeof(d->out);
        int zr = deflate(&d->z, flush);
        if (zr == Z_STREAM_ERROR) {
            return -EIO;
        }
        size_t have = sizeof(d->out) - d->z.avail_out;
        if (have) {
            int r = write_all(d->fd, d->out, have);
            if (r < 0) {
                return r;
            }
            if (EVP_DigestUpdate(d->md, d->out, have) != 1) {
                return -EIO;
            }
            d->out_bytes += have;
        }
        if (flush == Z_FINISH ? zr == Z_STREAM_END : d->z.avail_out != 0) {
            return 0;
        }
    }
}

static int on_dump_out(void *userdata, const char *buf, size_t n) {
    Dump *d = userdata;
    d->z.next_in = (unsigned char *)buf;
    d->z.avail_in = (uInt)n;
    d->in_bytes += n;
    int r = deflate_out(d, Z_NO_FLUSH);
    if (r < 0) {
        return r;
    }
    if (d->out_bytes - d->reported >= PROGRESS_EVERY) {
        d->reported = d->out_bytes;
        act_progress(d->c, d->out_bytes, "written");
    }
    return 0;
}

static int on_dump_err(void *userdata, const char *buf, size_t n) {
    Dump *d = userdata;
    linesplit_feed(d->c, &d->err, buf, n);
    return 0;
}

/* ---- credentials ----------------------------------------------------------- */

static void put_value(FILE *f, const char *key, const char *v) {
    fprintf(f, "%s=\"", key);
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case '\\':
            fputs("\\\\", f);
            break;
        case '"':
            fputs("\\\"", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            fputc(*p, f);
        }
    }
    fputs("\"\n", f);
}

char *action_db_option_text(const ActionSpec *s, bool mask_password) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        return NULL;
    }
    fputs("# opsdeck: credentials for one run, removed afterwards\n", f);
    if (s->db_option_file) {
        fprintf(f, "!include %s\n", s->db_option_file);
    }
    fputs("[client]\n", f);
    if (s->db_user) {
        put_value(f, "user", s->db_user);
    }
    if (s->password) {
        put_value(f, "password", mask_password ? "***" : s->password);
    }
    if (s->db_socket) {
        put_value(f, "socket", s->db_socket);
        fputs("protocol=socket\n", f);
    } else {
        if (s->db_host) {
            put_value(f, "host", s->db_host);
        }
        fprintf(f, "port=%u\n", s->db_port ? s->db_port : 3306);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

char *action_db_where(const ActionSpec *s) {
    char *out = NULL;
    int k;
    if (s->db_socket) {
        k = asprintf(&out, "%s@%s/%s", s->db_user ? s->db_user : "(option file)", s->db_socket,
                     s->db_name ? s->db_name : "?");
    } else {
        k = asprintf(&out, "%s@%s:%u/%s", s->db_user ? s->db_user : "(option file)",
                     s->db_host ? s->db_host : "127.0.0.1", s->db_port ? s->db_port : 3306,
                     s->db_name ? s->db_name : "?");
    }
    return k < 0 ? NULL : out;
}

const char *action_db_password_problem(const ActionSpec *s) {
    if (!s->db_name) {
        return "the plan has no such database";
    }
    if (s->password_missing) {
        return "its password variable is not set";
    }
    if (s->db_option_file && access(s->db_option_file, R_OK) < 0) {
        return "its option_file cannot be read";
    }
    return NULL;
}

/* A private directory (0700) holding client.cnf (0600).  *ret_dir and *ret_file
 * are new strings. */
static int write_option_file(const ActionSpec *s, char **ret_dir, char **ret_file) {
    const char *bases[] = {getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR"), "/tmp"};
    char *dir = NULL;
    for (size_t i = 0; i < ELEMENTSOF(bases) && !dir; i++) {
        if (!bases[i] || bases[i][0] != '/') {
            continue;
        }
        if (asprintf(&dir, "%s/opsdeck-db-XXXXXX", bases[i]) < 0) {
            return -ENOMEM;
        }
        if (!mkdtemp(dir)) {
            dir = mfree(dir);
        }
    }
    if (!dir) {
        return -errno ? -errno : -EIO;
    }
    char *file = NULL;
    _cleanup_(freep) char *text = action_db_option_text(s, false);
    int r = text && asprintf(&file, "%s/client.cnf", dir) >= 0 ? 0 : -ENOMEM;
    int fd = r < 0 ? -1 : open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (r >= 0 && fd < 0) {
        r = -errno;
    }
    if (fd >= 0) {
        r = write_all(fd, (const unsigned char *)text, strlen(text));
        close(fd);
    }
    if (text) {
        explicit_bzero(text, strlen(text));
    }
    if (r < 0) {
        if (file) {
            unlink(file);
        }
        rmdir(dir);
        free(file);
        free(dir);
        return r;
    }
    *ret_dir = dir;
    *ret_file = file;
    return 0;
}

static void remove_option_file(char *dir, char *file) {
    if (file) {
        unlink(file);
    }
    if (dir) {
        rmdir(dir);
    }
    free(file);
    free(dir);
}

static bool is_var(const char *entry, const char *name) {
    size_t n = strlen(name);
    return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* The child's environment: ours without any password variable of the plan, nor
 * MYSQL_PWD. */
static char **dump_env(const ActionSpec *s) {
    size_t n = 0;
    while (environ && environ[n]) {
        n++;
    }
    char **v = calloc(n + 1, sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; v && i < n; i++) {
        bool secret = is_var(environ[i], "MYSQL_PWD") ||
                      (s->password_env && is_var(environ[i], s->password_env));
        for (size_t j = 0; !secret && s->secret_envs && s->secret_envs[j]; j++) {
            secret = is_var(environ[i], s->secret_envs[j]);
        }
        if (!secret) {
            v[k++] = environ[i];
        }
    }
    return v;
}

static char *dump_program(void) {
    char *p = spawn_which("mariadb-dump");
    return p ? p : spawn_which("mysqldump");
}

/* ---- the backup file -------------------------------------------------------- */

static int mkdir_p(const char *path) {
    _cleanup_(freep) char *p = strdup(path);
    if (!p) {
        return -ENOMEM;
    }
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0700) < 0 && errno != EEXIST) {
                return -errno;
            }
            *s = '/';
        }
    }
    return mkdir(p, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

static char *backup_name(const ActionSpec *s) {
    time_t now = time_now();
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    char *out = NULL;
    return asprintf(&out, "%s/%s-%s.sql.gz", s->dir, s->db_name, stamp) < 0 ? NULL : out;
}

static int sync_dir(const char *file) {
    _cleanup_(freep) char *d = strdup(file);
    if (!d) {
        return -ENOMEM;
    }
    char *slash = strrchr(d, '/');
    if (slash) {
        *(slash == d ? slash + 1 : slash) = '\0';
    }
    int fd = open(slash ? d : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    int r = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return r;
}

/* fsync the partial file and give it its final name (never over an existing one). */
static int complete(Dump *d, const char *partial, const char *final) {
    if (fsync(d->fd) < 0) {
        return -errno;
    }
    if (close(TAKE_FD(d->fd)) < 0) {
        return -errno;
    }
    if (renameat2(AT_FDCWD, partial, AT_FDCWD, final, RENAME_NOREPLACE) < 0) {
        if (errno != EINVAL && errno != ENOSYS) {
            return -errno;
        }
        if (link(partial, final) < 0) {
            return -errno;
        }
        (void)unlink(partial);
    }
    return sync_dir(final);
}

int action_describe_backup(ActionCtx *c) {
    const ActionSpec *s = c->s;
    const char *problem = action_db_password_problem(s);
    _cleanup_(freep) char *prog = dump_program();
    _cleanup_(freep) char *where = action_db_where(s);
    _cleanup_(freep) char *name = s->db_name && s->dir ? backup_name(s) : NULL;
    _cleanup_(freep) char *text = action_db_option_text(s, true);
    act_line(c, ACTION_LINE_INFO, "would dump database '%s' (%s)", s->db_id, where ? where : "?");
    act_line(c, ACTION_LINE_INFO,
             "  command: %s --defaults-extra-file=<private dir>/client.cnf --single-transaction "
             "--routines --triggers -- %s",
             prog ? prog : "mysqldump (not found in PATH)", s->db_name ? s->db_name : "?");
    act_line(c, ACTION_LINE_INFO, "  option file (mode 0600, removed afterwards):");
    for (char *p = text, *nl; p && *p; p = nl + 1) {
        nl = strchr(p, '\n');
        act_line(c, ACTION_LINE_INFO, "    %.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
        if (!nl) {
            break;
        }
    }
    act_line(c, ACTION_LINE_INFO, "  into: %s (written as .partial, gzip, sha256, then renamed)",
             name ? name : "?");
    if (problem) {
        return act_fail(c, "failed", -EINVAL, "database '%s': %s", s->db_id, problem);
    }
    return 0;
}

static int dump_fail(ActionCtx *c, const PumpResult *pr, int r) {
    char how[64];
    if (pr->cancelled) {
        return act_fail(c, "cancelled", -ECANCELED, "cancelled; the partial file was removed");
    }
    if (pr->error) {
        return act_fail(c, "failed", pr->error, "cannot write the backup: %s; nothing was kept",
                        strerror(-pr->error));
    }
    if (r < 0) {
        return act_fail(c, "failed", r, "the backup failed: %s; nothing was kept", strerror(-r));
    }
    return act_fail(c, "failed", -EIO, "mysqldump failed (%s); nothing was kept",
                    spawn_status_string(pr->status, how, sizeof(how)));
}

static int run_dump(ActionCtx *c, Dump *d, char **argv, char **envp, PumpResult *pr) {
    Child child;
    SpawnOptions so = {.argv = argv, .envp = envp, .merge_stderr = false};
    int r = spawn_child(&so, &child);
    if (r < 0) {
        return act_fail(c, "failed", r, "cannot run %s: %s", argv[0], strerror(-r));
    }
    PumpOps ops = {.out = on_dump_out, .err = on_dump_err};
    r = spawn_pump(&child, &ops, d, action_cancel_fd(c->cancel), 0, pr);
    linesplit_flush(c, &d->err);
    spawn_close(&child);
    return r;
}

static int dump_into(ActionCtx *c, Dump *d, const char *partial, const char *final) {
    const ActionSpec *s = c->s;
    _cleanup_(freep) char *prog = dump_program();
    if (!prog) {
        return act_fail(c, "failed", -ENOENT,
                        "neither mariadb-dump nor mysqldump is in PATH; install mariadb-client");
    }
    char *optdir = NULL, *optfile = NULL;
    int r = write_option_file(s, &optdir, &optfile);
    if (r < 0) {
        return act_fail(c, "failed", r, "cannot write a private option file: %s", strerror(-r));
    }
    _cleanup_(freep) char *defaults = NULL;
    _cleanup_(freep) char **envp = dump_env(s);
    if (asprintf(&defaults, "--defaults-extra-file=%s", optfile) < 0 || !envp) {
        remove_option_file(optdir, optfile);
        return act_fail(c, "failed", -ENOMEM, "out of memory");
    }
    char *argv[] = {prog,       defaults, "--single-transaction", "--routines", "--triggers", "--",
                    s->db_name, NULL};
    _cleanup_(freep) char *where = action_db_where(s);
    act_line(c, ACTION_LINE_INFO,
             "$ %s --defaults-extra-file=… --single-transaction --routines "
             "--triggers -- %s  (%s)",
             prog, s->db_name, where ? where : "");
    PumpResult pr = {0};
    r = run_dump(c, d, argv, envp, &pr);
    remove_option_file(optdir, optfile);
    d->z.next_in = NULL;
    d->z.avail_in = 0;
    int rz = r >= 0 && !pr.error && !pr.cancelled ? deflate_out(d, Z_FINISH) : 0;
    if (r < 0 || pr.error || pr.cancelled || !WIFEXITED(pr.status) || WEXITSTATUS(pr.status)) {
        return dump_fail(c, &pr, r);
    }
    if (rz < 0 || (r = complete(d, partial, final)) < 0) {
        return act_fail(c, "failed", rz < 0 ? rz : r, "cannot complete the backup file: %s",
                        strerror(-(rz < 0 ? rz : r)));
    }
    return 0;
}

static void report(ActionCtx *c, Dump *d, const char *final) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1] = "";
    if (EVP_DigestFinal_ex(d->md, md, &len) == 1) {
        for (unsigned i = 0; i < len; i++) {
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        }
    }
    act_progress(c, d->out_bytes, "written");
    act_extra_str(c, "path", final);
    act_extra_num(c, "bytes", (double)d->out_bytes);
    act_extra_str(c, "sha256", hex);
    act_extra_num(c, "dump_bytes", (double)d->in_bytes);
    act_line(c, ACTION_LINE_INFO, "backup: %s", final);
    act_line(c, ACTION_LINE_INFO, "  %llu bytes (%llu before compression), sha256 %s",
             (unsigned long long)d->out_bytes, (unsigned long long)d->in_bytes, hex);
}

int action_exec_backup(ActionCtx *c) {
    const ActionSpec *s = c->s;
    const char *problem = action_db_password_problem(s);
    if (problem) {
        return act_fail(c, "failed", -EINVAL, "cannot back up database '%s': %s%s%s", s->db_id,
                        problem, s->password_missing ? ": " : "",
                        s->password_missing ? s->password_env : "");
    }
    if (!s->dir) {
        return act_fail(c, "failed", -EINVAL, "no backup directory: set dir: in the action");
    }
    int r = mkdir_p(s->dir);
    _cleanup_(freep) char *final = backup_name(s);
    _cleanup_(freep) char *partial = NULL;
    if (r < 0) {
        return act_fail(c, "failed", r, "cannot create the backup directory '%s': %s", s->dir,
                        strerror(-r));
    }
    if (!final || asprintf(&partial, "%s.partial", final) < 0) {
        return act_fail(c, "failed", -ENOMEM, "out of memory");
    }
    Dump *d = calloc(1, sizeof(*d));
    if (!d) {
        return act_fail(c, "failed", -ENOMEM, "out of memory");
    }
    d->c = c;
    d->err.kind = ACTION_LINE_ERROR;
    d->md = EVP_MD_CTX_new();
    d->fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    bool created = d->fd >= 0;
    if (d->fd < 0) {
        r = act_fail(c, "failed", -errno, "cannot create '%s': %s", partial, strerror(errno));
    } else if (!d->md || EVP_DigestInit_ex(d->md, EVP_sha256(), NULL) != 1 ||
               deflateInit2(&d->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) !=
                   Z_OK) {
        r = act_fail(c, "failed", -ENOMEM, "cannot set up gzip and sha256");
    } else {
        d->z_ready = true;
        r = dump_into(c, d, partial, final);
    }
    if (r >= 0) {
        report(c, d, final);
    } else if (created) {
        (void)unlink(partial); /* ours: a failed dump leaves nothing behind */
    }
    if (d->fd >= 0) {
        close(d->fd);
    }
    if (d->z_ready) {
        deflateEnd(&d->z);
    }
    EVP_MD_CTX_free(d->md);
    free(d);
    return r;
}
