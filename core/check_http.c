/* HTTP checks through libcurl: the status code, the latency, and for https the
 * days until the server's certificate expires.  Redirects are not followed: a
 * plan that expects 301 checks the redirect itself.  The server is verified
 * against the system's CAs, or the check's ca_file (an internal CA). */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/check_internal.h"
#include "core/timeutil.h"

/* Certificates expiring sooner than this make an ok check a warning. */
#define CERT_WARN_DAYS 14

void check_http_global_init(void) {
    (void)curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t discard(char *p, size_t size, size_t n, void *userdata) {
    return size * n;
}

/* "Expire date:Jan  1 00:00:00 2027 GMT" (OpenSSL) → days from now; -1 on failure. */
static int cert_days_left(CURL *c, long long *ret_days) {
    struct curl_certinfo *ci = NULL;
    if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1) {
        return -1;
    }
    for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next) {
        if (strncmp(l->data, "Expire date:", 12) != 0) {
            continue;
        }
        struct tm tm = {0};
        const char *end = strptime(l->data + 12, "%b %d %H:%M:%S %Y", &tm);
        if (!end) {
            return -1;
        }
        time_t expires = timegm(&tm);
        long long secs = (long long)expires - (long long)time(NULL);
        *ret_days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
        return 0;
    }
    return -1;
}

/* What the TLS library says when the server's certificate chain does not lead to
 * a CA we trust (OpenSSL, GnuTLS wording): naming the CA with ca_file fixes it. */
static bool unknown_issuer(const char *what) {
    static const char *const needles[] = {
        "issuer", "self-signed", "self signed", "not trusted", "verify the first", "unknown ca",
    };
    for (size_t i = 0; i < ELEMENTSOF(needles); i++) {
        if (strcasestr(what, needles[i])) {
            return true;
        }
    }
    return false;
}

static void fail_transfer(const CheckSpec *s, CheckRaw *raw, CURLcode rc, const char *what) {
    raw->unreachable = true;
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "no answer within %.1f s (%s)",
                       (double)s->timeout_ms / 1000, what);
    } else if (rc == CURLE_PEER_FAILED_VERIFICATION && s->ca_file) {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "%s (verified with ca_file %s)", what, s->ca_file);
    } else if (rc == CURLE_PEER_FAILED_VERIFICATION && unknown_issuer(what)) {
        check_raw_fail(raw, CHECK_STATUS_FAIL,
                       "%s: the server's certificate is not signed by a CA this system trusts; "
                       "if an internal CA signed it, name that CA's certificate with 'ca_file:' "
                       "on the check",
                       what);
    } else {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "%s", what);
    }
}

static void judge_code(const CheckSpec *s, CheckRaw *raw, long code, long long ms) {
    char *why = NULL;
    CheckStatus st;
    if (s->expect.op == THRESH_NONE && s->warn.op == THRESH_NONE && s->fail.op == THRESH_NONE) {
        /* no expectation written: any answer below 400 is fine */
        st = code < 400 ? CHECK_STATUS_OK : CHECK_STATUS_FAIL;
        if (st != CHECK_STATUS_OK) {
            why = strdup("expected a status below 400");
        }
    } else {
        st = check_judge(s, raw->value, &why);
        if (why && raw->value && strncmp(why, raw->value, strlen(raw->value)) == 0) {
            /* "503, expected 200" → "expected 200" */
            const char *rest = why + strlen(raw->value);
            rest += strspn(rest, ", ");
            memmove(why, rest, strlen(rest) + 1);
        }
    }
    raw->status = st;
    raw->judge = false;
    if (st != CHECK_STATUS_OK) {
        check_raw_fail(raw, st, "HTTP %ld after %lld ms%s%s", code, ms, why ? "; " : "",
                       why ? why : "");
    }
    free(why);
}

void check_run_http(const CheckSpec *s, CheckRaw *raw) {
    CURL *c = curl_easy_init();
    if (!c) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "cannot start libcurl: out of memory");
        return;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    bool https = s->url && strncasecmp(s->url, "https:", 6) == 0;
    (void)curl_easy_setopt(c, CURLOPT_URL, s->url ? s->url : "");
    (void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    (void)curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
    (void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)s->timeout_ms);
    (void)curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    (void)curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    (void)curl_easy_setopt(c, CURLOPT_USERAGENT, "opsdeck/" OPSDECK_VERSION " (health check)");
    if (https) {
        (void)curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
    }
    if (s->ca_file) {
        if (access(s->ca_file, R_OK) < 0) {
            check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "cannot read ca_file '%s': %s", s->ca_file,
                           strerror(errno));
            curl_easy_cleanup(c);
            return;
        }
        (void)curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
    }
    long long t0 = time_mono_ms();
    CURLcode rc = curl_easy_perform(c);
    long long ms = time_mono_ms() - t0;
    if (rc != CURLE_OK) {
        fail_transfer(s, raw, rc, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        curl_easy_cleanup(c);
        return;
    }
    long code = 0;
    (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    check_raw_value(raw, "%ld", code);
    judge_code(s, raw, code, ms);
    long long days;
    if (https && cert_days_left(c, &days) == 0) {
        if (days < 0) {
            check_raw_note(raw, "certificate expired %lld days ago", -days);
        } else {
            check_raw_note(raw, "certificate expires in %lld days", days);
        }
        if (days < CERT_WARN_DAYS && raw->status == CHECK_STATUS_OK) {
            check_raw_fail(raw, CHECK_STATUS_WARN, "the certificate expires in %lld days", days);
        }
    }
    curl_easy_cleanup(c);
}
