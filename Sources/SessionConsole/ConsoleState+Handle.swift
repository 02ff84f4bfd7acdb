import SessionCore
import TerminalUI

extension ConsoleState {
    /// Applies `event`; returns the effects to run. Pure: no I/O, no clock.
    public mutating func handle(_ event: ConsoleEvent) -> [ConsoleEffect] {
        switch event {
        case .terminal(let box): return handleTerminal(box.event)
        case .tick(let now): return tick(now)
        case .sessionsLoaded(let loaded, let mode): applySessions(loaded, mode); return []
        case .detailLoaded(let session, let history):
            detail = session
            self.history = history
            return []
        case .keysLoaded(let keys, let impact):
            self.keys = keys
            keyImpact = impact
            keyCursor = min(keyCursor, max(0, keys.count - 1))
            return []
        case .auditLoaded(let entries):
            audit = entries
            auditCursor = min(auditCursor, max(0, visibleAudit.count - 1))
            return []
        case .countsLoaded(let counts, let activity):
            self.counts = counts
            self.activity = activity
            return []
        case .confirmReady(let action, let reason, var impact):
            if case .revokeMatching = action { impact.bulk = bulkRadius }  // counted when D was pressed
            mode = .confirm(action, reason: reason, summary: Confirmation.question(action, impact: impact))
            return []
        case .performed(let message):
            status = (message, false)
            return refreshAfterChange()
        case .bulkMeasured(let query, let criteria, let radius):
            guard radius.sessions > 0 else {
                status = ("no active session matches \(criteria.isEmpty ? "(no filter)" : criteria): nothing to revoke", true)
                return []
            }
            bulkRadius = radius
            mode = .reason(.revokeMatching(query, criteria: criteria, expected: radius.sessions), "")
            return []
        case .noted(let message):
            status = (message, false)
            return []
        case .userLoaded(let overview):
            if userOverview?.name != overview.name { userCursor = 0 }
            userOverview = overview
            userCursor = min(userCursor, max(0, overview.recentSessions.count - 1))
            if view != .user { push(.user) }
            return []
        case .verifiersLoaded(let statuses, let now):
            return applyVerifiers(statuses, now: now)
        case .containing(let act, let reason, let startedAt):
            incidentAct = act
            incidentReason = reason
            containment = ContainmentProgress(sequence: act.sequence, kid: act.incident.kid, startedAt: startedAt)
            incidentRecorded = false
            status = (act.summary, false)
            push(.incident)
            return [.loadVerifiers]
        case .failed(let message):
            status = (message, true)
            return []
        case .inspected(let inspection, let token):
            self.inspection = inspection
            inspectedToken = token
            revealed = false
            if view != .inspector { push(.inspector) }
            mode = .normal
            return []
        case .themeChanged(let theme):
            themeName = theme.name
            status = ("theme \(theme.name)", false)
            return []
        }
    }

    private mutating func tick(_ now: Double) -> [ConsoleEffect] {
        self.now = now
        ticks += 1
        switch view {
        case .sessions:
            // The window every second; the header counts every fifth second.
            return ticks % 5 == 0 ? [reloadWindow(), .loadCounts] : [reloadWindow()]
        case .keys: return [.loadKeys]
        case .audit: return [.loadAudit]
        case .detail: return detail.map { [.loadDetail($0.id)] } ?? []
        case .user: return userOverview.map { [.loadUser($0.name)] } ?? []
        case .services, .incident: return [.loadVerifiers]
        case .inspector, .columns, .help: return []
        }
    }

    /// Reloads the visible window, keeping the selected session selected.
    func reloadWindow() -> ConsoleEffect {
        var query = filterQuery
        if !atNewest, let first = rows.first { query.from = SessionCursor(first, sort: query.sort, now: now) }
        return .loadSessions(query, .replace(selectID: selected?.id, cursor: cursor))
    }

    private mutating func refreshAfterChange() -> [ConsoleEffect] {
        marks.removeAll()
        switch view {
        case .keys: return [.loadKeys]
        case .detail: return detail.map { [.loadDetail($0.id), reloadWindow()] } ?? []
        case .user: return userOverview.map { [.loadUser($0.name)] } ?? []
        default: return [reloadWindow(), .loadCounts]
        }
    }

    private mutating func applySessions(_ loaded: [SessionRecord], _ mode: SessionsLoadMode) {
        switch mode {
        case .replace(let selectID, let cursor):
            rows = loaded
            if let selectID, let index = rows.firstIndex(where: { $0.id == selectID }) {
                self.cursor = index
            } else {
                self.cursor = min(cursor, max(0, rows.count - 1))
            }
        case .nextPage:
            guard !loaded.isEmpty else {
                cursor = max(0, rows.count - 1)
                return
            }
            rows = loaded
            atNewest = false
            cursor = min(cursor, rows.count - 1)
        case .below:
            guard !loaded.isEmpty else { return }
            rows.append(contentsOf: loaded)
            let overflow = rows.count - pageSize
            if overflow > 0 {
                rows.removeFirst(overflow)
                atNewest = false
            }
            cursor = rows.count - loaded.count
        case .above:
            if loaded.isEmpty {
                atNewest = true
                return
            }
            rows.insert(contentsOf: loaded, at: 0)
            if rows.count > pageSize { rows.removeLast(rows.count - pageSize) }
            cursor = loaded.count - 1
        }
    }

    mutating func push(_ next: ConsoleView) {
        if view != next { previousViews.append(view) }
        view = next
    }

    mutating func goBack() -> [ConsoleEffect] {
        guard let previous = previousViews.popLast() else { return [] }
        view = previous
        return previous == .sessions ? [reloadWindow()] : []
    }

    // MARK: Terminal input

    private mutating func handleTerminal(_ event: TerminalEvent) -> [ConsoleEffect] {
        switch event {
        case .resize(let width, let height):
            self.width = width
            self.height = height
            if rows.count > pageSize { rows.removeLast(rows.count - pageSize) }
            cursor = min(cursor, max(0, rows.count - 1))
            return [reloadWindow()]
        case .tick:
            return []
        case .paste(let text):
            return handlePaste(text)
        case .mouse(let mouse):
            return handleMouse(mouse)
        case .key(let key):
            switch mode {
            case .normal: return handleKey(key)
            case .filter(let text): return handleFilterInput(key, text)
            case .command(let text): return handleCommandInput(key, text)
            case .reason(let action, let text): return handleReasonInput(key, action, text)
            case .confirm(let action, let reason, _):
                mode = .normal
                if key == .character("y") || key == .character("Y") { return [.perform(action, reason: reason)] }
                if case .incident(var incident) = action {
                    if key == .character("D"), case .user = incident.target {
                        incident.disableUser = true; return [.perform(.incident(incident), reason: reason)]
                    }
                    if key == .character("S"), case .key = incident.target {
                        incident.revokeKeySessions = true
                        return [.perform(.incident(incident), reason: reason)]
                    }
                }
                status = ("cancelled", false)
                return []
            case .inspectInput(let text): return handleInspectInput(key, text)
            }
        }
    }

    private mutating func handlePaste(_ text: String) -> [ConsoleEffect] {
        let clean = String(text.filter { !$0.isNewline })
        switch mode {
        case .inspectInput(let current):
            let token = current + clean
            mode = .normal
            return [.inspect(token)]
        case .filter(let current): return setFilter(current + clean)
        case .command(let current): mode = .command(current + clean); return []
        case .reason(let action, let current): mode = .reason(action, current + clean); return []
        case .normal:
            // A token pasted anywhere opens the inspector on it.
            return clean.split(separator: ".").count == 3 ? [.inspect(clean)] : []
        case .confirm: return []
        }
    }

    private mutating func handleMouse(_ mouse: MouseEvent) -> [ConsoleEffect] {
        guard mode == .normal else { return [] }
        switch mouse.kind {
        case .wheelUp: return perform(.up) + perform(.up) + perform(.up)
        case .wheelDown: return perform(.down) + perform(.down) + perform(.down)
        case .press:
            let row = mouse.y - 3
            switch view {
            case .sessions where rows.indices.contains(row): cursor = row
            case .keys where keys.indices.contains(row): keyCursor = row
            case .audit where visibleAudit.indices.contains(row): auditCursor = row
            case .services where verifiers.indices.contains(row): serviceCursor = row
            case .columns where SessionColumn.allCases.indices.contains(row): columnCursor = row
            default: break
            }
            return []
        }
    }

    private mutating func handleKey(_ key: Key) -> [ConsoleEffect] {
        if view == .inspector, key == .enter || key == .character("/") {
            mode = .inspectInput("")
            return []
        }
        guard let binding = Keymap.action(for: key, in: view, bindings: bindings) else { return [] }
        if binding.dangerous && readOnly {
            status = ("read-only console: \(binding.description) is disabled", true)
            return []
        }
        status = nil
        return perform(binding.action)
    }

    mutating func perform(_ action: ConsoleAction) -> [ConsoleEffect] {
        switch action {
        case .down: return move(by: 1)
        case .up: return move(by: -1)
        case .pageDown: return page(down: true)
        case .pageUp: return page(down: false)
        case .top: return jump(top: true)
        case .bottom: return jump(top: false)
        case .mark:
            guard view == .sessions, let id = selected?.id else { return [] }
            if marks.contains(id) { marks.remove(id) } else { marks.insert(id) }
            return move(by: 1)
        case .open:
            guard view == .sessions || view == .user, let session = focusedSession else { return [] }
            detail = session
            history = []
            detailScroll = 0
            push(.detail)
            return [.loadDetail(session.id)]
        case .back:
            if view == .sessions {
                if !marks.isEmpty { marks.removeAll(); return [] }
                if !filterText.isEmpty { return setFilter("") }
                return []
            }
            if view == .audit, !auditFilter.isEmpty { auditFilter = ""; return [] }
            return view == .incident ? leaveIncident() : goBack()
        case .quit:
            if view == .sessions {
                quitRequested = true
                return []
            }
            return view == .incident ? leaveIncident() : goBack()
        case .filter:
            mode = .filter(view == .audit ? auditFilter : filterText)
            return []
        case .command:
            mode = .command("")
            return []
        case .help:
            helpScroll = 0
            push(.help)
            return []
        case .inspect:
            if view == .sessions || view == .detail, let session = focusedSession { return [.mintToken(session)] }
            push(.inspector)
            mode = .inspectInput("")
            return []
        case .revoke:
            let targets = marks.isEmpty ? (focusedSession.map { [$0] } ?? []) : rows.filter { marks.contains($0.id) }
            let markedElsewhere = marks.subtracting(rows.map(\.id))
            guard !targets.isEmpty || !markedElsewhere.isEmpty else { return [] }
            let live = targets.filter { $0.state(at: now) == .active }
            if live.isEmpty && markedElsewhere.isEmpty {
                let one = targets[0]
                status = (
                    targets.count == 1 ? "session of \(one.user) is already \(one.state(at: now).rawValue)" : "those sessions are already revoked or expired",
                    true
                )
                return []
            }
            let ids = live.map(\.id) + markedElsewhere.sorted()
            mode = .reason(.revokeSessions(ids: ids, users: Array(Set(live.map(\.user))).sorted()), "")
            return []
        case .revokeUser:
            guard let user = focusedUser else { return [] }
            mode = .reason(.revokeUser(user), "")
            return []
        case .openUser:
            guard let user = focusedUser else { return [] }
            return [.loadUser(user)]
        case .disableUser:
            guard view == .user, let overview = userOverview else { return [] }
            guard let account = overview.user else {
                status = ("\(overview.name) has sessions but no account: there is nothing to disable (U revokes the sessions)", true)
                return []
            }
            mode = .reason(.setUserDisabled(account.name, disabled: !account.disabled), "")
            return []
        case .rotateKey:
            guard view == .keys else { return [] }
            mode = .reason(.rotateKey, "")
            return []
        case .retireKey, .revokeKey:
            guard view == .keys, keys.indices.contains(keyCursor) else { return [] }
            let key = keys[keyCursor]
            if action == .retireKey {
                guard key.state == .next || key.state == .retiring else {
                    status = ("key \(key.kid.prefix(12))… is \(key.state.rawValue): only next or retiring keys retire", true)
                    return []
                }
                mode = .reason(.retireKey(key.kid), "")
            } else {
                guard key.state != .revoked else { status = ("key \(key.kid.prefix(12))… is already revoked", true); return [] }
                mode = .reason(.revokeKey(key.kid), "")
            }
            return []
        case .revokeMatching:
            guard view == .sessions else { return [] }
            var query = filterQuery
            query.limit = Administration.bulkChunk
            status = ("counting the matches…", false)
            return [.measureBulk(query, criteria: filterInForce)]
        case .incident:
            let incident: Incident
            switch view {
            case .sessions, .user:
                guard let user = focusedUser else { return [] }
                incident = Incident(.user(user))
            case .detail:
                guard let id = detail?.id else { return [] }
                incident = Incident(.session(id))
            case .keys:
                guard keys.indices.contains(keyCursor) else { return [] }
                incident = Incident(.key(keys[keyCursor].kid))
            default: return []
            }
            mode = .reason(.incident(incident), "")
            return []
        case .reveal:
            revealed.toggle()
            return []
        case .chooseColumns:
            guard view == .sessions else { return [] }
            columnCursor = 0
            push(.columns)
            return []
        case .toggleColumn: return toggleColumn()
        case .moveColumnUp: return moveColumn(by: -1)
        case .moveColumnDown: return moveColumn(by: 1)
        case .sort:
            guard view == .sessions else { return [] }
            let all = SessionSort.allCases
            sort = all[(all.firstIndex(of: sort)! + 1) % all.count]
            atNewest = true
            status = ("sorted by \(sort.rawValue.replacingOccurrences(of: "_", with: " "))", false)
            return [.loadSessions(filterQuery, .replace(selectID: selected?.id, cursor: 0))]
        }
    }

    private mutating func move(by delta: Int) -> [ConsoleEffect] {
        switch view {
        case .sessions:
            let target = cursor + delta
            if rows.indices.contains(target) { cursor = target; return [] }
            var query = filterQuery
            query.limit = abs(delta)
            if delta > 0, let last = rows.last {
                query.after = SessionCursor(last, sort: query.sort, now: now)
                return [.loadSessions(query, .below)]
            }
            if delta < 0, let first = rows.first {
                query.before = SessionCursor(first, sort: query.sort, now: now)
                return [.loadSessions(query, .above)]
            }
            return []
        case .keys: keyCursor = clamp(keyCursor + delta, keys.count)
        case .audit: auditCursor = clamp(auditCursor + delta, visibleAudit.count)
        case .services: serviceCursor = clamp(serviceCursor + delta, verifiers.count)
        case .columns: columnCursor = clamp(columnCursor + delta, SessionColumn.allCases.count)
        case .user: userCursor = clamp(userCursor + delta, userOverview?.recentSessions.count ?? 0)
        case .detail: detailScroll = max(0, min(detailScroll + delta, max(0, history.count - 1)))
        case .help: helpScroll = max(0, min(helpScroll + delta, HelpScreen.lines(self).count - 1))
        case .inspector, .incident: break
        }
        return []
    }

    private func clamp(_ value: Int, _ count: Int) -> Int { max(0, min(value, count - 1)) }

    private mutating func page(down: Bool) -> [ConsoleEffect] {
        guard view == .sessions else { return move(by: down ? pageSize : -pageSize) }
        var query = filterQuery
        if down, let last = rows.last {
            query.after = SessionCursor(last, sort: query.sort, now: now)
            return [.loadSessions(query, .nextPage)]
        }
        if !down, let first = rows.first {
            query.before = SessionCursor(first, sort: query.sort, now: now)
            return [.loadSessions(query, .above)]
        }
        return []
    }

    private mutating func jump(top: Bool) -> [ConsoleEffect] {
        switch view {
        case .sessions:
            var query = filterQuery
            query.oldest = !top
            atNewest = top
            return [.loadSessions(query, .replace(selectID: nil, cursor: top ? 0 : pageSize - 1))]
        case .keys: keyCursor = top ? 0 : max(0, keys.count - 1)
        case .audit: auditCursor = top ? 0 : max(0, visibleAudit.count - 1)
        case .services: serviceCursor = top ? 0 : max(0, verifiers.count - 1)
        case .columns: columnCursor = top ? 0 : SessionColumn.allCases.count - 1
        case .user: userCursor = top ? 0 : max(0, (userOverview?.recentSessions.count ?? 0) - 1)
        default: break
        }
        return []
    }
}
