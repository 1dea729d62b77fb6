/* opsdeck report: the post-migration report as Markdown, HTML or JSON, to stdout or,
 * with -o FILE, written atomically (a temporary file beside it, then rename). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "cli/report.h"
#include "core/timeutil.h"

typedef struct ReportFormat {
    const char *name;
    int (*write)(FILE *f, const ReportData *d);
} ReportFormat;

static const ReportFormat formats[] = {
    {"md", report_md},
    {"html", report_html},
    {"json", report_json},
};

static const ReportFormat *format_find(const char *name) {
    for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
        if (streq(formats[i].name, name)) {
            return &formats[i];
        }
    }
    return NULL;
}

/* "DIR/.NAME.XXXXXX" beside path, opened O_CLOEXEC with the mode a new file gets. */
static int temp_beside(const char *path, char **ret_tmp, FILE **ret_f) {
    _cleanup_(freep) char *d = strdup(path), *b = strdup(path);
    if (!d || !b) {
        return -ENOMEM;
    }
    _cleanup_(freep) char *tmp = NULL;
    if (asprintf(&tmp, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0) {
        return -ENOMEM;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int r = -errno;
        (void)close(fd);
        (void)unlink(tmp);
        return r;
    }
    *ret_tmp = TAKE_PTR(tmp);
    *ret_f = f;
    return 0;
}

/* Flush, sync and close f; then rename tmp over path, or remove tmp on failure. */
static int temp_commit(FILE *f, char *tmp, const char *path, int r) {
    if (r >= 0 && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0)) {
        r = errno ? -errno : -EIO;
    }
    if (fclose(f) != 0 && r >= 0) {
        r = -errno;
    }
    if (r >= 0 && rename(tmp, path) < 0) {
        r = -errno;
    }
    if (r < 0) {
        (void)unlink(tmp);
    }
    free(tmp);
    return r;
}

static int write_report(const Options *o, const ReportFormat *fmt, const ReportData *d) {
    if (!o->output || streq(o->output, "-")) {
        int r = fmt->write(stdout, d);
        if (r >= 0 && (fflush(stdout) != 0 || ferror(stdout))) {
            r = -EIO;
        }
        return r;
    }
    char *tmp = NULL;
    FILE *f = NULL;
    int r = temp_beside(o->output, &tmp, &f);
    if (r < 0) {
        return r;
    }
    return temp_commit(f, tmp, o->output, fmt->write(f, d));
}

int cmd_report(const Options *o, int argc, char **argv) {
    const ReportFormat *fmt = format_find(o->format ? o->format : "md");
    if (!fmt) {
        fputs("opsdeck report: unknown format '", stderr);
        out_text(stderr, o->format);
        fputs("'; use --format md, html or json\n", stderr);
        return EXIT_USAGE;
    }
    Session s;
    int rc = session_open(&s, o, argv[0], SESSION_NO_READ);
    if (rc != EXIT_OK) {
        return rc;
    }
    ReportData d;
    int r = report_data_collect(&d, &s, time_now());
    session_print_warnings(&s);
    if (r < 0) {
        fputs("opsdeck report: cannot read journal '", stderr);
        out_text(stderr, s.journal_path);
        fprintf(stderr, "': %s\n", strerror(-r));
        rc = EXIT_FAILED;
    } else if ((r = write_report(o, fmt, &d)) < 0) {
        fputs("opsdeck report: cannot write the report to '", stderr);
        out_text(stderr, o->output ? o->output : "standard output");
        fprintf(stderr, "': %s%s\n", strerror(-r), o->output ? "; the file is left as it was" : "");
        rc = EXIT_FAILED;
    }
    report_data_done(&d);
    session_close(&s);
    return rc;
}
