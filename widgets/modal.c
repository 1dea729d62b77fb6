/* widgets/modal.c: confirm, prompt and type-to-confirm dialogs. */
#include "widgets/modal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/keys.h"
#include "widgets/utf8.h"

#define MODAL_INPUT_MAX 1024 /* bytes */
#define MODAL_MIN_INNER 40
#define MODAL_MAX_INNER 72

/* Where the box goes and how many message rows it shows. */
typedef struct ModalLayout {
    int y, x, h, w, inner;
    int msg_rows;
} ModalLayout;

static bool has_input(const Modal *m) {
    return m->kind != MODAL_CONFIRM;
}

static int message_rows(const Modal *m, int inner) {
    int rows = 0;
    for (const char *p = m->message; *p;) {
        size_t n = strcspn(p, "\n");
        rows += utf8_wrap_rows(p, n, inner, true);
        p += n + (p[n] == '\n');
    }
    return rows;
}

static const char *hint(const Modal *m, int i, const char **ret_label) {
    static const char *const confirm[][2] = {{"y", "Yes"}, {"n", "No"}};
    static const char *const prompt[][2] = {{"Enter", "OK"}, {"Esc", "Cancel"}};
    static const char *const type[][2] = {{"Enter", "Confirm"}, {"Esc", "Cancel"}};
    const char *const(*h)[2] = m->kind == MODAL_CONFIRM  ? confirm
                               : m->kind == MODAL_PROMPT ? prompt
                                                         : type;
    *ret_label = h[i][1];
    return h[i][0];
}

static int type_line_width(const Modal *m) {
    return canvas_width("Type '' to confirm") + canvas_width(m->expected);
}

static ModalLayout modal_layout(const Modal *m) {
    const Widget *w = &m->base;
    ModalLayout L = {0};
    int want = MODAL_MIN_INNER, title = canvas_width(m->title) + 4;
    want = title > want ? title : want;
    for (const char *p = m->message; *p;) {
        size_t n = strcspn(p, "\n");
        int lw = utf8_width(p, n);
        want = lw > want ? lw : want;
        p += n + (p[n] == '\n');
    }
    if (m->kind == MODAL_TYPE_TO_CONFIRM && type_line_width(m) > want) {
        want = type_line_width(m);
    }
    int max = w->cols - 4 < MODAL_MAX_INNER ? w->cols - 4 : MODAL_MAX_INNER;
    L.inner = want < max ? want : max;
    if (L.inner < 1) {
        L.inner = 1;
    }
    L.w = L.inner + 4;
    L.msg_rows = message_rows(m, L.inner);
    int fixed = 5 + (has_input(m) ? 1 : 0) + (m->kind == MODAL_TYPE_TO_CONFIRM ? 2 : 0);
    if (fixed + L.msg_rows > w->rows) {
        L.msg_rows = w->rows - fixed > 0 ? w->rows - fixed : 0;
    }
    L.h = fixed + L.msg_rows;
    L.x = w->x + (w->cols - L.w) / 2;
    L.y = w->y + (w->rows - L.h) / 2;
    L.x = L.x < w->x ? w->x : L.x;
    L.y = L.y < w->y ? w->y : L.y;
    return L;
}

static void draw_input(const Modal *m, int y, int x, int inner) {
    const Canvas *c = m->canvas;
    canvas_put(c, y, x, ROLE_MODAL_TITLE, "> ", inner);
    int room = inner - 3; /* "> " and the cursor */
    if (room <= 0) {
        return;
    }
    /* Show the end of what was typed when it is wider than the field. */
    size_t start = 0;
    while (utf8_width(m->input + start, m->input_len - start) > room) {
        unsigned cp;
        start += utf8_decode(m->input + start, m->input_len - start, &cp);
    }
    int used = canvas_putn(c, y, x + 2, ROLE_MODAL, m->input + start, m->input_len - start, room);
    canvas_fill(c, y, x + 2 + used, 1, ROLE_SELECTED); /* the cursor */
}

static void draw_hints(const Modal *m, int y, int x, int inner) {
    int col = 0;
    for (int i = 0; i < 2 && col < inner; i++) {
        const char *label, *key = hint(m, i, &label);
        col += canvas_put(m->canvas, y, x + col, ROLE_MODAL_TITLE, key, inner - col);
        col += canvas_put(m->canvas, y, x + col, ROLE_MODAL, " ", inner - col);
        col += canvas_put(m->canvas, y, x + col, ROLE_MODAL, label, inner - col);
        col += canvas_put(m->canvas, y, x + col, ROLE_MODAL, "   ", inner - col);
    }
}

static void modal_draw(Widget *w) {
    Modal *m = (Modal *)w;
    const Canvas *c = m->canvas;
    ModalLayout L = modal_layout(m);
    canvas_box(c, L.y, L.x, L.h, L.w, ROLE_MODAL);
    if (*m->title) {
        int tw = canvas_put(c, L.y, L.x + 2, ROLE_MODAL_TITLE, " ", L.w - 4);
        tw += canvas_put(c, L.y, L.x + 2 + tw, ROLE_MODAL_TITLE, m->title, L.w - 4 - tw);
        canvas_put(c, L.y, L.x + 2 + tw, ROLE_MODAL_TITLE, " ", L.w - 4 - tw);
    }
    int x = L.x + 2, y = L.y + 2, shown = 0;
    for (const char *p = m->message; *p && shown < L.msg_rows;) {
        size_t n = strcspn(p, "\n"), off = 0;
        do {
            size_t next, len = utf8_wrap(p + off, n - off, L.inner, true, &next);
            canvas_putn(c, y++, x, ROLE_MODAL, p + off, len, L.inner);
            off += next;
            shown++;
        } while (off < n && shown < L.msg_rows);
        p += n + (p[n] == '\n');
    }
    y++;
    if (m->kind == MODAL_TYPE_TO_CONFIRM) {
        int col = canvas_put(c, y, x, ROLE_MODAL, "Type '", L.inner);
        col += canvas_put(c, y, x + col, ROLE_MODAL_TITLE, m->expected, L.inner - col);
        canvas_put(c, y++, x + col, ROLE_MODAL, "' to confirm", L.inner - col);
    }
    if (has_input(m)) {
        draw_input(m, y++, x, L.inner);
    }
    if (m->kind == MODAL_TYPE_TO_CONFIRM) {
        if (m->mismatch) {
            int col = canvas_put(c, y, x, ROLE_FAIL, "That does not match '", L.inner);
            col += canvas_put(c, y, x + col, ROLE_FAIL, m->expected, L.inner - col);
            canvas_put(c, y, x + col, ROLE_FAIL, "'.", L.inner - col);
        }
        y++;
    }
    draw_hints(m, y, x, L.inner);
}

static unsigned answer(Modal *m, ModalState state) {
    m->state = state;
    return WR_HANDLED | WR_CLOSE | (state == MODAL_ACCEPTED ? WR_ACTIVATE : 0);
}

/* Append the code point typed; false when it is not text or does not fit. */
static bool input_add(Modal *m, int key) {
    char buf[4];
    if (!widget_key_is_char(key) || key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0)) {
        return false;
    }
    size_t n = utf8_encode((unsigned)key, buf);
    if (n == 0 || m->input_len + n > MODAL_INPUT_MAX) {
        return false;
    }
    if (m->input_len + n + 1 > m->input_cap) {
        size_t cap = m->input_cap * 2 > m->input_len + n + 1 ? m->input_cap * 2 : 64;
        char *p = realloc(m->input, cap);
        if (!p) {
            return false;
        }
        m->input = p;
        m->input_cap = cap;
    }
    memcpy(m->input + m->input_len, buf, n);
    m->input_len += n;
    m->input[m->input_len] = '\0';
    return true;
}

static unsigned modal_handle_key(Widget *w, int key) {
    Modal *m = (Modal *)w;
    if (m->state != MODAL_OPEN) {
        return WR_IGNORED;
    }
    if (wkey_is(key, WKEY_ESC)) {
        return answer(m, MODAL_CANCELLED);
    }
    if (m->kind == MODAL_CONFIRM) {
        if (wkey_is(key, 'y') || wkey_is(key, 'Y') || wkey_is_enter(key)) {
            return answer(m, MODAL_ACCEPTED);
        }
        if (wkey_is(key, 'n') || wkey_is(key, 'N')) {
            return answer(m, MODAL_CANCELLED);
        }
        return WR_HANDLED;
    }
    if (wkey_is_enter(key)) {
        if (m->kind == MODAL_TYPE_TO_CONFIRM && strcmp(m->input, m->expected) != 0) {
            m->mismatch = true;
            return WR_HANDLED | WR_REDRAW;
        }
        return answer(m, MODAL_ACCEPTED);
    }
    if (wkey_is_backspace(key)) {
        if (m->input_len == 0) {
            return WR_HANDLED;
        }
        m->input_len -= utf8_last_len(m->input, m->input_len);
        m->input[m->input_len] = '\0';
    } else if (wkey_is(key, 0x15)) { /* ^U: clear */
        m->input_len = 0;
        m->input[0] = '\0';
    } else if (!input_add(m, key)) {
        return WR_HANDLED;
    }
    m->mismatch = false;
    return WR_HANDLED | WR_REDRAW;
}

static void modal_free(Widget *w) {
    Modal *m = (Modal *)w;
    free(m->title);
    free(m->message);
    free(m->expected);
    free(m->input);
    free(m);
}

static const WidgetOps modal_ops = {
    .draw = modal_draw,
    .handle_key = modal_handle_key,
    .free = modal_free,
};

Modal *modal_new(const Canvas *c, ModalKind kind, const char *title, const char *message,
                 const char *expected, int tag) {
    Modal *m = calloc(1, sizeof(*m));
    if (!m) {
        return NULL;
    }
    m->base.ops = &modal_ops;
    m->base.dirty = true;
    m->canvas = c;
    m->kind = kind;
    m->tag = tag;
    m->title = strdup(title ? title : "");
    m->message = strdup(message ? message : "");
    m->expected = strdup(expected ? expected : "");
    m->input_cap = 64;
    m->input = calloc(1, m->input_cap);
    if (!m->title || !m->message || !m->expected || !m->input) {
        modal_free(&m->base);
        return NULL;
    }
    return m;
}
