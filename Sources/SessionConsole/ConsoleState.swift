import SessionCore
import TerminalUI

/// The whole console as a value: what is shown, what is typed, what is waiting. It changes
/// only through `handle(_:)`, which returns the effects to run; it never does I/O.
public struct ConsoleState: Sendable {
    /// What the bottom line is doing.
    public enum Mode: Sendable, Equatable {
        case normal
        case filter(String)
        case command(String)
        case reason(PendingAction, String)
        case confirm(PendingAction, reason: String, summary: String)
        case inspectInput(String)
    }

    public var view: ConsoleView = .sessions
    public var previousViews: [ConsoleView] = []
    public var mode: Mode = .normal
    public var width: Int
    public var height: Int
    public var now: Double
    public let readOnly: Bool
    public let storeName: String
    public var themeName: String
    public var status: (text: String, error: Bool)?

    // Sessions view.
    public var rows: [SessionRecord] = []
    public var cursor = 0
    public var marks: Set<String> = []
    public var filterText = ""
    /// The last filter that parsed: a malformed one keeps the results of this one.
    public var filter = SessionFilter(terms: [])
    /// The text of `filter`.
    public var filterInForce = ""
    /// What the prompt says about the filter being typed: where it is wrong, or that some
    /// terms are checked on a bounded scan.
    public var filterNote: (text: String, error: Bool)?
    public var sort: SessionSort = .created
    /// The chosen columns, in order (`c` chooses; narrow terminals show `shownColumns`).
    public var columns: [SessionColumn] = SessionColumn.defaults
    /// The row selected in the column chooser.
    public var columnCursor = 0
    public var atNewest = true
    public var counts: SessionCounts?
    public var activity: ActivityHistogram?

    // Detail view.
    public var detail: SessionRecord?
    public var history: [RefreshTokenRecord] = []
    public var detailScroll = 0

    // User view: the picture last loaded, and the selected one of its sessions.
    public var userOverview: UserOverview?
    public var userCursor = 0

    // Keys view.
    public var keys: [SigningKeyRecord] = []
    public var keyCursor = 0
    public var keyImpact: KeyImpact?

    // Audit view.
    public var audit: [AuditEntry] = []
    public var auditCursor = 0
    public var auditFilter = ""

    // Services view: each verifier instance, and per service its feed lag (events behind,
    // the most of its live instances) one sample per load, oldest first.
    public var verifiers: [VerifierStatus] = []
    public var serviceCursor = 0
    public var lagHistory: [String: [Int]] = [:]
    public static let lagSamples = 120

    // Incident: what was done, and the containment under way (or last finished).
    public var incidentAct: Administration.IncidentAct?
    public var incidentReason = ""
    public var containment: ContainmentProgress?
    /// The outcome has been written to the audit log.
    public var incidentRecorded = false

    // Inspector.
    public var inspection: TokenInspection?
    public var inspectedToken = ""
    public var revealed = false

    /// The blast radius of the bulk revocation being prepared.
    public var bulkRadius: BulkRadius?

    // Saved views, and the file `:save` writes them to (nil: saving is off).
    public var savedViews: [SavedView] = []
    public var viewsPath: String?

    // Help.
    public var helpScroll = 0

    public var quitRequested = false
    /// Seconds ticked, for work done less often than every second.
    public var ticks = 0

    /// The key bindings in force: the defaults, with a user keymap's overrides.
    public var bindings: [KeyBinding] = Keymap.defaults

    public init(width: Int, height: Int, now: Double, readOnly: Bool, storeName: String, themeName: String) {
        self.width = width
        self.height = height
        self.now = now
        self.readOnly = readOnly
        self.storeName = storeName
        self.themeName = themeName
    }

    /// Rows of the table area (the screen less title, activity, header, prompt and hints).
    public var pageSize: Int { max(1, height - 5) }

    /// The chosen columns that fit the terminal's width.
    public var shownColumns: [SessionColumn] { SessionColumn.fitting(columns, width: width) }

    /// The chooser's rows: the chosen columns in order, then the others.
    public var columnChoices: [SessionColumn] { columns + SessionColumn.allCases.filter { !columns.contains($0) } }

    /// The selected session.
    public var selected: SessionRecord? { rows.indices.contains(cursor) ? rows[cursor] : nil }

    /// The session an action applies to: the one open in the detail view or selected in the
    /// user view, else the selected one.
    public var focusedSession: SessionRecord? {
        switch view {
        case .detail: detail
        case .user: userOverview.flatMap { $0.recentSessions.indices.contains(userCursor) ? $0.recentSessions[userCursor] : nil }
        default: selected
        }
    }

    /// The user an action applies to: the one the user view shows, else the focused session's.
    public var focusedUser: String? { view == .user ? userOverview?.name : focusedSession?.user }

    /// The query of the current filter.
    public var filterQuery: SessionQuery {
        filter.query(limit: pageSize, now: now, sort: sort)
    }

    /// Audit entries matching the audit filter.
    public var visibleAudit: [AuditEntry] {
        guard !auditFilter.isEmpty else { return audit }
        let needle = auditFilter.lowercased()
        return audit.filter { "\($0.actor) \($0.action) \($0.target) \($0.reason) \($0.detail)".lowercased().contains(needle) }
    }

    /// The effects that fill the console when it starts.
    public func start() -> [ConsoleEffect] {
        [.loadSessions(filterQuery, .replace(selectID: nil, cursor: 0)), .loadCounts]
    }
}
