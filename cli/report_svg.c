/* The planned-vs-actual chart of the HTML report: one inline SVG, a row per phase
 * with its planned bar above its actual bar, a time axis, the planned end of the
 * window and, while the window is running, a now line and the projected rest of
 * running phases.  Coordinates are integers (no locale, no floating point). */
#include <string.h>

#include "cli/report.h"

enum {
    SVG_W = 1000,    /* viewBox width */
    SVG_LABEL = 200, /* the phase ids' column */
    SVG_RIGHT = 20,  /* margin right of the chart */
    SVG_AXIS = 30,   /* the time axis above the rows */
    SVG_ROW = 26,    /* one phase */
    SVG_ID_MAX = 26, /* characters of a phase id shown before an ellipsis */
};

typedef struct Scale {
    time_t lo, hi;
} Scale;

static long sx(const Scale *s, time_t t) {
    const long width = SVG_W - SVG_LABEL - SVG_RIGHT;
    if (t <= s->lo) {
        return SVG_LABEL;
    }
    if (t >= s->hi) {
        return SVG_LABEL + width;
    }
    return SVG_LABEL + (long)((int64_t)(t - s->lo) * width / (int64_t)(s->hi - s->lo));
}

static void widen(Scale *s, time_t t) {
    if (t) {
        s->lo = t < s->lo ? t : s->lo;
        s->hi = t > s->hi ? t : s->hi;
    }
}

/* From the window's start (or the first actual start) to the latest planned,
 * projected or actual end, and now while the window runs. */
static Scale scale_of(const ReportData *d) {
    const Timeline *tl = d->timeline;
    Scale s = {.lo = tl->t0, .hi = tl->t0};
    widen(&s, tl->planned_end);
    widen(&s, tl->projected_end);
    for (size_t i = 0; i < d->plan->n_phases; i++) {
        widen(&s, tl->phases[i].actual_start);
        widen(&s, tl->phases[i].actual_end);
        widen(&s, tl->t0 + tl->phases[i].planned_end);
    }
    if (report_window_running(d)) {
        widen(&s, tl->now);
    }
    if (s.hi - s.lo < 60) {
        s.hi = s.lo + 60;
    }
    return s;
}

static const int64_t tick_steps[] = {60,    300,   900,   1800,   3600,   7200,    3 * 3600,
                                     21600, 43200, 86400, 172800, 604800, 1209600, 2419200};

static void svg_axis(FILE *f, const Scale *s, long height) {
    int64_t span = s->hi - s->lo, step = tick_steps[ELEMENTSOF(tick_steps) - 1];
    for (size_t i = 0; i < ELEMENTSOF(tick_steps); i++) {
        if (span / tick_steps[i] <= 8) {
            step = tick_steps[i];
            break;
        }
    }
    for (time_t t = s->lo + (step - s->lo % step) % step; t <= s->hi; t += step) {
        struct tm tm;
        char label[32];
        gmtime_r(&t, &tm);
        strftime(label, sizeof(label), step < 86400 ? "%m-%d %H:%M" : "%Y-%m-%d", &tm);
        long x = sx(s, t);
        fprintf(f, "<line class=\"grid\" x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%ld\"/>", x,
                SVG_AXIS - 6, x, height);
        fprintf(f, "<text class=\"tick\" x=\"%ld\" y=\"%d\">%s</text>\n", x, SVG_AXIS - 10, label);
    }
}

/* A vertical marker across all rows, labelled at the bottom. */
static void svg_marker(FILE *f, const char *cls, long x, long height, const char *label) {
    fprintf(f, "<line class=\"%s\" x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%ld\"/>", cls, x,
            SVG_AXIS - 6, x, height - 14);
    fprintf(f, "<text class=\"%s-label\" x=\"%ld\" y=\"%ld\">%s</text>\n", cls, x, height - 3,
            label);
}

static void svg_rect(FILE *f, const char *cls, long x1, long x2, long y, int h) {
    fprintf(f, "<rect class=\"%s\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%d\"/>", cls, x1, y,
            x2 - x1 < 2 ? 2 : x2 - x1, h);
}

static const char *actual_class(const ReportData *d, size_t i) {
    const PhaseTimes *pt = &d->timeline->phases[i];
    if (d->state->phases[i].status != PHASE_COMPLETE) {
        return "running";
    }
    return pt->slip > 0 ? "late" : "done";
}

/* The row's tooltip: id, title, planned and actual times, slip. */
static void svg_row_title(FILE *f, const ReportData *d, size_t i) {
    const Phase *ph = &d->plan->phases[i];
    const PhaseTimes *pt = &d->timeline->phases[i];
    char a[32], b[32], c[32], e[32], g[32];
    fputs("<title>", f);
    report_html_text(f, ph->id);
    fputs(": ", f);
    report_html_text(f, ph->title);
    fprintf(f, " — planned %s – %s, actual %s – %s, slip %s</title>",
            report_fmt_time(d->timeline->t0 + pt->planned_start, a, sizeof(a)),
            report_fmt_time(d->timeline->t0 + pt->planned_end, b, sizeof(b)),
            report_fmt_time(pt->actual_start, c, sizeof(c)),
            report_fmt_time(pt->actual_end, e, sizeof(e)),
            report_fmt_slip(pt->slip, pt->actual_start != 0, g, sizeof(g)));
}

static void svg_label(FILE *f, const char *id, bool critical, long y) {
    fprintf(f, "<text class=\"%s\" x=\"6\" y=\"%ld\">", critical ? "label critical" : "label", y);
    size_t n = strlen(id);
    if (n > SVG_ID_MAX) {
        char cut[SVG_ID_MAX + 1];
        memcpy(cut, id, SVG_ID_MAX);
        cut[SVG_ID_MAX] = '\0';
        report_html_text(f, cut);
        fputs("…", f);
    } else {
        report_html_text(f, id);
    }
    fputs(critical ? " ★</text>" : "</text>", f);
}

static void svg_row(FILE *f, const ReportData *d, const Scale *s, size_t i) {
    const Timeline *tl = d->timeline;
    const PhaseTimes *pt = &tl->phases[i];
    long y = SVG_AXIS + (long)i * SVG_ROW;
    fprintf(f, "<g class=\"phase %s\">", phase_status_to_string(d->state->phases[i].status));
    svg_row_title(f, d, i);
    svg_label(f, d->plan->phases[i].id, pt->critical, y + 17);
    svg_rect(f, pt->critical ? "planned critical" : "planned", sx(s, tl->t0 + pt->planned_start),
             sx(s, tl->t0 + pt->planned_end), y + 4, 8);
    if (pt->actual_start) {
        bool running = d->state->phases[i].status != PHASE_COMPLETE;
        time_t end = pt->actual_end ? pt->actual_end : running ? tl->now : pt->actual_start;
        svg_rect(f, actual_class(d, i), sx(s, pt->actual_start), sx(s, end), y + 13, 9);
        if (running && report_window_running(d) && pt->projected_end > tl->now) {
            svg_rect(f, "projected", sx(s, tl->now), sx(s, pt->projected_end), y + 13, 9);
        }
    }
    fputs("</g>\n", f);
}

void report_svg_timeline(FILE *f, const ReportData *d) {
    const Timeline *tl = d->timeline;
    const Scale s = scale_of(d);
    long height = SVG_AXIS + (long)d->plan->n_phases * SVG_ROW + 20;
    char a[32];
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 %d %ld\" "
            "width=\"100%%\" role=\"img\" aria-label=\"Planned versus actual times of every "
            "phase\">\n<title>Planned vs actual</title>\n",
            SVG_W, height);
    svg_axis(f, &s, height - 14);
    for (size_t i = 0; i < d->plan->n_phases; i++) {
        svg_row(f, d, &s, i);
    }
    svg_marker(f, "end", sx(&s, tl->planned_end), height, "planned end");
    if (report_window_running(d)) {
        char label[48];
        snprintf(label, sizeof(label), "now %s", report_fmt_time(tl->now, a, sizeof(a)) + 11);
        svg_marker(f, "now", sx(&s, tl->now), height, label);
    }
    fputs("</svg>\n", f);
}
