import JOSE

/// One line of the append-only audit log: an administrative act or a security event.
public struct AuditEntry: Sendable, Equatable {
    /// Assigned by the store; strictly increasing.
    public var id: Int64
    public var at: Double
    public var actor: String
    public var action: AuditAction
    public var target: String
    public var reason: String
    /// Extra context (counts, the session of a reuse); never secrets.
    public var detail: String

    public init(id: Int64 = 0, at: Double, actor: String, action: AuditAction, target: String, reason: String = "", detail: String = "") {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.reason = reason
        self.detail = detail
    }

    /// The JSON form `audit list --json` prints.
    public var json: JSONObject {
        JSONObject([
            "id": .number(JSONNumber(Int(id))), "at": .string(Timestamp.rfc3339(at)), "actor": .string(actor),
            "action": .string(action.rawValue), "target": .string(target), "reason": .string(reason), "detail": .string(detail),
        ])
    }
}
