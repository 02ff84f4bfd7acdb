import JOSE

/// A session's state at a given time.
public enum SessionState: String, Sendable, CaseIterable {
    case active, revoked, expired
}

/// A refresh session: one login on one device, with its refresh-token family.
public struct SessionRecord: Sendable, Equatable {
    public var id: String
    public var user: String
    public var client: String
    public var ip: String
    public var userAgent: String
    public var createdAt: Double
    public var lastUsedAt: Double
    /// Absolute end of the session.
    public var expiresAt: Double
    /// End of the session unless it is used again before then; never after `expiresAt`.
    public var idleExpiresAt: Double
    public var revokedAt: Double?
    public var revokeReason: String?
    public var revokedBy: String?
    /// Refresh-token rotations so far.
    public var rotations: Int

    public init(
        id: String, user: String, client: String, ip: String, userAgent: String, createdAt: Double,
        lastUsedAt: Double, expiresAt: Double, idleExpiresAt: Double, revokedAt: Double? = nil,
        revokeReason: String? = nil, revokedBy: String? = nil, rotations: Int = 0
    ) {
        self.id = id
        self.user = user
        self.client = client
        self.ip = ip
        self.userAgent = userAgent
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.idleExpiresAt = min(idleExpiresAt, expiresAt)
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
        self.revokedBy = revokedBy
        self.rotations = rotations
    }

    /// The session after a refresh-token rotation at `now` from `ip`: used now, idle end
    /// pushed out (never past the absolute end), one more rotation.
    public func rotated(at now: Double, ip: String, policy: RefreshPolicy) -> SessionRecord {
        var next = self
        next.lastUsedAt = now
        next.idleExpiresAt = min(expiresAt, now + policy.idleTimeout)
        next.rotations += 1
        next.ip = ip
        return next
    }

    /// The session revoked at `now` by `actor` for `reason`.
    public func revoked(at now: Double, reason: String, by actor: String) -> SessionRecord {
        var next = self
        next.revokedAt = now
        next.revokeReason = reason
        next.revokedBy = actor
        return next
    }

    /// Revoked wins over expired; expired means past the absolute or the idle end.
    public func state(at now: Double) -> SessionState {
        if revokedAt != nil { return .revoked }
        if now >= expiresAt || now >= idleExpiresAt { return .expired }
        return .active
    }

    /// The JSON form `sessions list --json` prints (RFC 3339 UTC times).
    public func json(now: Double) -> JSONObject {
        var object = JSONObject()
        object["id"] = .string(id)
        object["user"] = .string(user)
        object["state"] = .string(state(at: now).rawValue)
        object["created_at"] = .string(Timestamp.rfc3339(createdAt))
        object["last_used_at"] = .string(Timestamp.rfc3339(lastUsedAt))
        object["expires_at"] = .string(Timestamp.rfc3339(min(expiresAt, idleExpiresAt)))
        object["absolute_expires_at"] = .string(Timestamp.rfc3339(expiresAt))
        object["client"] = .string(client)
        object["ip"] = .string(ip)
        object["user_agent"] = .string(userAgent)
        object["rotations"] = .number(JSONNumber(rotations))
        if let revokedAt {
            object["revoked_at"] = .string(Timestamp.rfc3339(revokedAt))
            object["revoke_reason"] = .string(revokeReason ?? "")
            object["revoked_by"] = .string(revokedBy ?? "")
        }
        return object
    }
}
