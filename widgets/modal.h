#pragma once
/* Modal dialogs driven by keys from the event loop (never blocking): confirm
 * (y/n), prompt (a line of text), and type-to-confirm (the operator must type
 * the target's name exactly). */
#include <stdbool.h>

#include "widgets/canvas.h"
#include "widgets/widget.h"

typedef enum ModalKind { MODAL_CONFIRM, MODAL_PROMPT, MODAL_TYPE_TO_CONFIRM } ModalKind;
typedef enum ModalState { MODAL_OPEN, MODAL_ACCEPTED, MODAL_CANCELLED } ModalState;

typedef struct Modal {
    Widget base;
    const Canvas *canvas;
    ModalKind kind;
    ModalState state;
    char *title;    /* owned */
    char *message;  /* owned; may hold several lines */
    char *expected; /* type-to-confirm: what must be typed; owned */
    char *input;    /* prompt / type-to-confirm: what was typed (UTF-8); owned */
    size_t input_len, input_cap;
    int tag;       /* the owner's: what to do when accepted */
    bool mismatch; /* type-to-confirm: Enter was pressed on a wrong name */
} Modal;

/* Texts are copied; they must already be sanitised. */
Modal *modal_new(const Canvas *c, ModalKind kind, const char *title, const char *message,
                 const char *expected, int tag);
/* Keys: y/Enter accept and n/Esc cancel (confirm); printable UTF-8 input,
 * Backspace, Enter (accept: for type-to-confirm only when input == expected),
 * Esc cancels.  Returns WR_REDRAW while open, WR_CLOSE when answered.
 *
 * Precisely: while open every key is consumed (WR_HANDLED, plus WR_REDRAW when
 * the input or the mismatch note changed).  Answering sets state and returns
 * WR_HANDLED | WR_CLOSE, plus WR_ACTIVATE when accepted.  Keys after that are
 * WR_IGNORED.  Input takes code points >= 0x20 (not DEL or C1 controls), at
 * most 1024 bytes; Backspace (KEY_BACKSPACE, DEL or ^H) removes the last
 * character, ^U clears.  A wrong name on Enter sets mismatch and the dialog
 * shows "That does not match 'NAME'." until the next edit.  input is always
 * a NUL-terminated string (the prompt's answer).
 *
 * The dialog box is centred in the widget's geometry (set it to the screen). */
