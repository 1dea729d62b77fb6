/* rusage [-n RUNS] CMD [ARG...]: run CMD (stdout and stderr to /dev/null) RUNS times
 * (default 5), each a fresh process, and print
 *   "best_ms=B median_ms=M maxrss_kb=K exit=E"
 * with the wall-clock time of the fastest and the median run, the largest peak
 * resident set of any run (wait4's ru_maxrss) and the exit status of the last one.
 * For bench/run.sh: parser bounds are measured in a fresh process. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int runs = 5, i = 1;
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        runs = atoi(argv[2]);
        i = 3;
    }
    if (i >= argc || runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: rusage [-n RUNS] CMD [ARG...]\n");
        return 2;
    }
    double *ms = calloc((size_t)runs, sizeof(*ms));
    long maxrss = 0;
    int status = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid < 0) {
            perror("rusage: fork");
            return 2;
        }
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            execvp(argv[i], argv + i);
            _exit(127);
        }
        struct rusage ru;
        while (wait4(pid, &status, 0, &ru) < 0) {
            if (errno != EINTR) {
                perror("rusage: wait4");
                return 2;
            }
        }
        ms[r] = now_ms() - t0;
        if (ru.ru_maxrss > maxrss) {
            maxrss = ru.ru_maxrss;
        }
    }
    qsort(ms, (size_t)runs, sizeof(*ms), cmp);
    printf("best_ms=%.1f median_ms=%.1f maxrss_kb=%ld exit=%d\n", ms[0], ms[runs / 2], maxrss,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    free(ms);
    return 0;
}
