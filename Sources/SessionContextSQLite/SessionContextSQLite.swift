// SessionContextSQLite
