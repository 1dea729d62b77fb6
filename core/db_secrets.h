#pragma once
/* Database credentials at rest: whether a database's option_file, which holds
 * its password, is open to other users.  A file-system look only (stat, no
 * client library), so validate, status and the panel can say it before anything
 * connects. */
#include "core/plan.h"

/* The warning about database db of plan p, a new sentence in *ret_warning:
 *   "database 'uplink': option file /root/.my.cnf is readable by others
 *    (mode 0644); run chmod 600 /root/.my.cnf"
 * when its option_file (resolved as the checks open it, a symlink followed) is
 * readable, writable or executable by its group or others.  *ret_warning = NULL
 * when there is nothing to say: no option_file, only its owner can use it, or
 * it cannot be stat()ed (whatever opens it reports that).  The file is never
 * read.  Returns 0, or -ENOMEM (*ret_warning untouched). */
int db_secrets_option_file_warning(const Plan *p, const Database *db, char **ret_warning);
