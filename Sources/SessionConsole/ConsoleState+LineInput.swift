import SessionCore
import TerminalUI

/// The bottom line: the filter, `:` commands, reasons and pasted tokens being typed.
extension ConsoleState {
    /// Applies an edit key to `text`; nil means the key is not an edit.
    func edit(_ text: String, _ key: Key) -> String? {
        switch key {
        case .character(let c): return text + String(c)
        case .backspace: return String(text.dropLast())
        case .control("u"): return ""
        default: return nil
        }
    }

    mutating func setFilter(_ text: String) -> [ConsoleEffect] {
        if view == .audit {
            auditFilter = text
            auditCursor = 0
            return []
        }
        filterText = text
        if case .filter = mode { mode = .filter(text) }
        let parsed: SessionFilter
        do {
            parsed = try SessionFilter.parse(text)
        } catch {
            // Keep the rows of the last filter that parsed; say where this one is wrong.
            filterNote = ("\(error.message) at column \(error.column)", true)
            if mode == .normal {
                status = (
                    "filter: \(error.message) at column \(error.column); still showing \(filterInForce.isEmpty ? "every session" : "\"\(filterInForce)\"")",
                    true
                )
            }
            return []
        }
        filter = parsed
        filterInForce = text
        filterNote = parsed.scanNote.map { ($0, false) }
        atNewest = true
        marks.removeAll()
        return [.loadSessions(filterQuery, .replace(selectID: nil, cursor: 0))]
    }

    mutating func handleFilterInput(_ key: Key, _ text: String) -> [ConsoleEffect] {
        switch key {
        case .enter:
            mode = .normal
            return []
        case .escape:
            mode = .normal
            return setFilter("")
        default:
            guard let next = edit(text, key) else { return [] }
            mode = .filter(next)
            return setFilter(next)
        }
    }

    /// Commands `:` understands, for completion.
    public static let commands = ["sessions", "keys", "audit", "services", "user", "inspect", "export", "save", "view", "theme", "help", "q"]

    mutating func handleCommandInput(_ key: Key, _ text: String) -> [ConsoleEffect] {
        switch key {
        case .escape:
            mode = .normal
            return []
        case .tab:
            // Complete a saved view's name, or a user's among the sessions on screen.
            for (command, known, what) in [
                ("view ", savedViews.map(\.name), "saved view"), ("user ", Array(Set(rows.map(\.user))).sorted(), "user on screen"),
            ] where text.hasPrefix(command) {
                let typed = String(text.dropFirst(command.count))
                let names = known.filter { $0.lowercased().hasPrefix(typed.lowercased()) }
                if names.count == 1 {
                    mode = .command(command + names[0])
                } else if let common = Self.commonPrefix(names), common.count > typed.count {
                    mode = .command(command + common)
                } else {
                    status = (names.isEmpty ? "no \(what) starts with \"\(typed)\"" : names.joined(separator: "  "), names.isEmpty)
                }
                return []
            }
            let matches = Self.commands.filter { $0.hasPrefix(text) }
            if matches.count == 1 {
                mode = .command(matches[0] + (["theme", "export", "save", "view", "user"].contains(matches[0]) ? " " : ""))
            } else if !matches.isEmpty {
                status = (matches.map { ":" + $0 }.joined(separator: "  "), false)
            }
            return []
        case .enter:
            mode = .normal
            return runCommand(text.trimmingCharacters(in: .whitespaces))
        default:
            if let next = edit(text, key) { mode = .command(next) }
            return []
        }
    }

    /// The longest prefix every name shares (nil for none).
    static func commonPrefix(_ names: [String]) -> String? {
        guard var prefix = names.first else { return nil }
        for name in names.dropFirst() {
            while !name.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    mutating func runCommand(_ command: String) -> [ConsoleEffect] {
        let parts = command.split(separator: " ", maxSplits: 1).map(String.init)
        switch parts.first ?? "" {
        case "sessions", "s":
            previousViews.removeAll()
            view = .sessions
            return [reloadWindow(), .loadCounts]
        case "keys", "k":
            push(.keys)
            return [.loadKeys]
        case "audit", "a":
            push(.audit)
            return [.loadAudit]
        case "services", "v":
            push(.services)
            return [.loadVerifiers]
        case "user", "u":
            let name = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            guard !name.isEmpty else { status = ("usage: :user NAME (or u on a session)", true); return [] }
            return [.loadUser(name)]
        case "inspect", "i":
            push(.inspector)
            mode = .inspectInput("")
            return []
        case "help", "h":
            push(.help)
            return []
        case "save":
            let name = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            guard SavedViews.isValidName(name) else { status = ("usage: :save NAME (letters, digits, - _ .; up to 32)", true); return [] }
            guard let viewsPath else { status = ("saving views is off: no views file", true); return [] }
            savedViews.removeAll { $0.name == name }
            savedViews.append(SavedView(name: name, sort: sort, filter: filterText, columns: columns))
            return [.saveViews(savedViews, path: viewsPath, saved: name)]
        case "view":
            let name = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            guard let saved = savedViews.first(where: { $0.name == name }) else {
                let known = savedViews.map(\.name).joined(separator: " ")
                status = (
                    name.isEmpty ? "usage: :view NAME (Tab completes)" : "no view \(name)" + (known.isEmpty ? "; :save NAME saves one" : " (saved: \(known))"),
                    true
                )
                return []
            }
            previousViews.removeAll()
            view = .sessions
            sort = saved.sort
            columns = saved.columns
            status = ("view \(saved.name): \(saved.filter.isEmpty ? "no filter" : saved.filter), sorted by \(saved.sort.rawValue)", false)
            return setFilter(saved.filter) + [.loadCounts]
        case "export":
            guard parts.count == 2 else { status = ("usage: :export FILE.csv|FILE.json|FILE.ndjson (everything the filter matches)", true); return [] }
            guard view == .sessions else { status = (":export writes the sessions the filter matches: use it in the sessions view", true); return [] }
            var query = filterQuery
            query.limit = SessionExport.pageSize
            return [.export(query, path: parts[1].trimmingCharacters(in: .whitespaces))]
        case "theme":
            guard parts.count == 2 else { status = ("usage: :theme NAME", true); return [] }
            return [.setTheme(parts[1])]
        case "q", "quit":
            quitRequested = true
            return []
        case "":
            return []
        default:
            status = (
                "unknown command :\(command) (try :sessions :keys :audit :services :user NAME :inspect :export FILE :save NAME :view NAME :theme NAME :q)", true
            )
            return []
        }
    }

    mutating func handleReasonInput(_ key: Key, _ action: PendingAction, _ text: String) -> [ConsoleEffect] {
        switch key {
        case .escape:
            mode = .normal
            status = ("cancelled", false)
            return []
        case .enter:
            let reason = text.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else { status = ("a reason is required", true); return [] }
            mode = .normal
            return [.prepare(action, reason: reason)]
        default:
            if let next = edit(text, key) { mode = .reason(action, next) }
            return []
        }
    }

    mutating func handleInspectInput(_ key: Key, _ text: String) -> [ConsoleEffect] {
        switch key {
        case .escape:
            mode = .normal
            return inspection == nil ? goBack() : []
        case .enter:
            mode = .normal
            return text.isEmpty ? [] : [.inspect(text)]
        default:
            if let next = edit(text, key) { mode = .inspectInput(next) }
            return []
        }
    }
}
