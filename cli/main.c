/* opsdeck: parse the command line, dispatch to a command or the panel. */
#include <getopt.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/version.h"

enum {
    LONG_STATE = 256,
    LONG_READONLY,
    LONG_AS,
    LONG_THEME,
    LONG_USER,
    LONG_WALLBOARD,
    LONG_JSON,
    LONG_NOTE,
    LONG_OVERRIDE,
    LONG_FORMAT,
    LONG_YES,
    LONG_DRY_RUN,
    LONG_ROTATE,
    LONG_VERSION,
    LONG_FORCE_TARGET,
};

static const struct option long_options[] = {
    {"state", required_argument, NULL, LONG_STATE},
    {"readonly", no_argument, NULL, LONG_READONLY},
    {"as", required_argument, NULL, LONG_AS},
    {"theme", required_argument, NULL, LONG_THEME},
    {"user", no_argument, NULL, LONG_USER},
    {"wallboard", no_argument, NULL, LONG_WALLBOARD},
    {"json", no_argument, NULL, LONG_JSON},
    {"note", required_argument, NULL, LONG_NOTE},
    {"override", required_argument, NULL, LONG_OVERRIDE},
    {"format", required_argument, NULL, LONG_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"lines", required_argument, NULL, 'n'},
    {"follow", no_argument, NULL, 'f'},
    {"yes", no_argument, NULL, LONG_YES},
    {"dry-run", no_argument, NULL, LONG_DRY_RUN},
    {"force-target", required_argument, NULL, LONG_FORCE_TARGET},
    {"rotate", required_argument, NULL, LONG_ROTATE},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, LONG_VERSION},
    {0},
};

static int parse_long(const char *opt, const char *s, long min, long *ret) {
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min) {
        fprintf(stderr, "opsdeck: %s wants a number of at least %ld, not '%s'\n", opt, min, s);
        return -1;
    }
    *ret = v;
    return 0;
}

/* Parse options of argv[1..]; returns the index of the first operand.  With
 * stop_at_operand, stop at the first word that is not an option (the command);
 * without, operands after it are permuted to the end. */
static int parse_options(int argc, char **argv, Options *o, bool stop_at_operand) {
    int c;
    opterr = 0;
    optind = 0; /* 0 re-initialises getopt, needed for the second pass */
    const char *optstring = stop_at_operand ? "+:o:n:fhV" : ":o:n:fhV";
    while ((c = getopt_long(argc, argv, optstring, long_options, NULL)) != -1) {
        switch (c) {
        case LONG_STATE:
            o->state = optarg, o->seen |= OPT_STATE;
            break;
        case LONG_READONLY:
            o->readonly = true, o->seen |= OPT_READONLY;
            break;
        case LONG_AS:
            o->as = optarg, o->seen |= OPT_AS;
            break;
        case LONG_THEME:
            o->theme = optarg, o->seen |= OPT_THEME;
            break;
        case LONG_USER:
            o->user = true, o->seen |= OPT_USER;
            break;
        case LONG_WALLBOARD:
            o->wallboard = true, o->seen |= OPT_WALLBOARD;
            break;
        case LONG_JSON:
            o->json = true, o->seen |= OPT_JSON;
            break;
        case LONG_NOTE:
            o->note = optarg, o->seen |= OPT_NOTE;
            break;
        case LONG_OVERRIDE:
            o->override_reason = optarg, o->seen |= OPT_OVERRIDE;
            break;
        case LONG_FORMAT:
            o->format = optarg, o->seen |= OPT_FORMAT;
            break;
        case 'o':
            o->output = optarg, o->seen |= OPT_OUTPUT;
            break;
        case 'n':
            if (parse_long("-n", optarg, 0, &o->lines) < 0) {
                return -1;
            }
            o->seen |= OPT_LINES;
            break;
        case 'f':
            o->follow = true, o->seen |= OPT_FOLLOW;
            break;
        case LONG_YES:
            o->yes = true, o->seen |= OPT_YES;
            break;
        case LONG_DRY_RUN:
            o->dry_run = true, o->seen |= OPT_DRY_RUN;
            break;
        case LONG_FORCE_TARGET:
            o->force_target = optarg, o->seen |= OPT_FORCE_TARGET;
            break;
        case LONG_ROTATE:
            if (parse_long("--rotate", optarg, 1, &o->rotate) < 0) {
                return -1;
            }
            o->seen |= OPT_ROTATE;
            break;
        case 'h':
            o->help = true;
            break;
        case 'V':
        case LONG_VERSION:
            o->version = true;
            break;
        case ':':
            fprintf(stderr, "opsdeck: option '%s' needs a value\n", argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "opsdeck: unknown option '%s'; see 'opsdeck --help'\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    return optind;
}

/* Options may come before or after the command. */
int main(int argc, char **argv) {
    /* display widths (wcwidth) and the panel's UTF-8 detection follow the locale */
    setlocale(LC_ALL, "");
    Options o = {.lines = 10, .rotate = 15};
    int first = parse_options(argc, argv, &o, true);
    if (first < 0) {
        return EXIT_USAGE;
    }
    if (first >= argc) {
        if (o.version) {
            version_print(stdout);
            return EXIT_OK;
        }
        if (o.help) {
            cli_print_usage(stdout);
            return EXIT_OK;
        }
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    const Command *cmd = cli_find_command(argv[first]);
    /* sub_argv[0] stands in for the program name of the second pass */
    char **sub_argv = argv + first;
    int sub_argc = argc - first;
    if (!cmd) {
        cmd = cli_find_command("panel"); /* `opsdeck PLAN` */
        sub_argv = argv + first - 1;
        sub_argc = argc - first + 1;
    }
    int rest = parse_options(sub_argc, sub_argv, &o, false);
    if (rest < 0) {
        return EXIT_USAGE;
    }
    if (o.help) {
        cli_print_command_help(cmd, stdout);
        return EXIT_OK;
    }
    if (o.version) {
        version_print(stdout);
        return EXIT_OK;
    }
    if (o.seen & ~(OPT_GLOBAL | cmd->options)) {
        fprintf(stderr, "opsdeck %s: an option given does not apply to this command\n", cmd->name);
        cli_print_command_help(cmd, stderr);
        return EXIT_USAGE;
    }
    int n = sub_argc - rest;
    if (n < cmd->min_args || (cmd->max_args >= 0 && n > cmd->max_args)) {
        fprintf(stderr, "opsdeck %s: wrong number of arguments\n", cmd->name);
        cli_print_command_help(cmd, stderr);
        return EXIT_USAGE;
    }
    return cmd->run(&o, n, sub_argv + rest);
}
