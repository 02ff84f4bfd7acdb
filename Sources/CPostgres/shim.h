#ifndef SESSION_CPOSTGRES_SHIM_H
#define SESSION_CPOSTGRES_SHIM_H

#include <libpq-fe.h>

/* Field codes of PQresultErrorField, which are macros of postgres_ext.h. */
static inline int shim_PG_DIAG_SQLSTATE(void) { return 'C'; }
static inline int shim_PG_DIAG_MESSAGE_PRIMARY(void) { return 'M'; }

#endif
