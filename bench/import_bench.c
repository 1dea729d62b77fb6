/* Runbook import speed: a generated 10 MB Markdown runbook (phases with durations and
 * risk, task lists, code under items, rollback sections), imported from a file, beside
 * a bare md4c parse of the same text (the yardstick).  Target: under 1 s. */
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/runbook_import.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static size_t generate(FILE *f, size_t bytes) {
    size_t n_items = 0;
    long size = 0;
    fprintf(f, "# Generated upgrade runbook\n\nGoal: exercise the importer.\n");
    for (size_t p = 1; size < (long)bytes; p++) {
        fprintf(f, "\n## Phase %zu: Upgrade step number %zu (2 hours)\n\n", p, p);
        fprintf(f, "Risk: %s\n\nPrerequisites: Phase %zu complete\n\n", p % 3 ? "medium" : "high",
                p > 1 ? p - 1 : 1);
        for (size_t i = 0; i < 30; i++, n_items++) {
            fprintf(f, "- [ ] Check that step %zu of phase %zu is done with `tool --check %zu`\n",
                    i, p, i);
            if (i % 10 == 0) {
                fprintf(f, "  ```sh\n  tool --run %zu\n  tool --verify %zu\n  ```\n", i, i);
            }
        }
        fprintf(f, "\n### Checks for phase %zu\n\n- [x] Logs are clean\n- [ ] Metrics are flat\n",
                p);
        n_items += 2;
        fprintf(f,
                "\n### Rollback\n\n- Revert step %zu\n- Restore the backup\n\n"
                "Some prose about why, with **bold** and a [link](https://example.com).\n",
                p);
        size = ftell(f);
    }
    return n_items;
}

static int nop_block(MD_BLOCKTYPE t, void *d, void *u) {
    return 0;
}

static int nop_span(MD_SPANTYPE t, void *d, void *u) {
    return 0;
}

static int nop_text(MD_TEXTTYPE t, const MD_CHAR *s, MD_SIZE n, void *u) {
    return 0;
}

static double bare_parse(const char *buf, size_t len) {
    MD_PARSER p = {.flags = MD_FLAG_TASKLISTS | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
                   .enter_block = nop_block,
                   .leave_block = nop_block,
                   .enter_span = nop_span,
                   .leave_span = nop_span,
                   .text = nop_text};
    double t = now_ms();
    (void)md_parse(buf, (MD_SIZE)len, &p, NULL);
    return now_ms() - t;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    char path[] = "/tmp/opsdeck-import-bench.XXXXXX.md";
    int fd = mkstemps(path, 3);
    FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
    if (!f) {
        perror("import_bench: temporary runbook");
        return 1;
    }
    size_t n_items = generate(f, (size_t)10 << 20);
    long len = ftell(f);
    char *buf = malloc((size_t)len);
    rewind(f);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        perror("import_bench: read back");
        return 1;
    }
    fclose(f);
    double ours[5], bare[5];
    size_t phases = 0, items = 0;
    for (int i = 0; i < 5; i++) {
        DiagList *d = diag_list_new(path);
        RunbookImport *imp = NULL;
        double t = now_ms();
        int r = runbook_import_file(path, d, &imp);
        ours[i] = now_ms() - t;
        if (r < 0) {
            diag_print(d, stderr);
            fprintf(stderr, "import_bench: import failed: %d\n", r);
            return 1;
        }
        phases = imp->n_phases, items = imp->n_items;
        runbook_import_free(imp);
        diag_list_free(d);
        bare[i] = bare_parse(buf, (size_t)len);
    }
    qsort(ours, 5, sizeof(double), cmp);
    qsort(bare, 5, sizeof(double), cmp);
    printf("import: %.0f MB runbook in %.0f ms (median of 5; %zu phases, %zu of %zu items; "
           "target < 1000 ms)\n",
           len / 1048576.0, ours[2], phases, items, n_items);
    printf("import: bare md4c parse of it %.0f ms; ratio %.1f\n", bare[2], ours[2] / bare[2]);
    free(buf);
    unlink(path);
    return 0;
}
