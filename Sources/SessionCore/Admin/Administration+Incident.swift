/// Incident containment: the acts of one incident, in one place for the console and
/// `sessionctl incident`.
extension Administration {
    /// What containing an incident did.
    public struct IncidentAct: Sendable, Equatable {
        public var incident: Incident
        /// The feed event every verifier must apply (for a key: and drop the kid).
        public var sequence: Int64
        /// Sessions revoked by it.
        public var revokedSessions: Int
        /// For a key: the kid that signs now.
        public var newActiveKid: String?

        /// "user alice: 3 sessions revoked, earlier tokens refused, account disabled".
        public var summary: String {
            let sessions = "\(revokedSessions) session\(revokedSessions == 1 ? "" : "s") revoked"
            switch incident.target {
            case .user(let name):
                return "user \(name): \(sessions), earlier tokens refused" + (incident.disableUser ? ", account disabled" : "")
            case .session(let id):
                return "session \(id): " + (revokedSessions == 1 ? "revoked" : "already ended")
            case .key(let kid):
                let signer = newActiveKid.map { "; \($0) signs" } ?? ""
                return "key \(kid): revoked, out of the JWKS\(signer)" + (incident.revokeKeySessions ? "; \(sessions)" : "")
            }
        }
    }

    /// Contains `incident` (whose blast radius was `radius`), each act one transaction with
    /// its own audit entry, then appends one `incident` entry with the reason and radius.
    /// A target that does not exist throws `notFound` before anything is written.
    ///
    /// - user: the cutoff with every session revoked, then (if asked) the account disabled;
    /// - session: the session revoked (an already revoked one is contained by its event);
    /// - key: the key revoked (the next key signs), a fresh key published as next, and (if
    ///   asked) every active session used within the longest access-token lifetime revoked.
    public func contain(_ incident: Incident, radius: BlastRadius, audit: AuditContext) throws(StoreError) -> IncidentAct {
        let head = try store.revocationHead()
        var act = IncidentAct(incident: incident, sequence: 0, revokedSessions: 0, newActiveKid: nil)
        switch incident.target {
        case .user(let name):
            act.revokedSessions = try revokeUser(name, audit: audit)
            if incident.disableUser { try store.setUserDisabled(name, disabled: true, audit: audit) }
        case .session(let id):
            guard let session = try store.session(id: id) else { throw .notFound("no session \(id)") }
            if session.state(at: audit.at) == .active { act.revokedSessions = try revokeSessions(ids: [id], audit: audit) }
        case .key(let kid):
            guard let key = try store.signingKeys().first(where: { $0.kid == kid }) else { throw .notFound("no signing key \(kid)") }
            if key.state != .revoked { act.newActiveKid = try changeKeys(.revoke(kid), audit: audit).newActiveKid }
            try ensureSigningKeys(audit: audit)
            if incident.revokeKeySessions {
                let recent = audit.at - store.lifetimes.maxAccessTokenLifetime - store.lifetimes.leeway
                let active = try store.sessions(SessionQuery(state: .active, limit: BlastRadius.sessionScanLimit, sort: .lastUsed), now: audit.at)
                let ids = active.filter { $0.lastUsedAt >= recent }.map(\.id)
                if !ids.isEmpty { act.revokedSessions = try revokeSessions(ids: ids, audit: audit) }
            }
        }
        act.sequence = try eventSequence(of: incident, after: head)
        try store.appendAudit(
            AuditEntry(
                at: audit.at, actor: audit.actor, action: .incident, target: incident.description, reason: audit.reason,
                detail: "\(act.summary); blast radius: \(radius.summary); feed #\(act.sequence)"))
        return act
    }

    /// Appends the outcome of an incident's containment to the audit log.
    public func recordOutcome(of incident: Incident, _ progress: ContainmentProgress, audit: AuditContext) throws(StoreError) {
        try store.appendAudit(
            AuditEntry(at: audit.at, actor: audit.actor, action: .incidentOutcome, target: incident.description, reason: audit.reason, detail: progress.line))
    }

    /// The feed event that carries `incident`: the newest matching one after `head`, else
    /// (a session revoked earlier, a key revoked earlier) the newest matching one kept.
    private func eventSequence(of incident: Incident, after head: Int64) throws(StoreError) -> Int64 {
        let (kind, target) = incident.event
        for start in [head, 0] {
            var position = start
            var found: Int64?
            while true {
                let page = try store.revocations(after: position, limit: 1_000)
                for event in page where event.kind == kind && event.target == target { found = event.sequence }
                guard let last = page.last else { break }
                position = last.sequence
            }
            if let found { return found }
        }
        throw .refused("\(incident.description) has no revocation event in the feed: it has expired, and no verifier accepts its tokens")
    }
}
