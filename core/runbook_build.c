/* From what the parse collected to phases: which heading each checklist item belongs
 * to, which headings become phases and in what order, their ids, durations, risk,
 * dependencies and rollback steps.  Everything that cannot be mapped is noted. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook_internal.h"
#include "core/strmap.h"

typedef struct Builder {
    RbDoc *doc;
    RbBuild *b;
    StrMap *ids;  /* every id given; keys live in the phases */
    StrMap *next; /* a base id → its IdBase (the next suffix to try); keys in bases */
    struct IdBase **bases;
    size_t n_bases, cap_bases;
    StrMap *natural; /* "p2a" → the first heading asking for it (index + 1) */
    StrMap *phased;  /* "p2a" → the phase of a heading asking for it (index + 1) */
    size_t *home;    /* per item: the heading it belongs to, or RB_NONE */
    size_t *best;    /* per heading: the last phase in its section, or RB_NONE */
    size_t *owner;   /* per heading: the phase of its rollback steps; RB_NONE - 1 = not yet */
} Builder;

#define OWNER_UNKNOWN (RB_NONE - 1)

#define note(B, line, ...) rb_note((B)->doc->d, (line), __VA_ARGS__)

/* At most 70 bytes of s for a note, cut at a character. */
static int short_len(const char *s, size_t n) {
    if (n <= 70) {
        return (int)n;
    }
    n = 70;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
        n--;
    }
    return (int)n;
}

static const char *title_of(const RbDoc *doc, size_t h) {
    const char *t = doc->h[h].title;
    return t && *t ? t : doc->title && *doc->title ? doc->title : "Checklist";
}

/* ---- sections and homes ----------------------------------------------------------- */

static int map_sections(Builder *B) {
    RbDoc *doc = B->doc;
    _cleanup_(freep) size_t *stack = malloc((doc->n_h + 1) * sizeof(*stack));
    if (!stack) {
        return -ENOMEM;
    }
    size_t sp = 0;
    for (size_t i = 0; i < doc->n_h; i++) {
        while (sp > 0 && doc->h[stack[sp - 1]].level >= doc->h[i].level) {
            RbHeading *top = &doc->h[stack[--sp]];
            top->end = i, top->end_line = doc->h[i].line;
        }
        stack[sp++] = i;
        if (!doc->h[i].rollback && doc->h[i].phase_named &&
            strmap_put(B->natural, doc->h[i].natural, (void *)(i + 1), 0, NULL, NULL) == -ENOMEM) {
            return -ENOMEM;
        }
    }
    while (sp > 0) {
        RbHeading *top = &doc->h[stack[--sp]];
        top->end = doc->n_h, top->end_line = UINT_MAX;
    }
    return 0;
}

static size_t natural_heading(Builder *B, const char *id) {
    void *v = strmap_get(B->natural, id, NULL);
    return v ? (size_t)v - 1 : RB_NONE;
}

static void find_homes(Builder *B) {
    RbDoc *doc = B->doc;
    const char *bad_route = NULL;
    for (size_t i = 0; i < doc->n_it; i++) {
        RbItem *it = &doc->it[i];
        B->home[i] = RB_NONE;
        if (!it->text || it->rollback != RB_NONE) {
            continue;
        }
        size_t h = RB_NONE;
        if (it->route[0]) {
            h = natural_heading(B, it->route);
            if (h == RB_NONE && (!bad_route || strcmp(bad_route, it->route) != 0)) {
                note(B, it->line,
                     "the phase '%s' that introduces this list: no heading names it, so its "
                     "items stay under '%s'",
                     it->route, title_of(doc, it->heading));
                bad_route = it->route;
            }
        }
        if (h == RB_NONE) {
            /* "Completion Checklist" under "Phase 3": the items are Phase 3's */
            h = it->heading;
            while (doc->h[h].title && hint_is_generic_title(doc->h[h].title) &&
                   doc->h[h].parent != RB_NONE) {
                h = doc->h[h].parent;
            }
        }
        B->home[i] = h;
    }
}

/* ---- phases ----------------------------------------------------------------------- */

static int cmp_phase(const void *a, const void *b) {
    const RbPhase *x = a, *y = b;
    if (x->pos != y->pos) {
        return x->pos < y->pos ? -1 : 1;
    }
    return x->heading < y->heading ? -1 : x->heading > y->heading;
}

/* For references: each heading's last phase (in order) in its section, for "Phase 2"
 * meaning 2A..2C, and the phases by the name their heading asks for ("p2c"). */
static int index_phases(Builder *B) {
    RbDoc *doc = B->doc;
    RbBuild *b = B->b;
    for (size_t h = 0; h < doc->n_h; h++) {
        B->best[h] = doc->h[h].phase;
        B->owner[h] = OWNER_UNKNOWN;
    }
    for (size_t h = doc->n_h; h-- > 0;) {
        size_t up = doc->h[h].parent;
        if (up != RB_NONE && B->best[h] != RB_NONE &&
            (B->best[up] == RB_NONE || B->best[h] > B->best[up])) {
            B->best[up] = B->best[h];
        }
    }
    for (size_t k = 0; k < b->n_phases; k++) {
        const RbHeading *h = &doc->h[b->phases[k].heading];
        if (h->phase_named &&
            strmap_put(B->phased, h->natural, (void *)(k + 1), 0, NULL, NULL) == -ENOMEM) {
            return -ENOMEM;
        }
    }
    return 0;
}

static int make_phases(Builder *B) {
    RbDoc *doc = B->doc;
    RbBuild *b = B->b;
    _cleanup_(freep) size_t *count = calloc(doc->n_h + 1, sizeof(*count));
    _cleanup_(freep) unsigned *first = malloc((doc->n_h + 1) * sizeof(*first));
    if (!count || !first) {
        return -ENOMEM;
    }
    size_t n = 0;
    for (size_t h = 0; h < doc->n_h; h++) {
        first[h] = doc->h[h].line;
    }
    for (size_t i = 0; i < doc->n_it; i++) {
        size_t h = B->home[i];
        if (h == RB_NONE) {
            continue;
        }
        n += count[h]++ == 0;
        unsigned line = doc->it[i].line;
        /* where its checklist starts: its first item inside its own section */
        if (line >= doc->h[h].line && line < doc->h[h].end_line &&
            (first[h] == doc->h[h].line || line < first[h])) {
            first[h] = line;
        }
    }
    b->phases = calloc(n ? n : 1, sizeof(*b->phases));
    if (!b->phases) {
        return -ENOMEM;
    }
    for (size_t h = 0; h < doc->n_h; h++) {
        if (count[h]) {
            RbPhase *p = &b->phases[b->n_phases++];
            *p = (RbPhase){.heading = h, .pos = first[h]};
            p->items = malloc(count[h] * sizeof(*p->items));
            if (!p->items) {
                return -ENOMEM;
            }
        }
    }
    qsort(b->phases, b->n_phases, sizeof(*b->phases), cmp_phase);
    for (size_t k = 0; k < b->n_phases; k++) {
        doc->h[b->phases[k].heading].phase = k;
    }
    for (size_t i = 0; i < doc->n_it; i++) {
        if (B->home[i] != RB_NONE) {
            RbPhase *p = &b->phases[doc->h[B->home[i]].phase];
            p->items[p->n_items++] = i;
            b->n_items++;
        }
    }
    return index_phases(B);
}

/* "p2c" → a phase: the heading of that name, or the last phase inside its section. */
static size_t resolve_ref(Builder *B, const char *id) {
    void *v = strmap_get(B->phased, id, NULL);
    if (v) {
        return (size_t)v - 1;
    }
    size_t h = natural_heading(B, id);
    return h == RB_NONE ? RB_NONE : B->best[h];
}

/* ---- ids -------------------------------------------------------------------------- */

/* A base id that was taken, and the next suffix to try for it. */
typedef struct IdBase {
    size_t next;
    char key[];
} IdBase;

static IdBase *id_base(Builder *B, const char *base) {
    IdBase *ib = strmap_get(B->next, base, NULL);
    if (ib) {
        return ib;
    }
    IdBase **v = rb_grow(B->bases, &B->cap_bases, B->n_bases, sizeof(*v));
    if (!v) {
        return NULL;
    }
    B->bases = v;
    ib = malloc(sizeof(*ib) + strlen(base) + 1);
    if (!ib) {
        return NULL;
    }
    ib->next = 2;
    strcpy(ib->key, base);
    B->bases[B->n_bases++] = ib;
    if (strmap_put(B->next, ib->key, ib, 0, NULL, NULL) < 0) {
        return NULL;
    }
    return ib;
}

/* base, or base-2, base-3 ... (cut to fit 64 characters); registered in B->ids.  The
 * next suffix to try is remembered per base, so a thousand equal items stay linear. */
static int unique_id(Builder *B, const char *base, char out[static HINT_ID_MAX]) {
    snprintf(out, HINT_ID_MAX, "%s", base);
    if (!strmap_get(B->ids, out, NULL)) {
        return strmap_put(B->ids, out, out, 0, NULL, NULL);
    }
    IdBase *ib = id_base(B, base);
    if (!ib) {
        return -ENOMEM;
    }
    for (;; ib->next++) {
        char suffix[24];
        int sl = snprintf(suffix, sizeof(suffix), "-%zu", ib->next);
        size_t bl = MIN(strlen(base), (size_t)(HINT_ID_MAX - 1 - sl));
        while (bl > 0 && (base[bl - 1] == '-' || base[bl - 1] == '.')) {
            bl--;
        }
        snprintf(out, HINT_ID_MAX, "%.*s%s", (int)bl, base, suffix);
        if (!strmap_get(B->ids, out, NULL)) {
            break;
        }
    }
    ib->next++;
    return strmap_put(B->ids, out, out, 0, NULL, NULL);
}

static int child_id(Builder *B, const char *phase, const char *sep, const char *text,
                    char out[static HINT_ID_MAX]) {
    char slug[HINT_ID_MAX], base[HINT_ID_MAX];
    size_t room = HINT_ID_MAX - 1 - strlen(phase) - strlen(sep);
    hint_slug(text, MAX(room, (size_t)1), slug);
    snprintf(base, sizeof(base), "%s%s%s", phase, sep, slug);
    return unique_id(B, base, out);
}

static int assign_ids(Builder *B) {
    RbDoc *doc = B->doc;
    for (size_t k = 0; k < B->b->n_phases; k++) {
        RbPhase *p = &B->b->phases[k];
        const RbHeading *h = &doc->h[p->heading];
        char base[HINT_ID_MAX];
        if (h->title && *h->title) {
            memcpy(base, h->natural, HINT_ID_MAX);
        } else {
            hint_slug(title_of(doc, p->heading), HINT_PHASE_SLUG, base);
        }
        if (unique_id(B, base, p->id) < 0) {
            return -ENOMEM;
        }
    }
    for (size_t k = 0; k < B->b->n_phases; k++) {
        RbPhase *p = &B->b->phases[k];
        p->item_ids = malloc(p->n_items * sizeof(*p->item_ids));
        if (!p->item_ids) {
            return -ENOMEM;
        }
        for (size_t i = 0; i < p->n_items; i++) {
            if (child_id(B, p->id, ".", doc->it[p->items[i]].text, p->item_ids[i]) < 0) {
                return -ENOMEM;
            }
        }
    }
    return 0;
}

/* ---- durations, risk, dependencies ------------------------------------------------ */

static void find_duration(Builder *B, RbPhase *p) {
    const RbHeading *h = &B->doc->h[p->heading];
    int64_t secs;
    int hr = h->title ? hint_heading_duration(h->title, &secs) : 0;
    if (hr > 0) {
        p->duration = secs;
        return;
    }
    if (hr == -ERANGE) {
        note(B, h->line, "the duration in the heading of phase '%s': longer than ten years", p->id);
    }
    const char *v = NULL;
    size_t vl = 0;
    int r = h->lead ? hint_label_duration(h->lead, &secs, &v, &vl) : 0;
    if (r > 0) {
        p->duration = secs;
    } else if (r == -ERANGE) {
        note(B, h->lead_line, "the duration '%.*s' of phase '%s': longer than ten years",
             short_len(v, vl), v, p->id);
    } else if (r < 0) {
        note(B, h->lead_line,
             "'%.*s' as a duration (write '2 hours', '1-2 weeks', '30 minutes'); phase '%s' "
             "has none",
             short_len(v, vl), v, p->id);
    }
}

static void find_risk(Builder *B, RbPhase *p) {
    const RbDoc *doc = B->doc;
    for (size_t a = p->heading; a != RB_NONE; a = doc->h[a].parent) {
        const char *texts[] = {doc->h[a].title, doc->h[a].lead};
        for (size_t t = 0; t < ELEMENTSOF(texts); t++) {
            const char *w = NULL;
            size_t wl = 0;
            int r = texts[t] ? hint_risk(texts[t], &p->risk, &w, &wl) : 0;
            if (r > 0) {
                p->has_risk = true;
                return;
            }
            if (r < 0 && a == p->heading) {
                note(B, t == 0 ? doc->h[a].line : doc->h[a].lead_line,
                     "risk '%.*s' (not low, medium, coordination or high); phase '%s' "
                     "takes the risk of the section around it",
                     short_len(w, wl), w, p->id);
            }
        }
    }
}

static int find_depends(Builder *B, size_t k) {
    RbPhase *p = &B->b->phases[k];
    const RbHeading *h = &B->doc->h[p->heading];
    p->deps = malloc(8 * sizeof(*p->deps));
    if (!p->deps) {
        return -ENOMEM;
    }
    size_t vl = 0;
    const char *v = h->lead ? hint_depends_label(h->lead, &vl) : NULL;
    if (v) {
        char refs[8][HINT_ID_MAX];
        size_t n = hint_phase_refs(v, vl, refs, ELEMENTSOF(refs));
        for (size_t i = 0; i < n; i++) {
            size_t d = resolve_ref(B, refs[i]);
            bool dup = false;
            for (size_t j = 0; j < p->n_deps; j++) {
                dup |= p->deps[j] == d;
            }
            if (d != RB_NONE && d < k && !dup) {
                p->deps[p->n_deps++] = d;
            }
        }
        if (p->n_deps == 0 && k > 0) {
            note(B, h->lead_line,
                 "the dependency '%.*s' of phase '%s' to an earlier phase; it depends on '%s', "
                 "the phase before it",
                 short_len(v, vl), v, p->id, B->b->phases[k - 1].id);
        }
    }
    if (p->n_deps == 0 && k > 0) {
        p->deps[p->n_deps++] = k - 1;
    }
    return 0;
}

/* ---- rollback --------------------------------------------------------------------- */

static size_t phase_before(const RbBuild *b, unsigned line) {
    size_t lo = 0, hi = b->n_phases; /* the last phase whose checklist starts before line */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->phases[mid].pos < line) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo == 0 ? RB_NONE : lo - 1;
}

static bool is_collection(const RbDoc *doc, size_t r) {
    char id[HINT_ID_MAX];
    for (size_t i = r + 1; i < doc->h[r].end; i++) {
        if (doc->h[i].rollback && doc->h[i].phase_named && hint_phase_ref(doc->h[i].title, id)) {
            return true;
        }
    }
    return false;
}

/* The phase whose rollback a rollback section is: the phase it names ("Rollback Plan:
 * Phase 3"), or that of the rollback section around it, or the phase whose section
 * holds it, or the phase it follows.  A section holding other rollback sections that
 * name phases ("Rollback Plans") is a collection and belongs to none. */
static size_t rollback_owner(Builder *B, size_t r) {
    RbDoc *doc = B->doc;
    if (B->owner[r] != OWNER_UNKNOWN) {
        return B->owner[r];
    }
    size_t o = RB_NONE;
    char refs[1][HINT_ID_MAX];
    const char *t = doc->h[r].title;
    if (hint_phase_refs(t, strlen(t), refs, 1) == 1) {
        o = resolve_ref(B, refs[0]);
    }
    if (o == RB_NONE && !is_collection(doc, r)) {
        size_t a = doc->h[r].parent;
        while (a != RB_NONE && !doc->h[a].rollback && doc->h[a].phase == RB_NONE) {
            a = doc->h[a].parent;
        }
        o = a == RB_NONE         ? phase_before(B->b, doc->h[r].line)
            : doc->h[a].rollback ? rollback_owner(B, a)
                                 : doc->h[a].phase;
    }
    B->owner[r] = o;
    return o;
}

static int add_step(RbPhase *p, size_t step) {
    size_t *v = rb_grow(p->steps, &p->cap_steps, p->n_steps, sizeof(*v));
    if (!v) {
        return -ENOMEM;
    }
    p->steps = v;
    p->steps[p->n_steps++] = step;
    return 0;
}

static size_t rollback_around(const RbDoc *doc, size_t h) {
    for (size_t a = h; a != RB_NONE; a = doc->h[a].parent) {
        if (doc->h[a].rollback) {
            return a;
        }
    }
    return RB_NONE;
}

/* One step: an item of a rollback list, or a heading of a rollback section that has
 * code but no list ("If Issues Within First Hour" and its commands). */
static int place_step(Builder *B, size_t r, size_t step, unsigned line, const char *route,
                      size_t *produced) {
    size_t o = route && route[0] ? resolve_ref(B, route) : RB_NONE;
    o = o != RB_NONE ? o : rollback_owner(B, r);
    produced[r]++;
    if (o == RB_NONE) {
        if (produced[r] == 1) {
            note(B, line,
                 "the rollback steps under '%s' to a phase: it names none (as in 'Rollback: "
                 "Phase 3')%s; they are not imported",
                 title_of(B->doc, r),
                 phase_before(B->b, B->doc->h[r].line) == RB_NONE
                     ? " and no checklist comes before it"
                     : " and it is among the rollback sections of several phases");
        }
        return 0;
    }
    B->b->n_steps++;
    return add_step(&B->b->phases[o], step);
}

static int find_rollbacks(Builder *B) {
    RbDoc *doc = B->doc;
    _cleanup_(freep) size_t *produced = calloc(doc->n_h + 1, sizeof(*produced));
    if (!produced) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < doc->n_it; i++) {
        if (doc->it[i].rollback != RB_NONE && doc->it[i].text) {
            doc->h[doc->it[i].heading].n_steps++;
        }
    }
    /* items and headings merged in the order of the document */
    size_t i = 0;
    for (size_t h = 0; h <= doc->n_h; h++) {
        unsigned hline = h < doc->n_h ? doc->h[h].line : UINT_MAX;
        for (; i < doc->n_it && doc->it[i].line < hline; i++) {
            const RbItem *it = &doc->it[i];
            if (it->rollback != RB_NONE && it->text &&
                place_step(B, it->rollback, i, it->line, it->route, produced) < 0) {
                return -ENOMEM;
            }
        }
        if (h == doc->n_h) {
            break;
        }
        size_t r = rollback_around(doc, h);
        if (r != RB_NONE && doc->h[h].code && doc->h[h].n_steps == 0 &&
            place_step(B, r, RB_STEP_HEADING(h), hline, NULL, produced) < 0) {
            return -ENOMEM;
        }
    }
    for (size_t h = 0; h < doc->n_h; h++) {
        if (doc->h[h].rollback && !produced[h] && !is_collection(doc, h) &&
            rollback_owner(B, h) != RB_NONE) {
            bool inner = false;
            for (size_t c = h + 1; c < doc->h[h].end; c++) {
                inner |= doc->h[c].rollback && produced[c] > 0;
            }
            if (!inner) {
                note(B, doc->h[h].line,
                     "rollback steps from '%s': it has no list and no code block",
                     title_of(doc, h));
            }
        }
    }
    return 0;
}

static int step_ids(Builder *B) {
    for (size_t k = 0; k < B->b->n_phases; k++) {
        RbPhase *p = &B->b->phases[k];
        p->step_ids = malloc((p->n_steps ? p->n_steps : 1) * sizeof(*p->step_ids));
        if (!p->step_ids) {
            return -ENOMEM;
        }
        for (size_t s = 0; s < p->n_steps; s++) {
            size_t st = p->steps[s];
            const char *text = RB_STEP_IS_HEADING(st) ? title_of(B->doc, ~st) : B->doc->it[st].text;
            if (child_id(B, p->id, ".rb-", text, p->step_ids[s]) < 0) {
                return -ENOMEM;
            }
        }
    }
    return 0;
}

/* Headings that give a duration but no checklist: the operator will want to know. */
static void note_durations_lost(Builder *B) {
    const RbDoc *doc = B->doc;
    for (size_t h = 0; h < doc->n_h; h++) {
        const RbHeading *x = &doc->h[h];
        int64_t secs;
        const char *v;
        size_t vl;
        if (x->phase != RB_NONE || !x->title || rollback_around(doc, h) != RB_NONE) {
            continue;
        }
        if (hint_heading_duration(x->title, &secs) > 0 ||
            (x->lead && hint_label_duration(x->lead, &secs, &v, &vl) > 0)) {
            note(B, x->line,
                 "the duration of '%s': it holds no checklist ('- [ ]' lines) of its own, so "
                 "it is no phase",
                 x->title);
        }
    }
}

int rb_build(RbDoc *doc, RbBuild *b) {
    Builder B = {.doc = doc, .b = b};
    int r = -ENOMEM;
    B.ids = strmap_new(), B.natural = strmap_new(), B.phased = strmap_new();
    B.next = strmap_new();
    B.home = malloc((doc->n_it + 1) * sizeof(*B.home));
    B.best = malloc((doc->n_h + 1) * sizeof(*B.best));
    B.owner = malloc((doc->n_h + 1) * sizeof(*B.owner));
    if (!B.ids || !B.natural || !B.phased || !B.next || !B.home || !B.best || !B.owner) {
        goto out;
    }
    if ((r = map_sections(&B)) < 0) {
        goto out;
    }
    find_homes(&B);
    if ((r = make_phases(&B)) < 0 || (r = assign_ids(&B)) < 0) {
        goto out;
    }
    for (size_t k = 0; k < b->n_phases; k++) {
        find_duration(&B, &b->phases[k]);
        find_risk(&B, &b->phases[k]);
        if ((r = find_depends(&B, k)) < 0) {
            goto out;
        }
    }
    if ((r = find_rollbacks(&B)) < 0 || (r = step_ids(&B)) < 0) {
        goto out;
    }
    note_durations_lost(&B);
    r = 0;
out:
    strmap_free(B.ids), strmap_free(B.natural), strmap_free(B.phased), strmap_free(B.next);
    for (size_t i = 0; i < B.n_bases; i++) {
        free(B.bases[i]);
    }
    free(B.bases);
    free(B.home), free(B.best), free(B.owner);
    return r;
}

void rb_build_done(RbBuild *b) {
    for (size_t k = 0; k < b->n_phases; k++) {
        RbPhase *p = &b->phases[k];
        free(p->items), free(p->steps), free(p->deps), free(p->item_ids), free(p->step_ids);
    }
    free(b->phases);
    *b = (RbBuild){0};
}
