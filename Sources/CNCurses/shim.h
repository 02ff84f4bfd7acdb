#ifndef SESSION_CNCURSES_SHIM_H
#define SESSION_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Globals and macros Swift cannot import (or rejects under strict concurrency). */
/* wcwidth is declared only under _XOPEN_SOURCE in glibc. */
extern int wcwidth(wchar_t c);
static inline int shim_wcwidth(wchar_t c) { return wcwidth(c); }

static inline WINDOW *shim_stdscr(void) { return stdscr; }
static inline int shim_lines(void) { return LINES; }
static inline int shim_cols(void) { return COLS; }
static inline attr_t shim_A_BOLD(void) { return A_BOLD; }
static inline attr_t shim_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t shim_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t shim_A_DIM(void) { return A_DIM; }
static inline attr_t shim_A_NORMAL(void) { return A_NORMAL; }
static inline mmask_t shim_ALL_MOUSE_EVENTS(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t shim_BUTTON1_PRESSED(void) { return BUTTON1_PRESSED; }
static inline mmask_t shim_BUTTON1_CLICKED(void) { return BUTTON1_CLICKED; }
static inline mmask_t shim_BUTTON4_PRESSED(void) { return BUTTON4_PRESSED; }
static inline mmask_t shim_BUTTON5_PRESSED(void) { return BUTTON5_PRESSED; }

#endif
