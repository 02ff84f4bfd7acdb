#ifndef SESSION_CSQLITE_SHIM_H
#define SESSION_CSQLITE_SHIM_H

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro that Swift cannot import. */
static inline sqlite3_destructor_type shim_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/* sqlite3_config is variadic: one wrapper per option used. */
static inline int shim_sqlite3_config_multithread(void) { return sqlite3_config(SQLITE_CONFIG_MULTITHREAD); }

#endif
