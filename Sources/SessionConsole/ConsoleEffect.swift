import SessionCore

/// How loaded session rows join the window.
public enum SessionsLoadMode: Sendable, Equatable {
    /// Replace the window; put the cursor on `selectID` if present, else at `cursor`.
    case replace(selectID: String?, cursor: Int)
    /// The page after the window; an empty page keeps the window and moves to its end.
    case nextPage
    /// Rows below the window (scrolling down); move the cursor onto the first new row.
    case below
    /// Rows above the window (scrolling up); move the cursor onto the last new row.
    case above
}

/// A dangerous action waiting for its reason and confirmation.
public enum PendingAction: Sendable, Equatable {
    case revokeSessions(ids: [String], users: [String])
    case revokeUser(String)
    /// Stop (or let again) a user from logging in.
    case setUserDisabled(String, disabled: Bool)
    case rotateKey
    case retireKey(String)
    case revokeKey(String)
    /// Contain a compromise: the confirmation's answer may add disabling the user (`D`) or
    /// revoking the key's sessions (`S`).
    case incident(Incident)
    /// Every active session the filter matches (`criteria` is the filter text; `expected`
    /// how many matched when counted).
    case revokeMatching(SessionQuery, criteria: String, expected: Int)
}

/// Work the state machine asks for; the runner does it and answers with an event.
public enum ConsoleEffect: Sendable, Equatable {
    case loadSessions(SessionQuery, SessionsLoadMode)
    case loadDetail(String)
    case loadKeys
    case loadAudit
    case loadCounts
    case loadVerifiers
    /// One user's picture, for the user view.
    case loadUser(String)
    /// Count what revoking every match of the filter would touch.
    case measureBulk(SessionQuery, criteria: String)
    /// Write the saved views to their file.
    case saveViews([SavedView], path: String, saved: String)
    /// Write every session the query matches to a file (format by its extension).
    case export(SessionQuery, path: String)
    /// Append the incident's outcome to the audit log.
    case recordIncidentOutcome(Incident, ContainmentProgress, reason: String)
    case prepare(PendingAction, reason: String)
    case perform(PendingAction, reason: String)
    case inspect(String)
    case mintToken(SessionRecord)
    case setTheme(String)
}

/// Impact of key actions, shown before they run.
public struct KeyImpact: Sendable, Equatable {
    /// Sessions that are active now.
    public var liveSessions: Int
    /// Sessions used within the longest access-token lifetime: their tokens may still be alive.
    public var recentlyUsed: Int

    public init(liveSessions: Int, recentlyUsed: Int) {
        self.liveSessions = liveSessions
        self.recentlyUsed = recentlyUsed
    }
}

/// Input to the state machine: the terminal, or the answer to an effect.
public enum ConsoleEvent: Sendable {
    case terminal(TerminalEventBox)
    case tick(now: Double)
    case sessionsLoaded([SessionRecord], SessionsLoadMode)
    case detailLoaded(SessionRecord, [RefreshTokenRecord])
    case keysLoaded([SigningKeyRecord], KeyImpact)
    case auditLoaded([AuditEntry])
    case countsLoaded(SessionCounts, ActivityHistogram)
    case confirmReady(PendingAction, reason: String, impact: ActionImpact)
    case performed(String)
    case verifiersLoaded([VerifierStatus], now: Double)
    case userLoaded(UserOverview)
    case bulkMeasured(SessionQuery, criteria: String, BulkRadius)
    /// A status line, with nothing to reload.
    case noted(String)
    /// An incident's acts are done; containment starts at `startedAt`.
    case containing(Administration.IncidentAct, reason: String, startedAt: Double)
    case failed(String)
    case inspected(TokenInspection, token: String)
    case themeChanged(Theme)
}

import TerminalUI

/// A terminal event inside a console event (keeps `ConsoleEvent` independent of how
/// `TerminalEvent` grows).
public struct TerminalEventBox: Sendable {
    public let event: TerminalEvent
    public init(_ event: TerminalEvent) { self.event = event }
}
