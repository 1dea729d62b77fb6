#include "core/db_secrets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/check.h"

/* path as a shell word: as is when it is plain, else in single quotes. */
static char *shell_word(const char *path) {
    if (*path && strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                              "/._-+,:@%=~") == strlen(path)) {
        return strdup(path);
    }
    size_t n = 2;
    for (const char *c = path; *c; c++) {
        n += *c == '\'' ? 4 : 1;
    }
    char *out = malloc(n + 1), *o = out;
    if (!out) {
        return NULL;
    }
    *o++ = '\'';
    for (const char *c = path; *c; c++) {
        if (*c == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *c;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

int db_secrets_option_file_warning(const Plan *p, const Database *db, char **ret_warning) {
    if (!db->option_file) {
        *ret_warning = NULL;
        return 0;
    }
    _cleanup_(freep) char *path = NULL;
    int r = check_plan_path(p, db->option_file, &path);
    if (r < 0) {
        return r;
    }
    struct stat st;
    if (stat(path, &st) < 0 || !(st.st_mode & (S_IRWXG | S_IRWXO))) {
        *ret_warning = NULL;
        return 0;
    }
    const char *how = st.st_mode & (S_IRGRP | S_IROTH)   ? "readable by"
                      : st.st_mode & (S_IWGRP | S_IWOTH) ? "writable by"
                                                         : "open to";
    /* a symlink: chmod follows it, but say which file it is */
    struct stat lst;
    _cleanup_(freep) char *target = NULL;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        target = realpath(path, NULL);
    }
    _cleanup_(freep) char *word = shell_word(path);
    char *out = NULL;
    if (!word ||
        asprintf(&out,
                 "database '%s': option file %s%s%s%s is %s others (mode %04o); run chmod 600 %s",
                 db->id ? db->id : "?", path, target ? " (a link to " : "", target ? target : "",
                 target ? ")" : "", how, (unsigned)(st.st_mode & 07777), word) < 0) {
        return -ENOMEM;
    }
    *ret_warning = out;
    return 0;
}
