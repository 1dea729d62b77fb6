/* jforge: write journal records of any bytes, as another machine or version (or an
 * attacker with write access) could: each line of stdin is a record body without
 * the checksum, e.g. `"seq":1,"id":"…",…}`; it is written to stdout as
 * `{"crc":"XXXXXXXX",` + body + '\n' with the right CRC-32, the bytes untouched (raw
 * control bytes and invalid UTF-8 included).  Lines longer than 64 MB are cut. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int main(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n') {
            n--;
        }
        unsigned long crc = crc32(0L, (const Bytef *)line, (uInt)n);
        printf("{\"crc\":\"%08lx\",", crc);
        fwrite(line, 1, (size_t)n, stdout);
        putchar('\n');
    }
    free(line);
    return fflush(stdout) == 0 ? 0 : 1;
}
