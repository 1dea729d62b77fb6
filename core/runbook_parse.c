/* Reading a Markdown runbook with md4c: a SAX parse whose callbacks collect headings
 * (with their first paragraphs), checklist items (with the code right under them),
 * the steps of rollback sections, and where each of them is in the file.  The state
 * kept is bounded: nesting beyond RB_MAX_DEPTH is skipped, every text has a cap. */
#include <errno.h>
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook_internal.h"

typedef enum FrameType {
    F_DOC,
    F_QUOTE,
    F_LIST,
    F_LI,
    F_P,
    F_H,
    F_CODE,
    F_TABLE,
    F_OTHER
} FrameType;

typedef struct Frame {
    FrameType type;
    size_t item;             /* F_LI: the item it makes, or RB_NONE */
    bool seen_p;             /* F_LI: its first paragraph has begun */
    size_t last_item;        /* F_LIST: the last item made directly in it */
    char route[HINT_ID_MAX]; /* F_LIST: the phase named by the paragraph before it */
} Frame;

typedef struct Parser {
    const char *buf;
    size_t len;
    size_t cur_off; /* a line cursor: md4c reports text in order, so it mostly moves on */
    unsigned cur_line, last_line;
    RbDoc *doc;
    Frame st[RB_MAX_DEPTH + 1]; /* st[0] is the document */
    unsigned depth;
    unsigned skip;    /* blocks entered past RB_MAX_DEPTH and not left yet */
    unsigned strong;  /* inside **bold** */
    size_t hstack[8]; /* open headings by level */
    size_t heading;   /* the heading whose section we are in, RB_NONE before any */
    size_t rollback;  /* the rollback heading whose section we are in, or RB_NONE */
    bool in_heading;
    unsigned text_line; /* line of the first text of the heading or item being read */
    RbBuf htext, ptext, itext, ctext;
    unsigned cap_li;  /* depth of the list item whose text is being read; 0: none */
    size_t want_lead; /* heading whose first paragraphs come next, or RB_NONE */
    bool reading_lead;
    bool para_strong;    /* the paragraph so far is all bold: a label */
    FrameType left_type; /* the block just left, when nothing was entered since */
    unsigned left_depth;
    size_t left_item;
    size_t code_item; /* the item the open code block belongs to */
    bool code_keep;
    bool deep_noted, deep_pending;
    int err;
} Parser;

/* ---- positions and notes ---------------------------------------------------------- */

static unsigned line_at(Parser *p, size_t off) {
    off = MIN(off, p->len);
    while (p->cur_off < off) {
        const char *nl = memchr(p->buf + p->cur_off, '\n', off - p->cur_off);
        if (!nl) {
            p->cur_off = off;
            break;
        }
        p->cur_line++;
        p->cur_off = (size_t)(nl - p->buf) + 1;
    }
    while (p->cur_off > off) { /* rare: md4c went back */
        p->cur_off--;
        if (p->buf[p->cur_off] == '\n') {
            p->cur_line--;
        }
    }
    p->last_line = p->cur_line;
    return p->cur_line;
}

/* The line of ptr when it points into the document, else of the last text seen. */
static unsigned line_of(Parser *p, const char *ptr) {
    if (ptr >= p->buf && ptr < p->buf + p->len) {
        p->last_line = line_at(p, (size_t)(ptr - p->buf));
    }
    return p->last_line;
}

#define note(p, line, ...) rb_note((p)->doc->d, (line), __VA_ARGS__)

static size_t add_heading(Parser *p, unsigned level, unsigned line) {
    RbDoc *d = p->doc;
    RbHeading *v = rb_grow(d->h, &d->cap_h, d->n_h, sizeof(*v));
    if (!v) {
        p->err = -ENOMEM;
        return RB_NONE;
    }
    d->h = v;
    size_t i = d->n_h++;
    v[i] = (RbHeading){
        .level = level, .line = line, .parent = RB_NONE, .end = RB_NONE, .phase = RB_NONE};
    /* its parent: the nearest open heading of a lower level */
    for (unsigned l = MIN(level, 8u); l-- > 1;) {
        if (p->hstack[l] != RB_NONE) {
            v[i].parent = p->hstack[l];
            break;
        }
    }
    for (unsigned l = level; l < ELEMENTSOF(p->hstack); l++) {
        p->hstack[l] = RB_NONE;
    }
    p->hstack[MIN(level, 7u)] = i;
    return i;
}

/* ---- headings --------------------------------------------------------------------- */

static void finish_heading(Parser *p) {
    RbHeading *h = &p->doc->h[p->heading];
    bool oom = false;
    h->title = rb_buf_collapse(&p->htext, &oom);
    if (!h->title && !oom) {
        h->title = strdup("");
        oom = !h->title;
    }
    if (oom) {
        p->err = -ENOMEM;
        return;
    }
    h->line = p->text_line ? p->text_line : p->last_line;
    if (p->htext.truncated) {
        note(p, h->line, "the end of a heading longer than %d bytes; it is cut", RB_MAX_TEXT);
    }
    h->rollback = hint_says_rollback(h->title);
    hint_heading_id(h->title, h->natural);
    char tmp[HINT_ID_MAX];
    const char *t = h->title;
    while (*t && !((*t >= '0' && *t <= '9') || ((*t | 0x20) >= 'a' && (*t | 0x20) <= 'z'))) {
        t++;
    }
    h->phase_named = hint_phase_ref(t, tmp) > 0;
    if (h->level == 1 && !p->doc->title && !(p->doc->title = strdup(h->title))) {
        p->err = -ENOMEM;
    }
    /* the rollback section we are in: this heading's, or one around it */
    p->rollback = RB_NONE;
    for (size_t a = p->heading; a != RB_NONE; a = p->doc->h[a].parent) {
        if (p->doc->h[a].rollback) {
            p->rollback = a;
            break;
        }
    }
    p->in_heading = false;
    p->want_lead = p->heading;
}

/* A heading's lead: its first paragraph, and the paragraphs right after it that each
 * start with a label ("Timeline: 2-3 weeks" written as a paragraph of its own). */
static void add_lead(Parser *p) {
    RbHeading *h = &p->doc->h[p->want_lead];
    if (p->ptext.n == 0 || (h->lead && !hint_starts_with_label(p->ptext.s))) {
        p->want_lead = RB_NONE;
        return;
    }
    size_t old = h->lead ? strlen(h->lead) : 0;
    if (old + p->ptext.n + 2 > RB_MAX_LEAD) {
        p->want_lead = RB_NONE;
        return;
    }
    char *lead = realloc(h->lead, old + p->ptext.n + 2);
    if (!lead) {
        p->err = -ENOMEM;
        return;
    }
    if (old) {
        lead[old++] = '\n';
    } else {
        h->lead_line = p->text_line;
    }
    memcpy(lead + old, p->ptext.s, p->ptext.n + 1);
    h->lead = lead;
}

/* ---- items ------------------------------------------------------------------------ */

static size_t add_item(Parser *p, unsigned line, bool task) {
    RbDoc *d = p->doc;
    if (p->heading == RB_NONE) {
        /* items before any heading: a stand-in heading holds them */
        p->heading = add_heading(p, 7, line);
        if (p->heading == RB_NONE) {
            return RB_NONE;
        }
    }
    RbItem *v = rb_grow(d->it, &d->cap_it, d->n_it, sizeof(*v));
    if (!v) {
        p->err = -ENOMEM;
        return RB_NONE;
    }
    d->it = v;
    size_t i = d->n_it++;
    v[i] = (RbItem){.line = line, .heading = p->heading, .rollback = p->rollback, .task = task};
    for (unsigned k = p->depth; k > 0; k--) {
        if (p->st[k].type == F_LIST && p->st[k].route[0]) {
            memcpy(v[i].route, p->st[k].route, HINT_ID_MAX);
            break;
        }
    }
    return i;
}

static void start_item(Parser *p, unsigned d, const MD_BLOCK_LI_DETAIL *li) {
    Frame *f = &p->st[d];
    bool nested = false;
    for (unsigned k = 1; k < d; k++) {
        nested |= p->st[k].type == F_LI;
    }
    if (li->is_task) {
        p->doc->n_tasks++;
    } else if (p->rollback == RB_NONE || nested) {
        return; /* a plain list item: a step only at the top of a rollback section */
    }
    unsigned line = li->is_task ? line_at(p, li->task_mark_offset) : 0;
    f->item = add_item(p, line, li->is_task);
    if (f->item == RB_NONE) {
        return;
    }
    if (p->st[d - 1].type == F_LIST) {
        p->st[d - 1].last_item = f->item;
    }
    p->cap_li = d;
    p->text_line = 0;
    rb_buf_reset(&p->itext);
}

static void finish_item_text(Parser *p) {
    RbItem *it = &p->doc->it[p->st[p->cap_li].item];
    bool oom = false;
    it->text = rb_buf_collapse(&p->itext, &oom);
    if (oom) {
        p->err = -ENOMEM;
    }
    if (!it->line) {
        it->line = p->text_line ? p->text_line : p->last_line;
    }
    if (p->itext.truncated) {
        note(p, it->line, "the end of an item longer than %d bytes; it is cut", RB_MAX_TEXT);
    }
    if (!it->text && it->task) {
        note(p, it->line, "an empty checklist item; it is skipped");
    }
    p->cap_li = 0;
}

/* ---- code blocks ------------------------------------------------------------------ */

static void finish_code(Parser *p) {
    if (!p->code_keep) {
        return;
    }
    /* trailing blanks of each line and blank lines at the end go */
    RbBuf *b = &p->ctext;
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->s[i] == '\n') {
            while (k > 0 && (b->s[k - 1] == ' ' || b->s[k - 1] == '\t' || b->s[k - 1] == '\r')) {
                k--;
            }
        }
        b->s[k++] = b->s[i];
    }
    while (k > 0 && strchr(" \t\r\n", b->s[k - 1])) {
        k--;
    }
    if (k == 0) {
        return;
    }
    b->s[k++] = '\n'; /* details end with a newline, as a YAML literal block does */
    bool cut = b->truncated;
    char **dst =
        p->code_item != RB_NONE ? &p->doc->it[p->code_item].details : &p->doc->h[p->heading].code;
    char *v = rb_append_text(*dst, b->s, k, RB_MAX_DETAILS, &cut);
    if (!v) {
        p->err = -ENOMEM;
        return;
    }
    *dst = v;
    if (cut) {
        note(p, p->last_line, "the end of a code block longer than %d KiB; it is cut",
             RB_MAX_DETAILS / 1024);
    }
}

static void start_code(Parser *p, unsigned d) {
    const Frame *parent = &p->st[d - 1];
    p->code_item = RB_NONE;
    if (parent->type == F_LI && parent->item != RB_NONE) {
        p->code_item = parent->item; /* inside the item */
    } else if (p->left_type == F_LIST && p->left_depth == d && p->left_item != RB_NONE) {
        p->code_item = p->left_item; /* right after the list, under its last item */
    }
    p->code_keep =
        p->code_item != RB_NONE || (d == 1 && p->rollback != RB_NONE && p->heading != RB_NONE);
    rb_buf_reset(&p->ctext);
}

/* ---- md4c callbacks --------------------------------------------------------------- */

static FrameType frame_type(MD_BLOCKTYPE t) {
    static const FrameType types[] = {
        [MD_BLOCK_DOC] = F_DOC,     [MD_BLOCK_QUOTE] = F_QUOTE, [MD_BLOCK_UL] = F_LIST,
        [MD_BLOCK_OL] = F_LIST,     [MD_BLOCK_LI] = F_LI,       [MD_BLOCK_HR] = F_OTHER,
        [MD_BLOCK_H] = F_H,         [MD_BLOCK_CODE] = F_CODE,   [MD_BLOCK_HTML] = F_OTHER,
        [MD_BLOCK_P] = F_P,         [MD_BLOCK_TABLE] = F_TABLE, [MD_BLOCK_THEAD] = F_TABLE,
        [MD_BLOCK_TBODY] = F_TABLE, [MD_BLOCK_TR] = F_TABLE,    [MD_BLOCK_TH] = F_TABLE,
        [MD_BLOCK_TD] = F_TABLE};
    return (size_t)t < ELEMENTSOF(types) ? types[t] : F_OTHER;
}

/* Past RB_MAX_DEPTH nothing is followed; said once, at the first line inside. */
static int enter_deep(Parser *p, MD_BLOCKTYPE type, const void *detail) {
    if (!p->deep_noted) {
        p->deep_noted = p->deep_pending = true;
    }
    if (type == MD_BLOCK_LI && ((const MD_BLOCK_LI_DETAIL *)detail)->is_task) {
        p->doc->n_tasks++;
        p->doc->n_deep++;
        if (p->deep_pending) {
            (void)line_at(p, ((const MD_BLOCK_LI_DETAIL *)detail)->task_mark_offset);
        }
    }
    p->skip++;
    return 0;
}

static void note_deep(Parser *p) {
    if (p->deep_pending) {
        note(p, p->last_line,
             "nesting deeper than %d levels (lists or quotes inside each other); what is "
             "inside is ignored",
             RB_MAX_DEPTH);
        p->deep_pending = false;
    }
}

static void enter_top(Parser *p, FrameType ft) {
    /* the paragraphs right after a heading are its lead */
    if (p->want_lead == RB_NONE) {
        return;
    }
    if (ft == F_P) {
        p->reading_lead = true;
    } else {
        p->want_lead = RB_NONE;
    }
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *userdata) {
    Parser *p = userdata;
    if (type == MD_BLOCK_DOC) {
        return 0;
    }
    if (p->skip || p->depth >= RB_MAX_DEPTH) {
        return enter_deep(p, type, detail);
    }
    unsigned d = p->depth + 1;
    FrameType ft = frame_type(type);
    if (d == 1) {
        enter_top(p, ft);
    }
    if (p->cap_li) {
        /* an item's text is its first paragraph; any other block ends it */
        Frame *li = &p->st[p->cap_li];
        if (ft == F_P && d == p->cap_li + 1 && !li->seen_p) {
            li->seen_p = true;
        } else {
            finish_item_text(p);
        }
    }
    Frame *f = &p->st[d];
    *f = (Frame){.type = ft, .item = RB_NONE, .last_item = RB_NONE};
    switch (type) {
    case MD_BLOCK_H:
        if (d == 1) {
            p->heading = add_heading(p, ((MD_BLOCK_H_DETAIL *)detail)->level, p->last_line);
            p->in_heading = p->heading != RB_NONE;
            p->text_line = 0;
            p->want_lead = RB_NONE;
            rb_buf_reset(&p->htext);
        }
        break;
    case MD_BLOCK_P:
        rb_buf_reset(&p->ptext);
        p->para_strong = true;
        p->text_line = p->cap_li ? p->text_line : 0;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (p->left_type == F_P && p->left_depth == d && p->ptext.n) {
            if (!hint_lead_in_phase(p->ptext.s, f->route)) {
                f->route[0] = '\0';
            }
        }
        break;
    case MD_BLOCK_LI:
        start_item(p, d, detail);
        break;
    case MD_BLOCK_CODE:
        start_code(p, d);
        break;
    default:
        break;
    }
    p->left_type = F_OTHER;
    p->depth = d;
    return p->err;
}

static void leave_paragraph(Parser *p, unsigned d) {
    if (d != 1) {
        return;
    }
    if (p->reading_lead) {
        add_lead(p);
        p->reading_lead = false;
    }
    /* "**Completion Checklist**" inside a rollback section: what follows is a checklist */
    if (p->rollback != RB_NONE && p->para_strong && p->ptext.n && hint_says_checklist(p->ptext.s)) {
        p->rollback = RB_NONE;
    }
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *userdata) {
    Parser *p = userdata;
    if (type == MD_BLOCK_DOC) {
        return 0;
    }
    if (p->skip) {
        p->skip--;
        if (!p->skip) {
            note_deep(p);
        }
        return 0;
    }
    unsigned d = p->depth;
    Frame *f = &p->st[d];
    switch (f->type) {
    case F_LI:
        if (p->cap_li == d) {
            finish_item_text(p);
        }
        break;
    case F_P:
        leave_paragraph(p, d);
        break;
    case F_H:
        if (d == 1 && p->in_heading) {
            finish_heading(p);
        }
        break;
    case F_CODE:
        finish_code(p);
        break;
    case F_LIST:
        p->left_item = f->last_item;
        break;
    default:
        break;
    }
    p->left_type = f->type;
    p->left_depth = d;
    p->depth--;
    return p->err;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *userdata) {
    Parser *p = userdata;
    if (!p->skip && type == MD_SPAN_STRONG) {
        p->strong++;
    }
    return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *userdata) {
    Parser *p = userdata;
    if (!p->skip && type == MD_SPAN_STRONG && p->strong > 0) {
        p->strong--;
    }
    return 0;
}

static void add_inline(Parser *p, const char *s, size_t n, bool hard_break) {
    Frame *f = &p->st[p->depth];
    if (p->in_heading && p->depth == 1) {
        p->text_line = p->text_line ? p->text_line : p->last_line;
        rb_buf_add(&p->htext, hard_break ? " " : s, hard_break ? 1 : n);
        return;
    }
    if (p->cap_li && (p->depth == p->cap_li || (p->depth == p->cap_li + 1 && f->type == F_P))) {
        p->text_line = p->text_line ? p->text_line : p->last_line;
        rb_buf_add(&p->itext, hard_break ? " " : s, hard_break ? 1 : n);
    }
    if (f->type == F_P) {
        if (p->ptext.n == 0 && !p->cap_li) {
            p->text_line = p->last_line;
        }
        rb_buf_add(&p->ptext, hard_break ? "\n" : s, hard_break ? 1 : n);
        if (!p->strong && !hard_break) {
            for (size_t i = 0; i < n; i++) {
                p->para_strong &= strchr(" \t:", s[i]) != NULL;
            }
        }
    }
}

static int text_cb(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata) {
    Parser *p = userdata;
    if (p->skip) {
        if (p->deep_pending) {
            (void)line_of(p, text);
            note_deep(p);
        }
        return 0;
    }
    (void)line_of(p, text);
    Frame *f = &p->st[p->depth];
    if (f->type == F_CODE) {
        if (p->code_keep) {
            rb_buf_add(&p->ctext, text, size);
        }
        return 0;
    }
    if (f->type == F_TABLE || f->type == F_OTHER) {
        return 0;
    }
    char ent[8];
    switch (type) {
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        add_inline(p, "\n", 1, true);
        break;
    case MD_TEXT_ENTITY: {
        size_t k = rb_decode_entity(text, size, ent);
        add_inline(p, k ? ent : text, k ? k : size, false);
        break;
    }
    case MD_TEXT_NULLCHAR:
        add_inline(p, "\xef\xbf\xbd", 3, false);
        break;
    case MD_TEXT_HTML:
        break;
    default:
        add_inline(p, text, size, false);
        break;
    }
    if (p->htext.oom || p->ptext.oom || p->itext.oom || p->ctext.oom) {
        p->err = -ENOMEM;
    }
    return p->err;
}

int rb_parse(const char *buf, size_t len, RbDoc *doc) {
    Parser p = {.buf = buf,
                .len = len,
                .cur_line = 1,
                .last_line = 1,
                .doc = doc,
                .heading = RB_NONE,
                .rollback = RB_NONE,
                .want_lead = RB_NONE,
                .left_type = F_OTHER,
                .left_item = RB_NONE,
                .code_item = RB_NONE,
                .htext = {.max = RB_MAX_TEXT},
                .ptext = {.max = RB_MAX_LEAD},
                .itext = {.max = RB_MAX_TEXT},
                .ctext = {.max = RB_MAX_DETAILS}};
    for (size_t l = 0; l < ELEMENTSOF(p.hstack); l++) {
        p.hstack[l] = RB_NONE;
    }
    p.st[0].type = F_DOC;
    MD_PARSER parser = {
        .abi_version = 0,
        .flags = MD_FLAG_TASKLISTS | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
        .enter_block = enter_block,
        .leave_block = leave_block,
        .enter_span = enter_span,
        .leave_span = leave_span,
        .text = text_cb,
    };
    int r = md_parse(buf, (MD_SIZE)len, &parser, &p);
    free(p.htext.s), free(p.ptext.s), free(p.itext.s), free(p.ctext.s);
    if (p.err < 0) {
        return p.err;
    }
    return r != 0 ? -ENOMEM : 0;
}

void rb_doc_done(RbDoc *doc) {
    for (size_t i = 0; i < doc->n_h; i++) {
        free(doc->h[i].title), free(doc->h[i].lead), free(doc->h[i].code);
    }
    for (size_t i = 0; i < doc->n_it; i++) {
        free(doc->it[i].text), free(doc->it[i].details);
    }
    free(doc->h), free(doc->it), free(doc->title);
    *doc = (RbDoc){.d = doc->d};
}
