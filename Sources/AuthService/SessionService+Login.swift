import Foundation
import Logging
import SessionCore
import JOSE

/// Logins: the throttle reservation, the password check (constant time, unknown users too) and a new session.
extension SessionService {
    /// Checks the password (constant time, unknown users included) and opens a session.
    public func login(username: String, password: String, clientID: String?, ip: String, userAgent: String) async throws(OAuthError) -> IssuedTokens {
        let client = clientID ?? configuration.defaultClientID
        guard Self.isValidClientID(client) else { throw .invalidRequest("\"client_id\" must be 1-64 letters, digits or . _ : -") }
        var now = clock()
        // The slot is reserved before the password is checked: a burst cannot outrun the limit.
        let attempt = try await reserveAttempt(user: username, address: ip, now: now)
        let user: UserRecord?
        do {
            user = try await withStore { store throws(StoreError) in try store.user(named: username) }
        } catch {
            await settle(attempt, .abandoned)
            throw error
        }
        let hasher = PasswordHasher.standard
        let matches = await passwordPool.run { () -> Bool in
            guard let user else { return hasher.verifyDummy(password) }
            return PasswordHasher.verify(password, against: user.passwordHash)
        }
        guard let user, matches, !user.disabled else {
            await settle(attempt, .failed)
            metrics.increment("sessiond_logins_total", [("result", "failed")])
            logger.info("login failed", metadata: ["ip": "\(ip)"])
            throw .invalidGrant("invalid username or password")
        }
        await settle(attempt, .succeeded)
        now = await waitOutCutoff(of: user, now: clock())
        let policy = configuration.refreshPolicy
        let session = SessionRecord(
            id: SessionID.generate(), user: user.name, client: client, ip: ip, userAgent: userAgent,
            createdAt: now, lastUsedAt: now, expiresAt: now + policy.sessionLifetime,
            idleExpiresAt: now + policy.idleTimeout)
        let refreshToken = minter.mint()
        let hash = RefreshTokenMinter.hash(refreshToken)
        try await withStore { store throws(StoreError) in try store.createSession(session, refreshTokenHash: hash) }
        metrics.increment("sessiond_logins_total", [("result", "ok")])
        logger.info("login", metadata: ["user": "\(user.name)", "sid": "\(session.id)", "ip": "\(ip)"])
        return try issue(for: session, refreshToken: refreshToken, now: now)
    }

    /// Reserves a login-attempt slot for `user` from `address`, or throws 429 with
    /// `Retry-After` when the user or the address has used its slots.
    func reserveAttempt(user: String, address: String, now: Double) async throws(OAuthError) -> Int64 {
        let limits = configuration.loginLimits
        // Outcomes an outage kept from the store go first, so they do not hold slots.
        if !unsettled.isEmpty { await settleLeftovers() }
        let reservation = try await withStore { store throws(StoreError) in
            try store.reserveLoginAttempt(user: user, address: address, limits: limits, at: now)
        }
        switch reservation {
        case .reserved(let id):
            return id
        case .refused(let wait):
            metrics.increment("sessiond_logins_total", [("result", "throttled")])
            let seconds = String(Int(wait.rounded(.up)))
            throw OAuthError(
                .tooManyRequests, "too_many_requests", "too many failed attempts; retry in \(seconds) s",
                headers: [.retryAfter: seconds])
        }
    }

    /// Settles a reservation; a store failure here only leaves the slot taken until it
    /// leaves the window (the safe side), so it is logged, not thrown.
    func settle(_ attempt: Int64, _ outcome: LoginAttemptOutcome) async {
        do {
            try await withStore { store throws(StoreError) in try store.settleLoginAttempt(id: attempt, outcome: outcome) }
        } catch {
            // The store went away: the outcome is written on a later tick, so an outage does
            // not leave a user's slots taken (`LoginLimits.pendingLifetime` is the backstop).
            unsettled.add(attempt, outcome)
            logger.warning("could not settle a login attempt yet", metadata: ["outcome": "\(outcome.rawValue)"])
        }
    }

    /// Writes the outcomes a failed store could not take; called by the upkeep tick.
    func settleLeftovers() async {
        for (attempt, outcome) in unsettled.drain() {
            do {
                try await withStore { store throws(StoreError) in try store.settleLoginAttempt(id: attempt, outcome: outcome) }
            } catch {
                unsettled.add(attempt, outcome)
                return
            }
        }
    }

    /// A token issued in the same whole second as the user's cutoff would be refused
    /// (`UserCutoff`): a login made then waits for the next second (at most one), so the
    /// tokens it returns work.
    private func waitOutCutoff(of user: UserRecord, now: Double) async -> Double {
        guard let cutoff = user.notBefore else { return now }
        let clear = UserCutoff.firstUnaffectedTime(after: cutoff)
        guard now < clear, clear - now <= 1 else { return now }
        try? await Task.sleep(nanoseconds: UInt64((clear - now) * 1e9) + 1_000_000)
        return max(clock(), clear)
    }

    static func isValidClientID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
            }
    }
}
