// SessionContext
