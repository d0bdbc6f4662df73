#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
/// "If the seventh argument is SQLITE_TRANSIENT, SQLite makes its own private copy of the data
/// immediately, before the sqlite3_bind_*() routine returns." (sqlite.org/c3ref/bind_blob.html)
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
/// SQLITE_STATIC: the value "is in static, unmanaged space and does not need to be freed"; it
/// must stay valid until the parameter is bound again or the statement is finalized (same page).
static inline sqlite3_destructor_type csqlite_static(void) { return SQLITE_STATIC; }
#endif
