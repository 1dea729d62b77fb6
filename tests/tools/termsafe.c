/* termsafe [-t] [-n] [FILE...]: check that text is safe to send to a terminal, as every
 * output of opsdeck must be: well-formed UTF-8, no C0 control but '\n' (and '\t' with -t),
 * no DEL, no C1 control (U+0080..U+009F), no bidi embedding, override or isolate, no
 * directional mark, line/paragraph separator or BOM.  -n: no '\n' either.  Reads stdin
 * without FILE.  Exit 0 when clean; 1 with "NAME: byte N: what" for the first problem.
 * The UTF-8 decoder is written out here, independent of core/text.c. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tools/utf8_check.h"

static const char *forbidden(unsigned cp, bool tab, bool newline) {
    if (cp == '\n') {
        return newline ? NULL : "a newline";
    }
    if (cp == '\t') {
        return tab ? NULL : "a tab";
    }
    if (cp == 0x1b) {
        return "ESC";
    }
    if (cp == 0x07) {
        return "BEL";
    }
    if (cp < 0x20 || cp == 0x7f) {
        return "a C0 control or DEL";
    }
    if (cp >= 0x80 && cp <= 0x9f) {
        return "a C1 control";
    }
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
        cp == 0x200f || cp == 0x061c) {
        return "a bidi control";
    }
    if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff) {
        return "a line/paragraph separator or BOM";
    }
    return NULL;
}

static int check(FILE *f, const char *name, bool tab, bool newline) {
    size_t cap = 1 << 16, len = 0, k;
    unsigned char *buf = malloc(cap);
    while ((k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            buf = realloc(buf, cap *= 2);
        }
    }
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t l = utf8_seq(buf + i, len - i, &cp);
        const char *why = l == 0 ? "ill-formed UTF-8" : forbidden(cp, tab, newline);
        if (why) {
            size_t from = i > 20 ? i - 20 : 0;
            printf("%s: byte %zu: %s (0x%02x); around it:", name, i, why, buf[i]);
            for (size_t j = from; j < len && j < i + 20; j++) {
                printf(" %02x", buf[j]);
            }
            putchar('\n');
            free(buf);
            return 1;
        }
        i += l;
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv) {
    bool tab = false, newline = true;
    int i = 1, r = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-t") == 0) {
            tab = true;
        } else if (strcmp(argv[i], "-n") == 0) {
            newline = false;
        } else {
            fprintf(stderr, "usage: termsafe [-t] [-n] [FILE...]\n");
            return 2;
        }
    }
    if (i == argc) {
        return check(stdin, "stdin", tab, newline);
    }
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        r |= check(f, argv[i], tab, newline);
        fclose(f);
    }
    return r;
}
