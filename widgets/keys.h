#pragma once
/* Recognising the keys widgets share (see widget.h for the encoding). */
#include <curses.h>
#include <stdbool.h>

#include "widgets/widget.h"

#define WKEY_ESC 27

static inline bool wkey_is(int key, int ch) {
    return widget_key_is_char(key) && key == ch;
}

static inline bool wkey_is_code(int key, int code) {
    return !widget_key_is_char(key) && widget_key_code(key) == code;
}

static inline bool wkey_is_enter(int key) {
    return wkey_is(key, '\r') || wkey_is(key, '\n') || wkey_is_code(key, KEY_ENTER);
}

static inline bool wkey_is_backspace(int key) {
    return wkey_is(key, 127) || wkey_is(key, 8) || wkey_is_code(key, KEY_BACKSPACE);
}

/* Navigation shared by scrolling widgets. */
typedef enum WKeyNav {
    NAV_NONE,
    NAV_UP,
    NAV_DOWN,
    NAV_PAGE_UP,
    NAV_PAGE_DOWN,
    NAV_HOME,
    NAV_END,
} WKeyNav;

static inline WKeyNav wkey_nav(int key) {
    if (widget_key_is_char(key)) {
        switch (key) {
        case 'k':
            return NAV_UP;
        case 'j':
            return NAV_DOWN;
        case 'g':
            return NAV_HOME;
        case 'G':
            return NAV_END;
        default:
            return NAV_NONE;
        }
    }
    switch (widget_key_code(key)) {
    case KEY_UP:
        return NAV_UP;
    case KEY_DOWN:
        return NAV_DOWN;
    case KEY_PPAGE:
        return NAV_PAGE_UP;
    case KEY_NPAGE:
        return NAV_PAGE_DOWN;
    case KEY_HOME:
        return NAV_HOME;
    case KEY_END:
        return NAV_END;
    default:
        return NAV_NONE;
    }
}
