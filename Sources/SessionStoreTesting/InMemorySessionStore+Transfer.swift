import SessionCore

extension InMemorySessionStore: TransferableStore {}
