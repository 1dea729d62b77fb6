#pragma once
/* opsdeck report: what every format needs, collected once (report_data.c), and
 * one presentation per format (report_md.c, report_html.c, report_json.c).
 *
 * The data is the fold (State) of the session, the Timeline, and the journal
 * events the fold does not keep: overrides (with their reasons) and actions
 * (with their results, and for backups the file, its size and sha256). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "core/timeline.h"

/* An override or action event.  Every string is a sanitised copy (text_sanitize),
 * owned; NULL when the event had none. */
typedef struct ReportEvent {
    uint64_t seq;
    time_t at;
    EventType type; /* EVENT_PHASE_OVERRIDE, EVENT_TICK (past a gate), EVENT_ACTION_* */
    char *by;
    char *target;  /* the item, phase or action id */
    char *reason;  /* overrides */
    char *result;  /* action-end */
    char *path;    /* action-end extra "path": a backup's file */
    char *sha256;  /* action-end extra "sha256" */
    int64_t bytes; /* action-end extra "bytes", when has_bytes */
    bool has_bytes;
    int exit_code;
    bool has_exit;
} ReportEvent;

#define REPORT_NONE SIZE_MAX

/* One run of an action: its start and end events (indexes into ReportData.events,
 * REPORT_NONE when the journal has no such event: still running, or an end whose
 * start is missing).  An end is paired with the latest unpaired start of the same
 * action. */
typedef struct ReportRun {
    size_t start, end;
} ReportRun;

/* Borrows the session (plan, state, journal path); owns the rest. */
typedef struct ReportData {
    const Session *session;
    const Plan *plan;
    State *state; /* the session's, folded here */
    Timeline *timeline;
    time_t generated;
    ReportEvent *events; /* in journal order */
    size_t n_events, cap_events;
    ReportRun *runs; /* in order of their first event */
    size_t n_runs;
} ReportData;

/* Read the session's journal (opened with SESSION_NO_READ) into its state and d,
 * then compute the timeline as of now.  Returns 0 or -errno; d is always safe to
 * pass to report_data_done(). */
int report_data_collect(ReportData *d, const Session *s, time_t now);
void report_data_done(ReportData *d);

/* Helpers the formats share. */
size_t report_phases_complete(const ReportData *d);
/* True when some rollback step of phase i was ticked or unticked. */
bool report_rollback_touched(const ReportData *d, size_t phase);
/* The window is running: it has begun, and not every item is done. */
bool report_window_running(const ReportData *d);
/* "2026-11-28 22:14" (UTC), or "—" for 0. */
const char *report_fmt_time(time_t t, char *buf, size_t size);
/* "+1h 30m", "-5m", or "—" when not known. */
const char *report_fmt_slip(int64_t s, bool known, char *buf, size_t size);

/* The formats: write the whole report to f.  Return 0 or -errno (the caller checks
 * ferror and closes f). */
int report_md(FILE *f, const ReportData *d);
int report_html(FILE *f, const ReportData *d);
int report_json(FILE *f, const ReportData *d);

/* HTML building blocks (report_html.c): s sanitised, then &, <, >, " and ' escaped;
 * NULL writes "—". */
void report_html_text(FILE *f, const char *s);
/* The planned-vs-actual chart as an inline SVG element (report_svg.c). */
void report_svg_timeline(FILE *f, const ReportData *d);
