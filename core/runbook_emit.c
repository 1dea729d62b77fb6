/* Writing the imported plan: a fixed comment header, then the plan through libyaml's
 * emitter, so every title and text is quoted as YAML needs, whatever it holds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/runbook_internal.h"
#include "core/text.h"

typedef struct Out {
    char *s;
    size_t n, cap;
    bool oom;
} Out;

static void out_add(Out *o, const char *s, size_t n) {
    if (o->oom) {
        return;
    }
    if (o->n + n + 1 > o->cap) {
        size_t cap = MAX(o->cap * 2, o->n + n + 1);
        cap = MAX(cap, (size_t)4096);
        char *v = realloc(o->s, cap);
        if (!v) {
            o->oom = true;
            return;
        }
        o->s = v, o->cap = cap;
    }
    memcpy(o->s + o->n, s, n);
    o->n += n;
    o->s[o->n] = '\0';
}

static void out_str(Out *o, const char *s) {
    out_add(o, s, strlen(s));
}

static int write_out(void *data, unsigned char *buf, size_t size) {
    Out *o = data;
    out_add(o, (const char *)buf, size);
    return !o->oom;
}

typedef struct Emit {
    yaml_emitter_t e;
    bool failed;
} Emit;

static void ev(Emit *E, yaml_event_t *event) {
    if (!E->failed && !yaml_emitter_emit(&E->e, event)) {
        E->failed = true;
    }
}

static void scalar_styled(Emit *E, const char *s, yaml_scalar_style_t style) {
    yaml_event_t event;
    if (!yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
                                      style)) {
        E->failed = true;
        return;
    }
    ev(E, &event);
}

/* A plain scalar that a YAML resolver would read as no string: null, a boolean of YAML
 * 1.1 ("yes", "off"), a number, a date.  The emitter knows no schema; we quote these. */
static bool resolves_to_non_string(const char *s) {
    static const char *const words[] = {"~",     "null",  "Null",  "NULL",  "true", "True", "TRUE",
                                        "false", "False", "FALSE", "yes",   "Yes",  "YES",  "no",
                                        "No",    "NO",    "on",    "On",    "ON",   "off",  "Off",
                                        "OFF",   "y",     "Y",     "n",     "N",    "<<",   "=",
                                        ".inf",  ".Inf",  ".INF",  "-.inf", ".nan", ".NaN", ".NAN"};
    if (!*s) {
        return true;
    }
    for (size_t i = 0; i < ELEMENTSOF(words); i++) {
        if (strcmp(s, words[i]) == 0) {
            return true;
        }
    }
    /* numbers (1, -2.5, 1e3, 0x1f, 1_000, 1:30) and dates (2026-11-28...) */
    const char *p = s + (*s == '-' || *s == '+');
    if (!(*p >= '0' && *p <= '9') && !(*p == '.' && p[1] >= '0' && p[1] <= '9')) {
        return false;
    }
    for (; *p; p++) {
        if (!strchr("0123456789._:-+eExXoObBabcdefABCDEF tTzZ", *p)) {
            return false;
        }
    }
    return true;
}

static void scalar(Emit *E, const char *s) {
    scalar_styled(
        E, s, resolves_to_non_string(s) ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

static void pair(Emit *E, const char *key, const char *value) {
    scalar(E, key);
    scalar(E, value);
}

static void map_start(Emit *E, yaml_mapping_style_t style) {
    yaml_event_t event;
    yaml_mapping_start_event_initialize(&event, NULL, NULL, 1, style);
    ev(E, &event);
}

static void map_end(Emit *E) {
    yaml_event_t event;
    yaml_mapping_end_event_initialize(&event);
    ev(E, &event);
}

static void seq_start(Emit *E, yaml_sequence_style_t style) {
    yaml_event_t event;
    yaml_sequence_start_event_initialize(&event, NULL, NULL, 1, style);
    ev(E, &event);
}

static void seq_end(Emit *E) {
    yaml_event_t event;
    yaml_sequence_end_event_initialize(&event);
    ev(E, &event);
}

/* { id, text } on one line, or a block with its details as a literal block. */
static void item(Emit *E, const char *id, const char *text, const char *details) {
    map_start(E, details ? YAML_BLOCK_MAPPING_STYLE : YAML_FLOW_MAPPING_STYLE);
    pair(E, "id", id);
    pair(E, "text", text);
    if (details) {
        scalar(E, "details");
        scalar_styled(E, details, YAML_LITERAL_SCALAR_STYLE);
    }
    map_end(E);
}

static void phase(Emit *E, const RbDoc *doc, const RbBuild *b, const RbPhase *p) {
    const RbHeading *h = &doc->h[p->heading];
    map_start(E, YAML_BLOCK_MAPPING_STYLE);
    pair(E, "id", p->id);
    const char *title = h->title && *h->title       ? h->title
                        : doc->title && *doc->title ? doc->title
                                                    : p->id;
    pair(E, "title", title);
    if (p->has_risk) {
        pair(E, "risk", risk_to_string(p->risk));
    }
    if (p->n_deps) {
        scalar(E, "depends");
        seq_start(E, YAML_FLOW_SEQUENCE_STYLE);
        for (size_t d = 0; d < p->n_deps; d++) {
            scalar(E, b->phases[p->deps[d]].id);
        }
        seq_end(E);
    }
    if (p->duration > 0) {
        char buf[64];
        hint_format_duration(p->duration, buf, sizeof(buf));
        pair(E, "duration", buf);
    }
    scalar(E, "items");
    seq_start(E, YAML_BLOCK_SEQUENCE_STYLE);
    for (size_t i = 0; i < p->n_items; i++) {
        const RbItem *it = &doc->it[p->items[i]];
        item(E, p->item_ids[i], it->text, it->details);
    }
    seq_end(E);
    if (p->n_steps) {
        scalar(E, "rollback");
        seq_start(E, YAML_BLOCK_SEQUENCE_STYLE);
        for (size_t s = 0; s < p->n_steps; s++) {
            size_t st = p->steps[s];
            if (RB_STEP_IS_HEADING(st)) {
                const RbHeading *x = &doc->h[~st];
                item(E, p->step_ids[s], x->title && *x->title ? x->title : p->id, x->code);
            } else {
                item(E, p->step_ids[s], doc->it[st].text, doc->it[st].details);
            }
        }
        seq_end(E);
    }
    map_end(E);
}

/* The header: fixed text, and the source's name made safe for a comment line. */
static void header(Out *o, const char *source_name) {
    _cleanup_(freep) char *safe = text_sanitize(source_name, strlen(source_name));
    out_str(o, "# An opsdeck plan imported from ");
    out_str(o, safe ? safe : "a runbook");
    out_str(o, " by 'opsdeck import'.\n"
               "# Phases are the runbook's headings that hold checklists; items are its task-list\n"
               "# lines ('- [ ]'), ticks left behind: they live in the journal.  Review it, add\n"
               "# services, checks and actions, then check it with 'opsdeck validate'.\n\n");
}

int rb_emit(const RbDoc *doc, const RbBuild *b, const char *source_name, char **ret,
            size_t *ret_len) {
    Out o = {0};
    header(&o, source_name);
    Emit E = {0};
    if (!yaml_emitter_initialize(&E.e)) {
        free(o.s);
        return -ENOMEM;
    }
    yaml_emitter_set_output(&E.e, write_out, &o);
    yaml_emitter_set_unicode(&E.e, 1);
    yaml_emitter_set_width(&E.e, -1);
    yaml_emitter_set_indent(&E.e, 2);
    yaml_event_t event;
    yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING);
    ev(&E, &event);
    yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1);
    ev(&E, &event);
    map_start(&E, YAML_BLOCK_MAPPING_STYLE);
    pair(&E, "plan", doc->title && *doc->title ? doc->title : "Imported runbook");
    /* the journal is named after the plan's id: take it from the runbook's name */
    char stem[HINT_ID_MAX], id[HINT_ID_MAX];
    const char *base = strrchr(source_name, '/') ? strrchr(source_name, '/') + 1 : source_name;
    snprintf(stem, sizeof(stem), "%.*s", (int)strcspn(base, "."), base);
    bool named = false;
    for (const char *c = stem; *c; c++) {
        named |= (*c >= '0' && *c <= '9') || ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z');
    }
    if (named && hint_slug(stem, HINT_ID_MAX - 1, id) > 0) {
        pair(&E, "id", id);
    }
    scalar(&E, "phases");
    seq_start(&E, YAML_BLOCK_SEQUENCE_STYLE);
    for (size_t k = 0; k < b->n_phases; k++) {
        phase(&E, doc, b, &b->phases[k]);
    }
    seq_end(&E);
    map_end(&E);
    yaml_document_end_event_initialize(&event, 1);
    ev(&E, &event);
    yaml_stream_end_event_initialize(&event);
    ev(&E, &event);
    bool failed = E.failed || o.oom;
    yaml_emitter_delete(&E.e);
    if (failed) {
        free(o.s);
        return -ENOMEM;
    }
    *ret = o.s;
    *ret_len = o.n;
    return 0;
}
