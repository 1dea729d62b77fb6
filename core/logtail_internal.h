#pragma once
/* Shared by logtail.c, logtail_file.c and logtail_journal.c. */
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-journal.h>

#include "core/logtail.h"

typedef struct LogTailFile {
    char *path; /* as given */
    char *dir;  /* its directory */
    char *base; /* its file name */
    int fd;     /* the file being read; -1 when waiting for it */
    dev_t dev;
    ino_t ino;
    off_t offset; /* bytes read from fd */
    int inotify;  /* watches the file and its directory */
    int wd_file, wd_dir;
    char *partial; /* an unfinished last line; owned */
    size_t partial_len, partial_cap;
    char *buf;     /* read buffer; owned */
    bool more;     /* stopped at max_lines with data left */
    bool orphaned; /* the path no longer names fd's file; fd is read until a new one appears */
} LogTailFile;

typedef struct LogTailJournal {
    sd_journal *j;
    char *unit;
    bool have_current; /* positioned on an entry not yet delivered */
    bool more;
    char *line; /* composing buffer; owned */
    size_t line_cap;
} LogTailJournal;

struct LogTail {
    bool journal;
    LogTailConfig cfg;
    LogRing *ring; /* NULL with no_ring */
    LogTailFn fn;
    void *userdata;
    char *name;    /* sanitised */
    char *error;   /* owned, or NULL */
    char *scratch; /* sanitising buffer; owned */
    size_t scratch_len, scratch_cap;
    unsigned long long lines;
    long delivered; /* in this process() call */
    size_t work;    /* in this process() call: lines, plus one per LOGTAIL_LINE_WORK bytes */
    union {
        LogTailFile f;
        LogTailJournal jn;
    };
};

/* Deliver one raw line (not sanitised yet; no newline). */
int logtail_emit(LogTail *t, const char *s, size_t len);
/* Deliver a notice of opsdeck's own. */
void logtail_notice(LogTail *t, const char *msg);
void logtail_set_error(LogTail *t, const char *msg);

int logtail_file_start(LogTail *t, const char *path);
void logtail_file_close(LogTail *t);
long logtail_file_process(LogTail *t, size_t max_lines);

int logtail_journal_start(LogTail *t, const char *unit);
void logtail_journal_close(LogTail *t);
long logtail_journal_process(LogTail *t, size_t max_lines);
