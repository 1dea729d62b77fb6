/* Plan loading speed and memory: the example plan, and a generated plan of
 * 100,000 items against a bare libyaml event parse of the same file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml.h>

#include "core/plan.h"
#include "core/timeutil.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "re");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void generate(const char *path, size_t n_items, size_t per_phase) {
    FILE *f = fopen(path, "we");
    fprintf(f, "plan: Generated\nid: gen\nphases:\n");
    for (size_t p = 0; p * per_phase < n_items; p++) {
        fprintf(f, "  - id: p%zu\n    title: \"Phase %zu\"\n    duration: 1h\n", p, p);
        if (p > 0) {
            fprintf(f, "    depends: [p%zu]\n", p - 1);
        }
        fprintf(f, "    items:\n");
        for (size_t i = 0; i < per_phase && p * per_phase + i < n_items; i++) {
            fprintf(f, "      - { id: p%zu.i%zu, text: \"Check that step %zu of phase %zu is done\" }\n",
                    p, i, i, p);
        }
    }
    fclose(f);
}

static double bare_parse(const char *buf, size_t len) {
    double t = now_ms();
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            break;
        }
        int end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (end) {
            break;
        }
    }
    yaml_parser_delete(&p);
    return now_ms() - t;
}

static double load(const char *path) {
    double t = now_ms();
    DiagList *d = diag_list_new(path);
    Plan *p = NULL;
    int r = plan_load(path, d, &p);
    double el = now_ms() - t;
    if (r < 0) {
        diag_print(d, stderr);
        exit(1);
    }
    plan_free(p);
    diag_list_free(d);
    return el;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof(double), cmp);
    return v[n / 2];
}

int main(int argc, char **argv) {
    const char *example = argc > 1 ? argv[1] : "examples/uplink-2.0.yaml";
    if (argc > 2 && strcmp(argv[1], "--load-only") == 0) {
        /* child mode: load once, report peak RSS */
        double ms = load(argv[2]);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("%.1f %ld\n", ms, ru.ru_maxrss);
        return 0;
    }
    double v[200];
    for (int i = 0; i < 200; i++) {
        v[i] = load(example);
    }
    printf("plan load: example %s: median %.3f ms over 200 loads (target < 5 ms)\n", example,
           median(v, 200));

    char dir[] = "/tmp/opsdeck-bench.XXXXXX";
    if (!mkdtemp(dir)) {
        return 1;
    }
    char path[256];
    snprintf(path, sizeof(path), "%s/gen.yaml", dir);
    generate(path, 100000, 100);
    size_t len = 0;
    char *buf = slurp(path, &len);
    if (!buf) {
        return 1;
    }
    double bare[5], ours[5];
    for (int i = 0; i < 5; i++) {
        bare[i] = bare_parse(buf, len);
        ours[i] = load(path);
    }
    double b = median(bare, 5), o = median(ours, 5);
    printf("plan load: 100,000 items (%.1f MB): %.1f ms; bare libyaml parse %.1f ms; ratio %.2f "
           "(target <= 1.5)\n",
           len / 1e6, o, b, o / b);
    free(buf);
    /* peak RSS in a fresh process, so this run's buffers do not count */
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "%s --load-only %s", argv[0], path);
    FILE *pp = popen(cmd, "r");
    double ms = 0;
    long rss = 0;
    if (pp && fscanf(pp, "%lf %ld", &ms, &rss) == 2) {
        printf("plan load: 100,000 items: peak RSS %.1f MB (target < 64 MB)\n", rss / 1024.0);
    }
    if (pp) {
        pclose(pp);
    }
    unlink(path);
    rmdir(dir);
    return 0;
}
