#include "cli/version.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <git2.h>
#include <hiredis/hiredis.h>
#include <mysql.h>
#include <ncurses.h>
#include <yaml.h>
#include <zlib.h>

#ifndef LIBSYSTEMD_VERSION
#define LIBSYSTEMD_VERSION "unknown"
#endif

void version_print(FILE *f) {
    int major = 0, minor = 0, rev = 0;
    (void)git_libgit2_version(&major, &minor, &rev);
    fprintf(f, "opsdeck %s\n", OPSDECK_VERSION);
    fprintf(f, "  ncurses %s\n", curses_version());
    fprintf(f, "  libyaml %s\n", yaml_get_version_string());
    fprintf(f, "  libsystemd %s\n", LIBSYSTEMD_VERSION);
    fprintf(f, "  libgit2 %d.%d.%d\n", major, minor, rev);
    fprintf(f, "  MariaDB client %s\n", mysql_get_client_info());
    fprintf(f, "  hiredis %d.%d.%d\n", HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH);
    fprintf(f, "  libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
    fprintf(f, "  cJSON %s\n", cJSON_Version());
    fprintf(f, "  zlib %s\n", zlibVersion());
}
