#pragma once
/* Themes: files in themes/ that map roles to colours and attributes.
 *
 *   # comment
 *   name = default
 *   ok       = green/71 default bold      # fg[/fg256] bg[/bg256] attrs...
 *   selected = black cyan/31 bold
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white, or
 * 0-255; "X/N" uses N on 256-colour terminals and X on 8-colour ones.
 * Attributes: bold, dim, reverse, underline, standout, italic, none.
 * A role not named falls back to normal.  The "mono" theme (and NO_COLOR) use
 * attributes only.
 *
 * Details: a role line is up to two colours (foreground, then background)
 * followed by attributes, or attributes alone.  A number above 7 without an
 * "X/" part is approximated on 8-colour terminals.  "mono = yes" (or the name
 * "mono") makes a theme attributes-only.  "name = N" sets Theme.name (default:
 * the name passed in).  Every bad line is reported: unknown roles, colours and
 * attributes, a role set twice, a line without "=".
 *
 * With colours off and a theme that is not mono (a terminal without colours),
 * theme_attr() uses a built-in no-colour column (theme_mono_attr) so selection,
 * failures and headers stay visible. */
#include <stdbool.h>

#include "widgets/roles.h"

typedef struct ThemeStyle {
    short fg8, bg8;     /* -1 = terminal default */
    short fg256, bg256; /* -1 = terminal default */
    unsigned attrs;     /* curses A_* bits */
    bool set;
} ThemeStyle;

/* Owned by the application; theme_free() releases it. */
typedef struct Theme {
    char *name;
    ThemeStyle style[_ROLE_MAX];
    bool mono;       /* attributes only */
    bool colors_on;  /* set by theme_apply: colour pairs are registered */
    bool colors_256; /* set by theme_apply: 256-colour values are in use */
} Theme;

/* Parse a theme file's text.  Returns 0, -EINVAL with *ret_error set to a new
 * "LINE: message" string (one line per error, joined by '\n'), or -ENOMEM.
 * *ret_error is set to NULL first, so the caller may always free it. */
int theme_parse(const char *name, const char *text, Theme **ret, char **ret_error);
/* Find NAME.theme in the search path (dirs separated by ':', empty ones
 * skipped; the first directory holding it wins) and parse it.  -ENOENT when no
 * directory has it (or NAME is not a plain file name); -EINVAL with
 * *ret_error = "PATH:LINE: message" lines when it does not parse, or
 * "PATH: why" when it cannot be read. */
int theme_load(const char *name, const char *search_path, Theme **ret, char **ret_error);
Theme *theme_free(Theme *t);
/* The names available in the search path, sorted; a NULL-terminated array the
 * caller frees with theme_names_free. */
char **theme_names(const char *search_path);
void theme_names_free(char **names);

/* Register colour pairs with curses (after start_color); with no colour
 * support, NO_COLOR or a mono theme, only attributes are used. */
void theme_apply(Theme *t, bool use_color);
/* The curses attributes (pair and attrs) to draw role with: COLOR_PAIR(role + 1)
 * | attrs with colours on, else the attributes alone (t may be NULL). */
unsigned theme_attr(const Theme *t, Role r);
/* The built-in no-colour look of a role. */
unsigned theme_mono_attr(Role r);
