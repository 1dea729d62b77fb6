/* opsdeck import RUNBOOK.md [-o PLAN.yaml]: a plan from a Markdown runbook, checked with
 * the plan loader before a byte is written, and written whole or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "core/runbook_import.h"

/* "FILE:LINE: could not map: ..." for each note; errors as "FILE:LINE:COL: ...". */
static void print_diags(const DiagList *d) {
    for (size_t i = 0; i < d->n; i++) {
        const Diag *x = &d->v[i];
        if (x->level == DIAG_ERROR && x->line == 0) {
            continue; /* said by the caller in a sentence of its own */
        }
        out_text(stderr, d->file);
        if (x->level == DIAG_WARNING) {
            fprintf(stderr, ":%u: could not map: ", x->line);
        } else {
            fprintf(stderr, ":%u:%u: ", x->line, x->col);
        }
        out_text(stderr, x->msg);
        fputc('\n', stderr);
    }
}

static const char *first_reason(const DiagList *d) {
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].level == DIAG_ERROR) {
            return d->v[i].msg;
        }
    }
    return "nothing to import";
}

static int write_all(int fd, const char *data, size_t len) {
    for (size_t off = 0; off < len;) {
        ssize_t k = write(fd, data + off, len - off);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        off += (size_t)k;
    }
    return 0;
}

/* Write to a temporary file beside path, sync it, rename it over path, sync the
 * directory: a reader sees the old plan or the whole new one, never half of it. */
static int write_atomic(const char *path, const char *data, size_t len) {
    _cleanup_(freep) char *dcopy = strdup(path);
    _cleanup_(freep) char *bcopy = strdup(path);
    _cleanup_(freep) char *tmp = NULL;
    if (!dcopy || !bcopy) {
        return -ENOMEM;
    }
    const char *dir = dirname(dcopy);
    if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, basename(bcopy)) < 0) {
        tmp = NULL;
        return -ENOMEM;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    mode_t mask = umask(0);
    umask(mask);
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask);
    int r = fchmod(fd, mode) < 0 ? -errno : 0;
    if (r == 0) {
        r = write_all(fd, data, len);
    }
    if (r == 0 && fsync(fd) < 0) {
        r = -errno;
    }
    if (close(fd) < 0 && r == 0) {
        r = -errno;
    }
    if (r == 0 && rename(tmp, path) < 0) {
        r = -errno;
    }
    if (r < 0) {
        (void)unlink(tmp);
        return r;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        (void)close(dfd);
    }
    return 0;
}

static int report_failure(const char *path, int r, const DiagList *d) {
    fputs("opsdeck: ", stderr);
    switch (r) {
    case -ENOMSG:
        fputs("'", stderr);
        out_text(stderr, path);
        fputs("' has no checklist to import: ", stderr);
        out_text(stderr, first_reason(d));
        fputs(".\nWrite each step as a task-list line, '- [ ] Back up the database', under "
              "the heading of its phase.\n",
              stderr);
        return EXIT_USAGE;
    case -EILSEQ:
        fputs("'", stderr);
        out_text(stderr, path);
        fputs("' is not UTF-8 text; nothing imported\n", stderr);
        return EXIT_USAGE;
    case -ENOMEM:
        fputs("out of memory\n", stderr);
        return EXIT_FAILED;
    default:
        fputs("cannot read runbook '", stderr);
        out_text(stderr, path);
        fprintf(stderr, "': %s\n", r == -EFBIG ? "larger than 256 MiB" : strerror(-r));
        return EXIT_USAGE;
    }
}

/* The plan loader must accept what we write; if it does not, that is our bug. */
static int self_check(const char *name, const RunbookImport *imp) {
    _cleanup_(diag_list_freep) DiagList *d = diag_list_new(name);
    _cleanup_(plan_freep) Plan *p = NULL;
    if (!d) {
        return -ENOMEM;
    }
    int r = plan_load_buffer(name, imp->yaml, imp->yaml_len, d, &p);
    if (r < 0 && r != -ENOMEM) {
        fputs("opsdeck: the imported plan does not validate; this is a bug in opsdeck "
              "import, please report it with the runbook:\n",
              stderr);
        diag_sort(d);
        diag_print(d, stderr);
    }
    return r;
}

int cmd_import(const Options *o, int argc, char **argv) {
    const char *path = argv[0];
    const char *output = o->output && strcmp(o->output, "-") != 0 ? o->output : NULL;
    if (output && o->readonly) {
        fputs("opsdeck: --readonly: not writing '", stderr);
        out_text(stderr, output);
        fputs("'\n", stderr);
        return EXIT_USAGE;
    }
    _cleanup_(diag_list_freep) DiagList *d = diag_list_new(path);
    _cleanup_(runbook_import_freep) RunbookImport *imp = NULL;
    if (!d) {
        return EXIT_FAILED;
    }
    int r = runbook_import_file(path, d, &imp);
    diag_sort(d);
    print_diags(d);
    if (r < 0) {
        return report_failure(path, r, d);
    }
    r = self_check(output ? output : "(the imported plan)", imp);
    if (r < 0) {
        return EXIT_FAILED;
    }
    if (output) {
        r = write_atomic(output, imp->yaml, imp->yaml_len);
        if (r < 0) {
            fputs("opsdeck: cannot write plan '", stderr);
            out_text(stderr, output);
            fprintf(stderr, "': %s; nothing written\n", strerror(-r));
            return EXIT_FAILED;
        }
    } else if (fwrite(imp->yaml, 1, imp->yaml_len, stdout) != imp->yaml_len ||
               fflush(stdout) != 0) {
        fprintf(stderr, "opsdeck: cannot write the plan: %s\n", strerror(errno));
        return EXIT_FAILED;
    }
    size_t notes = d->n - d->n_errors;
    fprintf(stderr, "imported %zu phase%s, %zu item%s and %zu rollback step%s from '",
            imp->n_phases, imp->n_phases == 1 ? "" : "s", imp->n_items,
            imp->n_items == 1 ? "" : "s", imp->n_rollback, imp->n_rollback == 1 ? "" : "s");
    out_text(stderr, path);
    fprintf(stderr, "'%s", output ? " to '" : "");
    if (output) {
        out_text(stderr, output);
        fputc('\'', stderr);
    }
    if (notes) {
        fprintf(stderr, "; %zu thing%s could not be mapped (above)", notes, notes == 1 ? "" : "s");
    }
    fputs("\n", stderr);
    return EXIT_OK;
}
